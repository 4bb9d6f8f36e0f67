/**
 * One media download: a stored WhatsApp message in, a verified file in the file-store out.
 *
 * It runs Baileys' own `downloadContentFromMessage` (fetch + AES-256-CBC decryption with the keys derived
 * from the message's mediaKey; docs/BAILEYS.md section 7) and streams the plaintext into the file-store,
 * which keeps it only when its sha256 equals the message's fileSha256. Baileys checks neither the MAC nor the
 * plaintext hash while downloading, so that comparison is the integrity check.
 *
 * When WhatsApp's CDN answers 404 or 410 the media has expired there; the phone can upload it again. We ask
 * through the `reupload` port (the live socket's `updateMediaMessage`, which returns the message with a new
 * url/directPath) and retry once. We do this ourselves instead of calling Baileys' `downloadMediaMessage`
 * because rc14's helper tests `error.status`, which a Boom never has (the code is in
 * `error.output.statusCode`), so its re-upload branch never runs
 * (node_modules/@whiskeysockets/baileys/lib/Utils/messages.js, REUPLOAD_REQUIRED_STATUS).
 */
import {
  BufferJSON,
  downloadContentFromMessage,
  extractMessageContent,
  getContentType,
  proto,
  toNumber,
  type MediaType,
  type WAMessage,
} from '@whiskeysockets/baileys';
import { unwrapContent } from '../whatsapp/unwrap.js';
import { MediaIntegrityError, MediaTooLargeError, type FileStore } from './file-store.js';

import { MEDIA_KINDS, type MediaKind } from './kinds.js';

export { MEDIA_KINDS, type MediaKind };

/** What a stored message says about its media (no I/O). */
export interface MediaDescriptor {
  kind: MediaKind;
  /** Baileys' MediaType: picks the HKDF info string of the key derivation. */
  mediaType: MediaType;
  mimetype: string | null;
  fileName: string | null;
  /** Announced plaintext length, or null. */
  fileLength: number | null;
  /** fileSha256 as lower-case hex, or null when the message carries none (then nothing can be verified). */
  sha256: string | null;
  /** The message carries a url or directPath to fetch from. */
  downloadable: boolean;
  /** The embedded JPEG preview, when any. */
  jpegThumbnail: Buffer | null;
  width: number | null;
  height: number | null;
  seconds: number | null;
  ptt: boolean;
  animated: boolean;
  pageCount: number | null;
}

type MediaContent =
  | proto.Message.IImageMessage
  | proto.Message.IVideoMessage
  | proto.Message.IAudioMessage
  | proto.Message.IDocumentMessage
  | proto.Message.IStickerMessage;

const CONTENT_KINDS: Record<string, { kind: MediaKind; mediaType: MediaType }> = {
  imageMessage: { kind: 'image', mediaType: 'image' },
  videoMessage: { kind: 'video', mediaType: 'video' },
  ptvMessage: { kind: 'video', mediaType: 'ptv' },
  audioMessage: { kind: 'audio', mediaType: 'audio' },
  documentMessage: { kind: 'document', mediaType: 'document' },
  stickerMessage: { kind: 'sticker', mediaType: 'sticker' },
};

/** Revives a stored `messages.raw` payload (see rawOf in src-main/whatsapp/mapper.ts). */
export function reviveRaw(raw: string): WAMessage {
  return proto.WebMessageInfo.fromObject(JSON.parse(raw, BufferJSON.reviver) as Record<string, unknown>) as WAMessage;
}

function bytes(v: Uint8Array | string | null | undefined): Buffer | null {
  if (v == null) return null;
  const b = typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return b.length ? b : null;
}

function num(v: unknown): number | null {
  if (v == null) return null;
  const n = Number(toNumber(v as number));
  return Number.isFinite(n) ? n : null;
}

function contentOf(msg: WAMessage): { type: string; media: MediaContent } | null {
  // The wrappers Baileys leaves (channel questions, Meta AI, comments...) first: the mapper shows their media.
  const content = extractMessageContent(unwrapContent(msg.message));
  if (!content) return null;
  const type = getContentType(content);
  if (!type || !(type in CONTENT_KINDS)) return null;
  const media = content[type] as MediaContent | null | undefined;
  return media && typeof media === 'object' ? { type, media } : null;
}

export function describeMedia(msg: WAMessage): MediaDescriptor | null {
  const c = contentOf(msg);
  if (!c) return null;
  const { kind, mediaType } = CONTENT_KINDS[c.type]!;
  const m = c.media as proto.Message.IImageMessage &
    proto.Message.IAudioMessage &
    proto.Message.IDocumentMessage &
    proto.Message.IStickerMessage &
    proto.Message.IVideoMessage;
  const sha = bytes(m.fileSha256);
  return {
    kind,
    mediaType,
    mimetype: m.mimetype ?? null,
    fileName: m.fileName ?? null,
    fileLength: num(m.fileLength),
    sha256: sha && sha.length === 32 ? sha.toString('hex') : null,
    downloadable: Boolean(m.url || m.directPath) && bytes(m.mediaKey) !== null,
    jpegThumbnail: bytes(m.jpegThumbnail),
    width: m.width ?? null,
    height: m.height ?? null,
    seconds: m.seconds ?? null,
    ptt: m.ptt === true,
    animated: m.isAnimated === true || m.gifPlayback === true,
    pageCount: m.pageCount ?? null,
  };
}

/**
 * The stored raw payload with the media's url/directPath replaced by the ones a re-upload returned. Only
 * those two fields change: the rest of the stored JSON (including key fields a proto round trip would drop,
 * such as remoteJidAlt) stays as ingestion wrote it. Null when the payload cannot be patched.
 */
export function withNewMediaLocation(raw: string, updated: WAMessage): string | null {
  const c = contentOf(updated);
  if (!c) return null;
  try {
    const obj = JSON.parse(raw) as { message?: Record<string, unknown> };
    const find = (m: Record<string, unknown> | undefined, depth = 0): Record<string, unknown> | null => {
      if (!m || typeof m !== 'object' || depth > 4) return null;
      if (m[c.type] && typeof m[c.type] === 'object') return m[c.type] as Record<string, unknown>;
      for (const v of Object.values(m)) {
        const inner = v && typeof v === 'object' ? (v as { message?: Record<string, unknown> }).message : undefined;
        const hit = find(inner, depth + 1);
        if (hit) return hit;
      }
      return null;
    };
    const target = find(obj.message);
    if (!target) return null;
    if (c.media.url) target.url = c.media.url;
    else delete target.url;
    if (c.media.directPath) target.directPath = c.media.directPath;
    else delete target.directPath;
    return JSON.stringify(obj);
  } catch {
    return null;
  }
}

/** The embedded JPEG preview of a stored message when it really is a JPEG (FF D8 FF), else null. */
export function jpegThumbnailOf(msg: WAMessage): Buffer | null {
  const t = describeMedia(msg)?.jpegThumbnail;
  return t && t.length > 3 && t[0] === 0xff && t[1] === 0xd8 && t[2] === 0xff ? t : null;
}

export type DownloadOutcome =
  | {
      status: 'done';
      sha256: string;
      size: number;
      mimetype: string | null;
      /** The bytes were already stored (another message): no network used. */
      existed: boolean;
      /** The message after a successful re-upload (new url/directPath): store it, or null when unchanged. */
      reuploaded: WAMessage | null;
    }
  | { status: 'expired'; error: string }
  | {
      status: 'failed';
      error: string;
      /** Worth trying again later (network, 5xx, stall), as opposed to a verdict on the bytes or message. */
      retryable: boolean;
      /** The CDN no longer has it and only a live socket can ask the phone for it. */
      needsLive?: boolean;
      httpStatus?: number;
    };

export interface DownloadOptions {
  /** Asks the phone to upload the media again (the live socket's updateMediaMessage); absent when not live. */
  reupload?: ((msg: WAMessage) => Promise<WAMessage>) | undefined;
  /** Refuse more than this many bytes (policy); default: the announced length + 64 KiB, else 2 GiB. */
  maxBytes?: number | undefined;
  /** Give up when no byte arrived for this long (default 30 s). */
  stallTimeoutMs?: number | undefined;
  /** Stop now (gateway shutdown); the outcome is a retryable failure. */
  signal?: AbortSignal | undefined;
}

/** The HTTP status of a failed fetch: Baileys throws Boom errors carrying it in output.statusCode. */
export function httpStatusOf(e: unknown): number | undefined {
  const err = e as { output?: { statusCode?: unknown }; status?: unknown; statusCode?: unknown } | null;
  const s = err?.output?.statusCode ?? err?.status ?? err?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

const GONE = new Set([404, 410]);
const DEFAULT_STALL_MS = 30_000;
const SLACK_BYTES = 64 * 1024;
const HARD_MAX = 2 * 1024 * 1024 * 1024;

class StallError extends Error {
  constructor(ms: number) {
    super(`no media bytes for ${ms} ms`);
    this.name = 'StallError';
  }
}

/**
 * Runs the stream of one fetch into the file-store, destroying it when it stalls or the signal aborts.
 * Throws whatever went wrong (HTTP Boom, decryption, integrity, size, stall).
 */
async function fetchInto(files: FileStore, msg: WAMessage, d: MediaDescriptor, opts: DownloadOptions) {
  const media = contentOf(msg)!.media;
  const stallMs = opts.stallTimeoutMs ?? DEFAULT_STALL_MS;
  let timer: NodeJS.Timeout | undefined;
  let rejectStall: ((e: Error) => void) | undefined;
  const stalled = new Promise<never>((_, reject) => (rejectStall = reject));
  stalled.catch(() => undefined);
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => rejectStall!(new StallError(stallMs)), stallMs);
  };
  const onAbort = () => rejectStall!(new Error('download aborted'));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  arm();
  let stream: NodeJS.ReadableStream & { destroy?: (e?: Error) => void } | undefined;
  try {
    const downloading = downloadContentFromMessage({ mediaKey: media.mediaKey, directPath: media.directPath, url: media.url }, d.mediaType);
    try {
      stream = await Promise.race([downloading, stalled]);
    } catch (e) {
      // Gave up before the answer came (stall, abort): close it whenever it comes, so no connection lingers.
      downloading.then((late) => late.destroy?.(), () => undefined);
      throw e;
    }
    const s = stream;
    // Errors reach the writer through its iterator. This listener only keeps an error nobody is iterating
    // (an abort at shutdown before the writer started reading) from becoming an uncaught 'error' event, which
    // crashed the process (found by test/bench/media.ts stopping the queue mid-download).
    s.on('error', () => undefined);
    const source = (async function* () {
      for await (const chunk of s as AsyncIterable<Buffer>) {
        arm();
        yield chunk;
      }
    })();
    const maxBytes = opts.maxBytes ?? (d.fileLength !== null ? d.fileLength + SLACK_BYTES : HARD_MAX);
    const writing = files.write(source, { expectedSha256: d.sha256!, maxBytes });
    try {
      return await Promise.race([writing, stalled]);
    } catch (e) {
      // Stalled or aborted: end the stream so the writer sees the error and deletes its temp file, and wait
      // for that, so nothing of this attempt is left when we report it.
      s.destroy?.(e as Error);
      await writing.catch(() => undefined);
      throw e;
    }
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    stream?.destroy?.();
  }
}

function failure(e: unknown): DownloadOutcome {
  if (e instanceof MediaIntegrityError) return { status: 'failed', error: 'hash_mismatch', retryable: false };
  if (e instanceof MediaTooLargeError) return { status: 'failed', error: 'too_large', retryable: false };
  const httpStatus = httpStatusOf(e);
  const message = e instanceof Error ? e.message : String(e);
  // 4xx other than expiry will not change by retrying the same URL; everything else (5xx, network, stalls,
  // a truncated body that fails decryption) may.
  const retryable = httpStatus === undefined || httpStatus >= 500 || httpStatus === 408 || httpStatus === 429;
  return { status: 'failed', error: message.slice(0, 300), retryable, ...(httpStatus !== undefined ? { httpStatus } : {}) };
}

/** Downloads, decrypts and verifies one message's media into the file-store. Never throws. */
export async function downloadMedia(files: FileStore, msg: WAMessage, opts: DownloadOptions = {}): Promise<DownloadOutcome> {
  const d = describeMedia(msg);
  if (!d) return { status: 'failed', error: 'not_media', retryable: false };
  if (!d.sha256) return { status: 'failed', error: 'no_file_sha256', retryable: false };
  // Same bytes already stored for another message: verified when they were written.
  if (files.has(d.sha256)) {
    return { status: 'done', sha256: d.sha256, size: files.size(d.sha256) ?? 0, mimetype: d.mimetype, existed: true, reuploaded: null };
  }
  if (!d.downloadable) return { status: 'failed', error: 'no_url', retryable: false };
  try {
    const r = await fetchInto(files, msg, d, opts);
    return { status: 'done', sha256: r.sha256, size: r.size, mimetype: d.mimetype, existed: r.existed, reuploaded: null };
  } catch (e) {
    const code = httpStatusOf(e);
    if (code === undefined || !GONE.has(code)) return failure(e);
    if (!opts.reupload) {
      return { status: 'failed', error: `media gone from the CDN (${code}); re-upload needs a live session`, retryable: true, needsLive: true, httpStatus: code };
    }
  }
  let updated: WAMessage;
  try {
    updated = await opts.reupload(msg);
  } catch (e) {
    return { status: 'expired', error: `re-upload refused: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300) };
  }
  const d2 = describeMedia(updated);
  if (!d2?.downloadable) return { status: 'expired', error: 're-upload gave no url' };
  try {
    const r = await fetchInto(files, updated, { ...d2, sha256: d.sha256 }, opts);
    return { status: 'done', sha256: r.sha256, size: r.size, mimetype: d.mimetype, existed: r.existed, reuploaded: updated };
  } catch (e) {
    const code = httpStatusOf(e);
    if (code !== undefined && GONE.has(code)) return { status: 'expired', error: `media gone after re-upload (${code})` };
    return failure(e);
  }
}
