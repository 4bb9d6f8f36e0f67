/**
 * The contract between the Electron main process, the preload and the renderer: the one object the preload
 * exposes as `window.wagw`. The renderer mirrors `WagwBridge` (src-renderer) and must use nothing else.
 *
 * Deliberately narrow: an API base URL and a way to get a fresh login JWT. No raw ipcRenderer, no generic
 * "invoke(channel)", no Node: a compromised page can at worst obtain a token for an API it already talks to.
 *
 * No 'electron' import here: main, preload and tests share these values under plain Node too.
 */

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
}

/** The name under which the bridge appears on `window`. */
export const BRIDGE_KEY = 'wagw';

/** The only IPC channel the renderer can reach (ipcRenderer.invoke, answered by ipcMain.handle). */
export const IPC_GET_TOKEN = 'wagw:get-token';

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
