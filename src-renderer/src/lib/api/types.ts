/**
 * Shapes of the gateway's HTTP API (API.md). The domain objects and the realtime event map are the main
 * process's own types, imported through the `@core` alias (src-main/core, see src-renderer/vite.config.ts), so
 * the UI, the API and every event producer cannot drift apart silently.
 */
export type {
  Capability,
  Channel,
  Chat,
  MediaInfo,
  Message,
  MessageStatus,
  MessageType,
  Page,
  Session,
  SessionStatus,
  SyncState,
} from '@core/types.js';
export type { EventPayloads, RealtimeEventName, RealtimeFrame } from '@core/events.js';
import type { Capability, Message, Session } from '@core/types.js';

export interface TokenGrant {
  token: string;
  /** Epoch ms (seconds and ISO strings are tolerated and normalised). */
  expiresAt: number;
}

export interface QrCodeGrant {
  code: string;
  expiresAt: number;
}

export interface PairingCodeGrant {
  code: string;
}

export interface SendResult {
  waMessageId: string;
  status: Message['status'];
  timestamp: number;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  capabilities: Capability[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt?: number | null;
}

/** POST /keys answer: the key plus its secret, which is shown once and never again. */
export interface CreatedApiKey extends ApiKeyInfo {
  secret: string;
}

export interface RealtimeTicket {
  ticket: string;
  url: string;
  expiresAt: number;
}

export interface SandboxPresence {
  jid: string;
  state: string;
  at: number;
}

/** GET /sessions/{id}/sandbox (ours). */
export interface SandboxInfo {
  paired: boolean;
  waitingForPairing: boolean;
  presence: SandboxPresence[];
  /** Messages the simulated account has "sent" to WhatsApp (a count, or the list of them). */
  sent: number | unknown[];
}

export interface SessionMe {
  connected: boolean;
  phoneNumber: string | null;
  sessionId: string;
  status: Session['status'];
  waJid: string | null;
  waLid: string | null;
}

/** What the Electron preload exposes as `window.wagw`. */
export interface WagwBridge {
  apiBase: string;
  getToken(): Promise<TokenGrant>;
}

export type SessionAction = 'start' | 'stop' | 'restart' | 'logout';

/** GET /audit: one MCP tool call (issue 12). */
export interface AuditEntry {
  id: string;
  at: number;
  principal: string;
  transport: 'stdio' | 'http';
  tool: string;
  /** The call's arguments as JSON (cut after 4 KiB). */
  arguments: string;
  resultBytes: number;
  outcome: 'ok' | 'error';
  errorCode: string | null;
  durationMs: number;
}
