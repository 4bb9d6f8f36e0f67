/**
 * The contract between the Electron main process, the preload and the renderer: the one object the preload
 * exposes as `window.wagw`. The renderer mirrors `WagwBridge` (src-renderer) and must use nothing else.
 *
 * Deliberately narrow: an API base URL, a way to get a fresh login JWT, and "open this message's document with
 * the OS default app" (a message reference, never a path). No raw ipcRenderer, no generic "invoke(channel)", no
 * Node: a compromised page can at worst obtain a token for an API it already talks to, or open an archived
 * document of an allow-listed type (core/openable-documents.ts) that it could already download.
 *
 * No 'electron' import here: main, preload and tests share these values under plain Node too.
 */
import type { OpenDocumentRequest, OpenDocumentResult } from '../core/openable-documents.js';

export type { OpenDocumentRequest, OpenDocumentResult };

/** A login JWT minted by the main process for the local owner. */
export interface LoginToken {
  /** Compact JWS, send as `Authorization: Bearer <token>`. */
  token: string;
  /** Epoch milliseconds after which the token no longer verifies; ask again before then. */
  expiresAt: number;
}

export interface WagwBridge {
  /** e.g. http://127.0.0.1:7480/api/v1 */
  readonly apiBase: string;
  /** A fresh token on every call (main mints it); reject -> show a "cannot sign in" state. */
  getToken(): Promise<LoginToken>;
  /**
   * Opens an archived document with the operating system's default application. The page names the message,
   * never a path or URL: main fetches the bytes through the gateway's own media route, checks the type and
   * the signature, saves them in its cache folder and asks the OS to open that file.
   */
  openDocument(ref: OpenDocumentRequest): Promise<OpenDocumentResult>;
}

/** The name under which the bridge appears on `window`. */
export const BRIDGE_KEY = 'wagw';

/** The IPC channels the renderer can reach (ipcRenderer.invoke, answered by ipcMain.handle). */
export const IPC_GET_TOKEN = 'wagw:get-token';
export const IPC_OPEN_DOCUMENT = 'wagw:open-document';

/** Main passes the API base as `--wagw-api-base=<url>` through webPreferences.additionalArguments. */
export const API_BASE_ARG_PREFIX = '--wagw-api-base=';

/** The API base from the renderer process's argv, or null when absent or not an http(s) URL. */
export function parseApiBaseArg(argv: readonly string[]): string | null {
  const arg = argv.find((a) => a.startsWith(API_BASE_ARG_PREFIX));
  if (arg === undefined) return null;
  const value = arg.slice(API_BASE_ARG_PREFIX.length);
  try {
    const url = new URL(value);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return null;
    return value;
  } catch {
    return null;
  }
}

/** Shape check of what came back over IPC: the renderer must never receive something else as a "token". */
export function isLoginToken(value: unknown): value is LoginToken {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Object.keys(v).length === 2 &&
    typeof v.token === 'string' &&
    /^[\w-]+\.[\w-]+\.[\w-]+$/.test(v.token) &&
    typeof v.expiresAt === 'number' &&
    Number.isFinite(v.expiresAt)
  );
}

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** user@server: phone numbers, LIDs, groups, newsletters (digits, letters, '.', ':', '_', '-'). */
const JID = /^[A-Za-z0-9._:-]{1,80}@[a-z0-9.-]{1,40}$/;
const MESSAGE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Shape check of an open request, on both sides of the bridge: exactly the four fields, each in its own
 * narrow alphabet (no '/', '%', '..' or whitespace can reach the URL main builds). Null when anything is off.
 */
export function parseOpenDocumentRequest(value: unknown): OpenDocumentRequest | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v).sort().join(',');
  if (keys !== 'jid,messageId,scope,sessionId') return null;
  const { sessionId, scope, jid, messageId } = v;
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) return null;
  if (scope !== 'chat' && scope !== 'channel') return null;
  if (typeof jid !== 'string' || !JID.test(jid)) return null;
  if (typeof messageId !== 'string' || !MESSAGE_ID.test(messageId)) return null;
  return { sessionId, scope, jid, messageId };
}

/** Shape check of what came back over IPC for an open request. */
export function isOpenDocumentResult(value: unknown): value is OpenDocumentResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.ok === true) return Object.keys(v).length === 2 && typeof v.fileName === 'string';
  if (v.ok === false) return Object.keys(v).length === 2 && typeof v.error === 'string';
  return false;
}
