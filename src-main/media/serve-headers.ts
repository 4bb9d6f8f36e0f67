/**
 * The response of the media endpoints (docs/API.md, "The archive in use": GET .../messages/{id}/media),
 * decided without I/O: status, every header of the contract, and which bytes to send. The route only opens
 * the file-store range this plan names and copies the headers.
 *
 * Why each header: a media file is content chosen by whoever sent the message, served from the API's own
 * origin. `X-Content-Type-Options: nosniff` stops a browser from guessing HTML out of it,
 * `Content-Security-Policy: sandbox; default-src 'none'` makes any document it could still become inert,
 * and only image/video/audio types (never SVG, HTML or XML, which can carry script) are `inline`; everything
 * else is an attachment with its name RFC 5987-encoded in `filename*`. The ETag is the sha256 of the bytes,
 * so it never changes for a given response and the file can be cached as immutable.
 */
import { contentRange, parseRange, type ByteRange } from './http-range.js';

export interface StoredMediaFile {
  /** sha256 of the bytes, lower-case hex (the file-store name). */
  sha256: string;
  size: number;
  /** The mimetype WhatsApp's message carries (untrusted). */
  mimetype: string | null;
  /** The file name the message carries (documents), untrusted; null for most photos and voice notes. */
  filename: string | null;
  /** Message kind for a default file name (image, audio, ...). */
  kind?: string | null;
}

export interface ServeRequestHeaders {
  range?: string | null | undefined;
  ifNoneMatch?: string | null | undefined;
  ifRange?: string | null | undefined;
}

export type ServePlan =
  | { status: 200; headers: Record<string, string>; range: null }
  | { status: 206; headers: Record<string, string>; range: ByteRange }
  | { status: 304; headers: Record<string, string>; range: null }
  | { status: 416; headers: Record<string, string>; range: null };

export const MEDIA_CACHE_CONTROL = 'private, max-age=31536000, immutable';
export const MEDIA_CSP = "sandbox; default-src 'none'";
const OCTET_STREAM = 'application/octet-stream';

const TOKEN = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"[^"\\\\\\x00-\\x1f\\x7f]*"))*$`);

/** The stored mimetype when it is a well-formed media type, else application/octet-stream. */
export function safeContentType(mimetype: string | null | undefined): string {
  const m = (mimetype ?? '').trim();
  return m.length > 0 && m.length <= 255 && MEDIA_TYPE.test(m) ? m : OCTET_STREAM;
}

/** True for types a browser may show in place: image/video/audio, never SVG, HTML or XML. */
export function isInlineSafe(mimetype: string | null | undefined): boolean {
  const base = safeContentType(mimetype).split(';')[0]!.trim().toLowerCase();
  if (!/^(image|video|audio)\//.test(base)) return false;
  return !/(svg|html|xml)/.test(base);
}

/** The usual file extension of a media type (downloads and the files inside an export zip). */
export function extensionOf(mimetype: string | null | undefined): string | undefined {
  return EXTENSIONS[(mimetype ?? '').split(';')[0]!.trim().toLowerCase()];
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'application/zip': 'zip',
};

/** A file name to offer: the message's own, cleaned, or `<kind>-<hash prefix>.<ext>`. */
export function downloadName(file: Pick<StoredMediaFile, 'sha256' | 'mimetype' | 'filename' | 'kind'>): string {
  const cleaned = (file.filename ?? '')
    // Path separators and control characters never belong in a name a browser will save.
    .replace(/[\\/\x00-\x1f\x7f]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 200);
  if (cleaned) return cleaned;
  const base = safeContentType(file.mimetype).split(';')[0]!.trim().toLowerCase();
  const ext = EXTENSIONS[base];
  return `${file.kind || 'file'}-${file.sha256.slice(0, 12)}${ext ? `.${ext}` : ''}`;
}

/** RFC 5987 ext-value encoding (UTF-8, percent-encoded; only attr-chars stay literal). */
export function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function contentDisposition(file: Pick<StoredMediaFile, 'sha256' | 'mimetype' | 'filename' | 'kind'>): string {
  if (isInlineSafe(file.mimetype)) return 'inline';
  const name = downloadName(file);
  // A plain ASCII fallback first for old clients (RFC 6266 section 4.3); filename* wins where understood.
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

export function etagOf(sha256: string): string {
  return `"${sha256}"`;
}

/** If-None-Match matches this ETag (weak comparison, RFC 9110 13.1.2; `*` matches any). */
export function etagMatches(header: string | null | undefined, etag: string): boolean {
  if (!header) return false;
  const wanted = etag.replace(/^W\//, '');
  return header.split(',').some((raw) => {
    const t = raw.trim();
    return t === '*' || t.replace(/^W\//, '') === wanted;
  });
}

function commonHeaders(etag: string): Record<string, string> {
  return {
    ETag: etag,
    'Cache-Control': MEDIA_CACHE_CONTROL,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': MEDIA_CSP,
    'Accept-Ranges': 'bytes',
  };
}

/**
 * The whole answer for a stored file. Order of checks (RFC 9110 13.2.2): If-None-Match (304) before Range;
 * If-Range with another validator turns a range request into a full 200.
 */
export function planMediaResponse(file: StoredMediaFile, req: ServeRequestHeaders = {}): ServePlan {
  const etag = etagOf(file.sha256);
  const common = commonHeaders(etag);
  if (etagMatches(req.ifNoneMatch, etag)) return { status: 304, headers: common, range: null };
  const body = {
    ...common,
    'Content-Type': safeContentType(file.mimetype),
    'Content-Disposition': contentDisposition(file),
  };
  // If-Range holds an ETag or a date; we only ever hand out strong ETags, so anything else does not match.
  const rangeApplies = !req.ifRange || req.ifRange.trim() === etag;
  const range = rangeApplies ? parseRange(req.range, file.size) : null;
  if (range === 'unsatisfiable') {
    return {
      status: 416,
      headers: { ...common, 'Content-Range': contentRange(null, file.size), 'Content-Length': '0' },
      range: null,
    };
  }
  if (range) {
    return {
      status: 206,
      headers: { ...body, 'Content-Range': contentRange(range, file.size), 'Content-Length': String(range.end - range.start + 1) },
      range,
    };
  }
  return { status: 200, headers: { ...body, 'Content-Length': String(file.size) }, range: null };
}

/**
 * The `?variant=thumbnail` answer: the JPEG WhatsApp embeds in the message, served like a file whose hash
 * is `thumbnailSha256` (computed by the caller over the bytes). No ranges: it is a few KB.
 */
export function planThumbnailResponse(
  thumbnailSha256: string,
  size: number,
  req: Pick<ServeRequestHeaders, 'ifNoneMatch'> = {},
): { status: 200 | 304; headers: Record<string, string> } {
  const etag = etagOf(thumbnailSha256);
  const common = { ...commonHeaders(etag), 'Accept-Ranges': 'none' };
  if (etagMatches(req.ifNoneMatch, etag)) return { status: 304, headers: common };
  return {
    status: 200,
    headers: { ...common, 'Content-Type': 'image/jpeg', 'Content-Disposition': 'inline', 'Content-Length': String(size) },
  };
}
