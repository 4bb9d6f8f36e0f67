import type { SocketLike } from './socket.js';

/**
 * Ingestion: turns the data events of a socket's event emitter (BAILEYS.md section 3) into store writes
 * and realtime events. The adapter handles connection.update / creds.update itself and attaches the
 * ingestor for everything else.
 */
export interface Ingestor {
  /** Subscribes to sock.ev for one session; returns a function that unsubscribes. Listeners never throw. */
  attach(sessionId: string, sock: SocketLike): () => void;
}
