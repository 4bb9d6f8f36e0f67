/**
 * Builds the `window.wagw` object from the preload's inputs. Kept free of Electron so it is tested directly;
 * index.ts only hands it process.argv and ipcRenderer.invoke.
 */
import { IPC_GET_TOKEN, isLoginToken, parseApiBaseArg, type LoginToken, type WagwBridge } from './api.js';

export type InvokeFn = (channel: string) => Promise<unknown>;

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
  };
  return Object.freeze(bridge);
}
