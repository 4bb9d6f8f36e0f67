/**
 * The main-process side of the bridge: one IPC handler, answering only frames that show the gateway's origin.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { IPC_GET_TOKEN, type LoginToken } from '../preload/api.js';
import { isTrustedSender } from './security.js';

export interface IpcHandlerDeps {
  /** The gateway's origin, e.g. http://127.0.0.1:7480. */
  gatewayOrigin: string;
  /** gateway.mintLoginToken */
  mintLoginToken(): Promise<string>;
}

/** The `exp` claim of a compact JWT, in epoch milliseconds; throws when the token carries none. */
export function jwtExpiresAt(token: string): number {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined) throw new Error('not a compact JWT');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new Error('JWT payload is not JSON');
  }
  const exp = (payload as { exp?: unknown } | null)?.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new Error('JWT has no numeric exp claim');
  return exp * 1000;
}

/** What the handler does, separated from ipcMain so it is tested with plain fake events. */
export async function handleGetToken(
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  deps: IpcHandlerDeps,
): Promise<LoginToken> {
  // senderFrame is null when the frame navigated away or was destroyed while the message was in flight.
  const frameUrl = event.senderFrame?.url ?? null;
  if (!isTrustedSender(frameUrl, deps.gatewayOrigin)) {
    // The message goes back to whoever asked; it names no origin so it teaches an attacker nothing.
    throw new Error('forbidden: untrusted sender');
  }
  const token = await deps.mintLoginToken();
  return { token, expiresAt: jwtExpiresAt(token) };
}

/** Registers the handlers; returns a function removing them (shutdown). */
export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, deps: IpcHandlerDeps): () => void {
  ipcMain.handle(IPC_GET_TOKEN, (event) => handleGetToken(event, deps));
  return () => ipcMain.removeHandler(IPC_GET_TOKEN);
}
