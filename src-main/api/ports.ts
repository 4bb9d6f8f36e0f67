/**
 * What the API needs from the rest of the gateway. The gateway implements these and passes them to
 * createApi; the API never imports gateway/ (dependencies point one way).
 */
import type { Logger } from 'pino';
import type { CursorCodec } from '../core/cursor.js';
import type { EventPublisher } from '../core/events.js';
import type { Principal, Session } from '../core/types.js';
import type { WhatsAppClient } from '../core/whatsapp-port.js';
import type { Store } from '../store/index.js';
import type { ApiKeyService } from '../auth/api-keys.js';
import type { TokenService } from '../auth/jwt.js';
import type { LoginCodes } from '../auth/login-codes.js';
import type { FailureLimiter } from '../auth/rate-limit.js';

export interface CreateSessionInput {
  organizationId: string;
  label?: string | undefined;
  start?: boolean | undefined;
  autoRead?: boolean | undefined;
  presenceTyping?: boolean | undefined;
  sandbox?: boolean | undefined;
  fullHistory?: boolean | undefined;
}

/** The session manager, as the API sees it. */
export interface SessionService {
  create(input: CreateSessionInput): Session;
  /** Throws NotFoundError unless the session exists in the organization. */
  get(organizationId: string, sessionId: string): Session;
  list(organizationId: string): Session[];
  start(organizationId: string, sessionId: string): Session;
  stop(organizationId: string, sessionId: string): Promise<Session>;
  restart(organizationId: string, sessionId: string): Session;
  logout(organizationId: string, sessionId: string): Promise<Session>;
  delete(organizationId: string, sessionId: string): Promise<void>;
  /** The current QR code; starts pairing and throws NotFound until one exists; Conflict when paired. */
  qr(organizationId: string, sessionId: string): { code: string; expiresAt: number };
  pairingCode(organizationId: string, sessionId: string, phone: string): Promise<{ code: string }>;
  /** The connected client, or undefined when the session has none (live actions answer 501). */
  liveClient(sessionId: string): WhatsAppClient | undefined;
}

/** Sandbox-only controls (ours): simulate the phone's side of a sandbox session. */
export interface SandboxControls {
  pair(sessionId: string): boolean;
  state(sessionId: string): {
    paired: boolean;
    waitingForPairing: boolean;
    presence: { jid: string; state: string; at: number }[];
    sent: number;
  };
}

export interface RealtimeTickets {
  /** A single-use, short-lived ticket for the WebSocket at /api/v1/realtime. */
  issue(principal: Principal): { ticket: string; expiresAt: number };
}

export interface ApiDeps {
  store: Store;
  sessions: SessionService;
  apiKeys: ApiKeyService;
  tokens: TokenService;
  loginCodes: LoginCodes;
  authLimiter: FailureLimiter;
  cursors: CursorCodec;
  publisher: EventPublisher;
  realtime: RealtimeTickets;
  sandbox: SandboxControls | null;
  logger: Logger;
  /** Host names (with port) the API answers to; anything else is refused (DNS-rebinding defence). */
  allowedHosts: () => readonly string[];
  /** Origins allowed for browser requests and the realtime socket (our own UI). */
  allowedOrigins: () => readonly string[];
  /** Reverse proxies whose X-Forwarded-For names the client (the failure limiter then limits the client). */
  trustedProxies?: readonly string[];
  /** Directory of the built UI to serve at '/', or null. */
  rendererDir: string | null;
  now?: () => number;
}
