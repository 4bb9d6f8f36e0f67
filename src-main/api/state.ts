import type { Context } from 'koa';
import type { Principal } from '../core/types.js';

/** Per-request state the middlewares fill in. */
export interface ApiState {
  requestId: string;
  principal?: Principal;
  /** The raw request body (read once, size-limited); parsed lazily so the documented check order holds. */
  rawBody?: Buffer;
  /** The client's address: the TCP peer, or X-Forwarded-For from a trusted proxy (middleware/client-address.ts). */
  clientAddress?: string;
}

export type ApiContext = Context & { state: ApiState; params: Record<string, string> };
