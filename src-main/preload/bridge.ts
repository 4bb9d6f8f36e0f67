/**
 * Builds the `window.wagw` object from the preload's inputs. Kept free of Electron so it is tested directly;
 * index.ts only hands it process.argv and ipcRenderer.invoke.
 */
import {
  IPC_GET_TOKEN,
  IPC_OPEN_DOCUMENT,
  isLoginToken,
  isOpenDocumentResult,
  parseApiBaseArg,
  parseOpenDocumentRequest,
  type LoginToken,
  type OpenDocumentRequest,
  type OpenDocumentResult,
  type WagwBridge,
} from './api.js';

export type InvokeFn = (channel: string, ...args: unknown[]) => Promise<unknown>;

export function buildBridge(argv: readonly string[], invoke: InvokeFn): WagwBridge {
  const apiBase = parseApiBaseArg(argv);
  if (apiBase === null) {
    // Main always passes it; without it the UI cannot work, and guessing a URL would be worse than failing.
    throw new Error('wagw preload: missing or invalid --wagw-api-base argument');
  }
  const bridge: WagwBridge = {
    apiBase,
    async getToken(): Promise<LoginToken> {
      // Only the channel name crosses the bridge: the page cannot choose channels or pass arguments.
      const result = await invoke(IPC_GET_TOKEN);
      if (!isLoginToken(result)) throw new Error('wagw: main process returned no valid token');
      return { token: result.token, expiresAt: result.expiresAt };
    },
    async openDocument(ref: OpenDocumentRequest): Promise<OpenDocumentResult> {
      // A fresh object of exactly the four checked strings crosses (main checks it again): nothing else the
      // page passes (getters, prototypes, extra fields) reaches the main process.
      const request = parseOpenDocumentRequest(ref);
      if (request === null) return { ok: false, error: 'That document cannot be opened (bad reference).' };
      const result = await invoke(IPC_OPEN_DOCUMENT, request);
      if (!isOpenDocumentResult(result)) throw new Error('wagw: main process returned no valid answer');
      return result.ok ? { ok: true, fileName: result.fileName } : { ok: false, error: result.error };
    },
  };
  return Object.freeze(bridge);
}
