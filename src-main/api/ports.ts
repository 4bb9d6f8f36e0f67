/**
 * What the API needs from the rest of the gateway. The gateway implements these and passes them to
 * createApi; the API never imports gateway/, store/ or whatsapp/ (dependencies point one way): stored data and
 * live clients are reached through the app services (src-main/app).
 */
import type { Logger } from 'pino';
import type { AppServices } from '../app/index.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../core/types.js';
import type { ApiKeyService } from '../auth/api-keys.js';
import type { TokenService } from '../auth/jwt.js';
import type { LoginCodes } from '../auth/login-codes.js';
import type { RefreshTokens } from '../auth/refresh-tokens.js';
import type { FailureLimiter } from '../auth/rate-limit.js';

export interface RealtimeTickets {
  /** A single-use, short-lived ticket for the WebSocket at /api/v1/realtime. */
  issue(principal: Principal): { ticket: string; expiresAt: number };
}

export interface ApiDeps {
  /** The application layer: every resource route calls one of these services. */
  app: AppServices;
  /** Authentication only (the key routes go through app.keys). */
  apiKeys: ApiKeyService;
  tokens: TokenService;
  loginCodes: LoginCodes;
  /** Refresh tokens of browser sign-ins (POST /auth/login, /auth/refresh). */
  refreshTokens: RefreshTokens;
  authLimiter: FailureLimiter;
  realtime: RealtimeTickets;
  logger: Logger;
  /** Host names (with port) the API answers to; anything else is refused (DNS-rebinding defence). */
  allowedHosts: () => readonly string[];
  /** Origins allowed for browser requests and the realtime socket (our own UI). */
  allowedOrigins: () => readonly string[];
  /** Reverse proxies whose X-Forwarded-For names the client (the failure limiter then limits the client). */
  trustedProxies?: readonly string[];
  /** Directory of the built UI to serve at '/', or null. */
  rendererDir: string | null;
  /** Issue 12: serves one MCP Streamable HTTP request for an authenticated caller (src-main/mcp/http-handler.ts). */
  mcp?: (principal: Principal, req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<void>;
  now?: () => number;
  /** Largest file one send takes (issue 13; default 64 MiB): the send route's body limit follows it. */
  sendMediaMaxBytes?: number | undefined;
}
