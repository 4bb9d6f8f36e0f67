/**
 * What the app services need from the rest of the gateway: the session manager (src-main/gateway/session-manager.ts)
 * and the sandbox's simulated phone. The gateway implements these and passes them to createAppServices.
 */
import type { PayloadDetails, Session } from '../core/types.js';
import type { FileStore } from '../media/file-store.js';
import type { MediaQueue } from '../media/queue.js';
import type { WhatsAppClient } from '../core/whatsapp-port.js';

export interface CreateSessionInput {
  organizationId: string;
  label?: string | undefined;
  start?: boolean | undefined;
  autoRead?: boolean | undefined;
  presenceTyping?: boolean | undefined;
  sandbox?: boolean | undefined;
  fullHistory?: boolean | undefined;
}

/** The session manager, as the app layer sees it (it knows organizations, not principals or capabilities). */
export interface SessionControl {
  create(input: CreateSessionInput): Session;
  /** Throws NotFoundError unless the session exists in the organization. */
  get(organizationId: string, sessionId: string): Session;
  list(organizationId: string): Session[];
  start(organizationId: string, sessionId: string): Session;
  stop(organizationId: string, sessionId: string): Promise<Session>;
  restart(organizationId: string, sessionId: string): Session;
  logout(organizationId: string, sessionId: string): Promise<Session>;
  /** Deletes the session and publishes its last 'session.status' (sessionDeletedPayload). */
  delete(organizationId: string, sessionId: string): Promise<void>;
  /** The current QR code; starts pairing and throws NotFound until one exists; Conflict when paired. */
  qr(organizationId: string, sessionId: string): { code: string; expiresAt: number };
  pairingCode(organizationId: string, sessionId: string, phone: string): Promise<{ code: string }>;
  /** The connected client, or undefined when the session has none (live actions answer not_implemented). */
  liveClient(sessionId: string): WhatsAppClient | undefined;
}

export interface SandboxState {
  paired: boolean;
  waitingForPairing: boolean;
  /** False while the sandbox simulates an unreachable WhatsApp for this session. */
  reachable: boolean;
  presence: { jid: string; state: string; at: number }[];
  sent: number;
  /** Issue 13: what the simulated contacts received, and the read receipts they saw (newest last). */
  received: { id: string; to: string; kind: string; text: string; at: number }[];
  readReceipts: { jid: string; ids: string[]; at: number }[];
}

/** Sandbox-only controls (ours): simulate the phone's side of a sandbox session. */
export interface SandboxControls {
  pair(sessionId: string): boolean;
  state(sessionId: string): SandboxState;
  setReachable(sessionId: string, reachable: boolean): void;
}

/**
 * The media archive (src-main/media) as the app layer sees it. The queue and the payload reader live on the
 * WhatsApp side, which loads after the HTTP server listens (gateway/whatsapp-loader.ts): until then both are
 * undefined and media requests answer not_implemented.
 */
export interface MediaPort {
  files: FileStore;
  queue(): MediaQueue | undefined;
  /** Dimensions, location, contacts and poll of a stored payload (whatsapp/message-details.ts). */
  readDetails(raw: string): PayloadDetails | undefined;
}
