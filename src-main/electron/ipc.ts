/**
 * The main-process side of the bridge: two IPC handlers (a login token; open an archived document), answering
 * only frames that show the gateway's origin.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import {
  IPC_GET_TOKEN,
  IPC_OPEN_DOCUMENT,
  parseOpenDocumentRequest,
  type LoginToken,
  type OpenDocumentRequest,
  type OpenDocumentResult,
} from '../preload/api.js';
import { isTrustedSender } from './security.js';

export interface IpcHandlerDeps {
  /** The gateway's origin, e.g. http://127.0.0.1:7480. */
  gatewayOrigin: string;
  /** gateway.mintLoginToken */
  mintLoginToken(): Promise<string>;
  /** Fetches, checks, saves and opens a document (open-document.ts openArchivedDocument, bound by app.ts). */
  openDocument(ref: OpenDocumentRequest): Promise<OpenDocumentResult>;
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
  deps: Pick<IpcHandlerDeps, 'gatewayOrigin' | 'mintLoginToken'>,
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

/** Opens a document for a trusted frame; the request is checked again here (the page may bypass the preload's check). */
export async function handleOpenDocument(
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  request: unknown,
  deps: Pick<IpcHandlerDeps, 'gatewayOrigin' | 'openDocument'>,
): Promise<OpenDocumentResult> {
  if (!isTrustedSender(event.senderFrame?.url ?? null, deps.gatewayOrigin)) throw new Error('forbidden: untrusted sender');
  const ref = parseOpenDocumentRequest(request);
  if (ref === null) return { ok: false, error: 'That document cannot be opened (bad reference).' };
  return deps.openDocument(ref);
}

/** Registers the handlers; returns a function removing them (shutdown). */
export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, deps: IpcHandlerDeps): () => void {
  ipcMain.handle(IPC_GET_TOKEN, (event) => handleGetToken(event, deps));
  ipcMain.handle(IPC_OPEN_DOCUMENT, (event, request: unknown) => handleOpenDocument(event, request, deps));
  return () => {
    ipcMain.removeHandler(IPC_GET_TOKEN);
    ipcMain.removeHandler(IPC_OPEN_DOCUMENT);
  };
}
