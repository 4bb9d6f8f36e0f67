/**
 * One media download: a stored WhatsApp message in, a verified file in the file-store out.
 *
 * It fetches and decrypts as Baileys' `downloadContentFromMessage` does (its `getMediaKeys` key derivation and
 * URL rule, AES-256-CBC; docs/BAILEYS.md section 7; see `decryptedBody` for why not through that function
 * itself) and streams the plaintext into the file-store, which keeps it only when its sha256 equals the
 * message's fileSha256. Baileys checks neither the MAC nor the plaintext hash while downloading, so that
 * comparison is the integrity check.
 *
 * When WhatsApp's CDN answers 404 or 410 the media has expired there; the phone can upload it again. We ask
 * through the `reupload` port (the live socket's `updateMediaMessage`, which returns the message with a new
 * url/directPath) and retry once. We do this ourselves instead of calling Baileys' `downloadMediaMessage`
 * because rc14's helper tests `error.status`, which a Boom never has (the code is in
 * `error.output.statusCode`), so its re-upload branch never runs
 * (node_modules/@whiskeysockets/baileys/lib/Utils/messages.js, REUPLOAD_REQUIRED_STATUS).
 */
import { createDecipheriv } from 'node:crypto';
import {
  BufferJSON,
  DEFAULT_ORIGIN,
  extractMessageContent,
  getContentType,
  getMediaKeys,
  getUrlFromDirectPath,
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

/** The CDN's answer was not 2xx; `httpStatusOf` reads `statusCode` (as it reads a Boom's output.statusCode). */
class CdnStatusError extends Error {
  readonly statusCode: number;
  constructor(statusCode: number) {
    super(`the media CDN answered ${statusCode}`);
    this.name = 'CdnStatusError';
    this.statusCode = statusCode;
  }
}

const AES_BLOCK = 16;

/**
 * The plaintext of a media message, as Baileys' `downloadEncryptedContent` computes it (its key derivation
 * `getMediaKeys` and URL rule `getUrlFromDirectPath`, the same request header, AES-256-CBC over whole blocks,
 * the trailing 10-byte MAC left out, PKCS#7 removed by final()), but as an async iterable over fetch's web
 * stream with our AbortSignal. Why not Baileys' function itself: it pipes the HTTP body into its decipher with
 * `pipe()`, which forwards no errors, so a connection dropped mid-file (or closed after we gave up on a stall)
 * was an 'error' event nobody could listen to: an uncaught exception that ended the gateway (reproduced in
 * test/media/downloader.test.ts), and the download hung until the stall timeout. Here every failure is a
 * rejected read, and aborting closes the connection.
 */
async function* decryptedBody(media: MediaContent, mediaType: MediaType, signal: AbortSignal): AsyncGenerator<Buffer> {
  const { cipherKey, iv } = await getMediaKeys(media.mediaKey, mediaType);
  let host: string | undefined;
  try {
    host = media.url ? new URL(media.url).host : undefined;
  } catch {
    host = undefined;
  }
  const url = media.directPath ? getUrlFromDirectPath(media.directPath, host) : media.url;
  if (!url) throw Object.assign(new Error('No valid media URL or directPath present in message'), { statusCode: 400 });
  const res = await fetch(url, { method: 'GET', headers: { Origin: DEFAULT_ORIGIN }, signal });
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new CdnStatusError(res.status);
  }
  if (!res.body) throw new Error('the media CDN sent no body');
  const aes = createDecipheriv('aes-256-cbc', cipherKey, iv);
  let rest: Buffer = Buffer.alloc(0);
  // Each read races the signal: aborting a fetch whose body is being read does not always settle the pending
  // read in Node 20's undici (about one abort in five mid-body on loopback, test/media/downloader.test.ts),
  // which left the download - and the queue's stop() waiting for it - pending forever, its temp file open.
  const reader = res.body.getReader();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('download aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined); // settled by the race below, or never looked at after the end
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      const data = rest.length ? Buffer.concat([rest, value]) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      const whole = data.length - (data.length % AES_BLOCK);
      rest = Buffer.from(data.subarray(whole));
      if (whole > 0) yield aes.update(data.subarray(0, whole));
    }
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    // Not awaited: on the stuck path the cancel would wait as the read did. The caller aborts the fetch too.
    reader.cancel().catch(() => undefined);
  }
  // `rest` is now the MAC (10 bytes; Baileys does not check it either: the plaintext's sha256 is the check).
  yield aes.final();
}

/**
 * Streams one fetch's plaintext into the file-store. A stall (no byte for stallTimeoutMs) or the caller's
 * signal aborts the fetch, which ends the writer's read with that reason, so the writer deletes its temp file.
 * Throws whatever went wrong (HTTP status, network, decryption, integrity, size, stall, abort).
 */
async function fetchInto(files: FileStore, msg: WAMessage, d: MediaDescriptor, opts: DownloadOptions) {
  const media = contentOf(msg)!.media;
  const stallMs = opts.stallTimeoutMs ?? DEFAULT_STALL_MS;
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ac.abort(new StallError(stallMs)), stallMs);
  };
  const onAbort = () => ac.abort(new Error('download aborted'));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  arm();
  try {
    const source = (async function* () {
      for await (const chunk of decryptedBody(media, d.mediaType, ac.signal)) {
        arm();
        yield chunk;
      }
      clearTimeout(timer); // every byte is in: the writer's fsync is not a stall
    })();
    const maxBytes = opts.maxBytes ?? (d.fileLength !== null ? d.fileLength + SLACK_BYTES : HARD_MAX);
    return await files.write(source, { expectedSha256: d.sha256!, maxBytes });
  } catch (e) {
    // An aborted fetch rejects with undici's own wording; the reason we aborted for is the useful one.
    throw ac.signal.aborted && ac.signal.reason instanceof Error ? ac.signal.reason : e;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    // Closes the connection when the writer stopped early (hash mismatch, too large); a no-op after the end.
    ac.abort();
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
