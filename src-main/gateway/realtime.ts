/**
 * The realtime hub: every published event is appended to the bounded event log in SQLite (so a client can
 * resume with after=<event id>) and sent as one JSON frame to the WebSockets of the event's organization.
 * Sockets are opened with single-use, short-lived tickets; Host and Origin are checked on upgrade.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { monotonicFactory } from 'ulid';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventPublisher, GatewayEvent } from '../core/events.js';
import type { Principal } from '../core/types.js';
import type { RealtimeTickets } from '../api/ports.js';
import type { Store } from '../store/index.js';
import type { EventRow } from '../store/repositories/events.js';
// One frame builder for the WebSocket and the webhook body (the outbox stores it with each delivery).
import { frameOf } from '../store/repositories/webhooks.js';

export const REALTIME_PATH = '/api/v1/realtime';
export const TICKET_TTL_MS = 30_000;
export const EVENT_LOG_SIZE = 20_000;
const REPLAY_BATCH = 500;
/** Refused upgrades answer in the API's error envelope: status -> [code, reason phrase]. */
const REFUSALS = {
  400: ['validation_error', 'Bad Request'],
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not_found', 'Not Found'],
} as const;

interface Subscriber {
  ws: WebSocket;
  organizationId: string;
  /** Highest event seq this socket has been sent (replay and live never overlap). */
  lastSeq: number;
  /** Live events that arrived while the replay was still being sent. */
  pending: { seq: number; frame: string }[] | null;
}

export interface RealtimeHub extends EventPublisher, RealtimeTickets {
  attach(server: Server, guard: { allowedHosts: () => readonly string[]; allowedOrigins: () => readonly string[] }): void;
  close(): void;
  subscriberCount(): number;
}

export function createRealtimeHub(deps: { store: Store; logger: Logger; now?: () => number }): RealtimeHub {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
  const tickets = new Map<string, { principal: Principal; expiresAt: number }>();
  const subscribers = new Set<Subscriber>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  // Monotonic: ids sort in publish order even within one millisecond, and it is ~80x cheaper than ulid().
  const nextUlid = monotonicFactory();
  let appended = 0;
  let heartbeat: NodeJS.Timeout | undefined;

  function publish(e: GatewayEvent): void {
    try {
      const row = {
        id: `evt_${nextUlid()}`,
        organization_id: e.organizationId,
        session_id: e.sessionId,
        event: e.event,
        payload: JSON.stringify(e.payload),
        timestamp: now(),
      };
      const seq = store.events.append({
        id: row.id,
        organizationId: row.organization_id,
        sessionId: row.session_id,
        event: row.event,
        payload: row.payload,
        timestamp: row.timestamp,
      });
      if (++appended % 1000 === 0) store.events.prune(EVENT_LOG_SIZE);
      if (subscribers.size === 0) return;
      const frame = frameOf(row);
      for (const s of subscribers) {
        if (s.organizationId !== e.organizationId) continue;
        if (s.pending) s.pending.push({ seq, frame });
        else if (seq > s.lastSeq) {
          s.lastSeq = seq;
          s.ws.send(frame);
        }
      }
    } catch (err) {
      // Publishing must never break the producer (ingestion, the session manager).
      logger.error({ err, event: e.event }, 'could not publish a realtime event');
    }
  }

  function replay(s: Subscriber, afterSeq: number): void {
    let seq = afterSeq;
    for (;;) {
      const rows: EventRow[] = store.events.after(s.organizationId, seq, REPLAY_BATCH);
      for (const r of rows) s.ws.send(frameOf(r));
      if (rows.length === 0) break;
      seq = rows[rows.length - 1]!.seq;
      if (rows.length < REPLAY_BATCH) break;
    }
    s.lastSeq = Math.max(s.lastSeq, seq);
    const pending = s.pending ?? [];
    s.pending = null;
    for (const p of pending) {
      if (p.seq > s.lastSeq) {
        s.lastSeq = p.seq;
        s.ws.send(p.frame);
      }
    }
  }

  const reject = (socket: Duplex, status: keyof typeof REFUSALS, message: string) => {
    const [code, reason] = REFUSALS[status];
    const body = JSON.stringify({ error: { code, message, details: {} } });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };

  return {
    publish,
    issue(principal) {
      const t = now();
      for (const [k, v] of tickets) if (v.expiresAt <= t) tickets.delete(k);
      const ticket = randomBytes(24).toString('base64url');
      const expiresAt = t + TICKET_TTL_MS;
      tickets.set(ticket, { principal, expiresAt });
      return { ticket, expiresAt };
    },
    attach(server, guard) {
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        socket.on('error', () => socket.destroy());
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (url.pathname !== REALTIME_PATH) return reject(socket, 404, 'no such route');
        const host = (req.headers.host ?? '').toLowerCase();
        if (!guard.allowedHosts().includes(host)) return reject(socket, 403, 'host not allowed');
        const origin = req.headers.origin;
        if (origin && !guard.allowedOrigins().includes(origin.toLowerCase())) return reject(socket, 403, 'origin not allowed');
        const ticket = url.searchParams.get('ticket') ?? '';
        const entry = tickets.get(ticket);
        tickets.delete(ticket); // single use, even when it turns out expired
        if (!entry || entry.expiresAt <= now()) return reject(socket, 401, 'missing, used or expired ticket');
        const after = url.searchParams.get('after');
        let afterSeq: number | null = null;
        if (after) {
          const seq = store.events.seqOf(after);
          if (seq === undefined) return reject(socket, 400, 'unknown event id in after= (too old or not ours)');
          afterSeq = seq;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          const s: Subscriber = {
            ws,
            organizationId: entry.principal.organizationId,
            lastSeq: 0,
            pending: afterSeq === null ? null : [],
          };
          subscribers.add(s);
          (ws as WebSocket & { isAlive?: boolean }).isAlive = true;
          ws.on('pong', () => ((ws as WebSocket & { isAlive?: boolean }).isAlive = true));
          ws.on('close', () => subscribers.delete(s));
          ws.on('error', () => subscribers.delete(s));
          ws.on('message', () => {
            /* clients send nothing; frames are ignored */
          });
          if (afterSeq !== null) replay(s, afterSeq);
        });
      });
      heartbeat = setInterval(() => {
        for (const s of subscribers) {
          const ws = s.ws as WebSocket & { isAlive?: boolean };
          if (ws.isAlive === false) {
            ws.terminate();
            continue;
          }
          ws.isAlive = false;
          ws.ping();
        }
      }, 30_000);
      heartbeat.unref();
    },
    close() {
      if (heartbeat) clearInterval(heartbeat);
      for (const s of subscribers) s.ws.close(1001, 'gateway stopping');
      subscribers.clear();
      wss.close();
    },
    subscriberCount: () => subscribers.size,
  };
}
