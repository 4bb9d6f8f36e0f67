/**
 * "Open" on a document card in the desktop app: the main-process side of `window.wagw.openDocument`.
 *
 * The page names a message (session, chat or channel, message id: checked shapes, preload/api.ts). From that
 * reference alone this module builds the URL of the gateway's own media route (loopback, the API base the
 * gateway reported), fetches the bytes with a freshly minted owner token (so the route's capability, session
 * and chat checks apply as for any client), and accepts them only when
 *   - the served media type (or, for application/octet-stream, the file name's extension) is an allow-listed
 *     document type (core/openable-documents.ts): never a program, script, shortcut, HTML or archive;
 *   - the bytes start with that type's signature (a "PDF" that is really something else is refused);
 *   - they are not larger than a bound.
 * The file is written under our own cache folder, in a folder named by the bytes' sha256, with a file name made
 * of the sender's name cleaned of anything a file system could read as a path, and the extension of the type
 * (never the sender's). Then the OS default application opens it (shell.openPath, passed in by app.ts). On
 * Windows the file is marked as downloaded from the internet (Zone.Identifier), so Office opens it in
 * Protected View, as it would a browser download. No path ever comes from the renderer.
 *
 * No 'electron' import: app.ts passes shell.openPath and the cache folder, tests pass fakes.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { extensionOf, openableDocumentType, type OpenableDocumentType } from '../core/openable-documents.js';
import type { OpenDocumentRequest, OpenDocumentResult } from '../preload/api.js';

/** Documents larger than this are not opened from the app (Download still works). */
export const OPEN_DOCUMENT_MAX_BYTES = 256 * 1024 * 1024;
/** Cached copies older than this are removed at the next start. */
export const DOCUMENT_CACHE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface DocumentOpenerDeps {
  /** The gateway's API base, e.g. http://127.0.0.1:7480/api/v1 (GatewayInfo.apiBase). */
  apiBase: string;
  /** gateway.mintLoginToken: a short-lived owner JWT for the one request. */
  mintLoginToken(): Promise<string>;
  /** Our own folder for opened copies (e.g. <temp>/wagw-documents). */
  cacheDir: string;
  /** shell.openPath: resolves to '' when opened, else an error message. */
  openPath(path: string): Promise<string>;
  platform?: NodeJS.Platform;
  maxBytes?: number;
  fetch?: typeof fetch;
}

class Refused extends Error {}

/** The media route of a message, built from checked parts only (each one percent-encoded). */
export function mediaUrl(apiBase: string, ref: OpenDocumentRequest): string {
  const parent = ref.scope === 'chat' ? 'chats' : 'channels';
  const e = encodeURIComponent;
  return `${apiBase.replace(/\/+$/, '')}/sessions/${e(ref.sessionId)}/${parent}/${e(ref.jid)}/messages/${e(ref.messageId)}/media`;
}

/** The file name of a Content-Disposition header (filename* first), or null. */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header) ?? /filename\s*=\s*([^;\s]+)/i.exec(header);
  return plain ? plain[1]!.replace(/\\(.)/g, '$1') : null;
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * A file name safe on every OS from what the sender called the file: the last path segment only, no control or
 * reserved characters, no leading dots, at most ~100 characters, and the extension of the document's type
 * (the sender's own extension is kept only when it is one of that type's).
 */
export function safeDocumentName(senderName: string | null, type: OpenableDocumentType): string {
  let name = (senderName ?? '').split(/[/\\]/).pop() ?? '';
  name = name
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069<>:"|?*]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  const ext = extensionOf(name);
  const accepted = ext !== null && (ext === type.extension || (type.aliases ?? []).includes(ext));
  let base = accepted ? name.slice(0, -(ext.length + 1)) : name;
  base = base.replace(/[.\s]+$/, '').slice(0, 100).replace(/[.\s]+$/, '');
  if (base === '' || WINDOWS_RESERVED.test(base.split('.')[0]!)) base = `document${base ? `-${base}` : ''}`;
  return `${base}.${accepted ? ext : type.extension}`;
}

const startsWith = (bytes: Uint8Array, sig: readonly number[]) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);

/** Do the bytes look like the type says? (The OS picks the application by extension; the bytes must agree.) */
export function matchesSignature(bytes: Uint8Array, signature: OpenableDocumentType['signature']): boolean {
  switch (signature) {
    case 'pdf':
      return startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d]); // %PDF-
    case 'zip':
      return startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]); // PK\3\4
    case 'ole':
      return startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    case 'rtf':
      return startsWith(bytes, [0x7b, 0x5c, 0x72, 0x74, 0x66]); // {\rtf
    case 'text':
      // Text has no signature; a NUL byte in its first 64 KiB means it is not text.
      return !bytes.subarray(0, 64 * 1024).includes(0);
  }
}

async function readBody(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw new Refused('That document is too large to open from the app; use Download.');
  const reader = res.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Refused('That document is too large to open from the app; use Download.');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function apiError(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON
  }
  return `the gateway answered ${res.status}`;
}

/**
 * Fetches, checks, saves and opens one document. Never throws: every failure is `{ ok: false, error }` in
 * words for the person (the page shows it under the card).
 */
export async function openArchivedDocument(ref: OpenDocumentRequest, deps: DocumentOpenerDeps): Promise<OpenDocumentResult> {
  const doFetch = deps.fetch ?? fetch;
  const maxBytes = deps.maxBytes ?? OPEN_DOCUMENT_MAX_BYTES;
  try {
    const token = await deps.mintLoginToken();
    // redirect: 'error': the route never redirects; whatever would make it do so must not take us elsewhere.
    const res = await doFetch(mediaUrl(deps.apiBase, ref), { headers: { authorization: `Bearer ${token}` }, redirect: 'error' });
    if (!res.ok) {
      const message = await apiError(res);
      return { ok: false, error: `The document could not be fetched: ${message}` };
    }
    const senderName = dispositionFilename(res.headers.get('content-disposition'));
    const type = openableDocumentType(res.headers.get('content-type'), senderName);
    if (!type) {
      await res.body?.cancel();
      return { ok: false, error: 'This kind of file is not opened from the app; use Download.' };
    }
    const bytes = await readBody(res, maxBytes);
    if (!matchesSignature(bytes, type.signature)) {
      return { ok: false, error: `The file does not look like the ${type.extension.toUpperCase()} it claims to be, so it is not opened; use Download.` };
    }
    const fileName = safeDocumentName(senderName, type);
    const root = resolve(deps.cacheDir);
    const folder = join(root, createHash('sha256').update(bytes).digest('hex').slice(0, 32));
    const file = join(folder, fileName);
    // Built from a hash and a cleaned name; checked anyway, since this is the one path the OS is asked to open.
    if (!file.startsWith(root + sep) || resolve(file) !== file) return { ok: false, error: 'That document cannot be saved.' };
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const existing = await stat(file).catch(() => null);
    // Same folder = same bytes: a copy opened before (maybe still open in its application) is reused as it is.
    if (existing?.size !== bytes.length) await writeFile(file, bytes, { mode: 0o600 });
    if ((deps.platform ?? process.platform) === 'win32') {
      // Mark of the Web: what a browser download carries (ZoneId 3 = internet); best effort.
      await writeFile(`${file}:Zone.Identifier`, '[ZoneTransfer]\r\nZoneId=3\r\n').catch(() => undefined);
    }
    const failure = await deps.openPath(file);
    if (failure) return { ok: false, error: `The document could not be opened: ${failure}` };
    return { ok: true, fileName };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, error: error.message };
    return { ok: false, error: `The document could not be opened: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Removes cached copies older than maxAgeMs (at start; copies opened today may still be open). Never throws. */
export async function pruneDocumentCache(cacheDir: string, now: number = Date.now(), maxAgeMs = DOCUMENT_CACHE_MAX_AGE_MS): Promise<number> {
  let removed = 0;
  try {
    for (const entry of await readdir(cacheDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !/^[0-9a-f]{32}$/.test(entry.name)) continue;
      const path = join(cacheDir, entry.name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > maxAgeMs) {
        await rm(path, { recursive: true, force: true }).catch(() => undefined);
        removed++;
      }
    }
  } catch {
    // no cache yet
  }
  return removed;
}
