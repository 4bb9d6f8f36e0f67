/**
 * Webhook test plumbing: a real receiver on 127.0.0.1 that verifies every request with the
 * `standardwebhooks` library (what any receiver of ours would use), and a store + hub + service + worker
 * wired like the gateway would wire them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { createCursorCodec } from '../../src-main/core/cursor.js';
import type { GatewayEvent } from '../../src-main/core/events.js';
import { createRealtimeHub } from '../../src-main/gateway/realtime.js';
import type { Store } from '../../src-main/store/index.js';
import { createDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from '../../src-main/webhooks/delivery-worker.js';
import { createWebhookService } from '../../src-main/webhooks/endpoints.js';

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  frame: { id: string; event: string; session: string | null; payload: Record<string, unknown> };
  /** Webhook.verify accepted it with the secret the receiver was given. */
  verified: boolean;
  verifyError: string | null;
  at: number;
}

/** What the receiver does with the n-th request (0-based): answer, or hold the connection (hang). */
export type Behaviour = (n: number, req: IncomingMessage, res: ServerResponse) => { status: number; body?: string } | 'hang' | 'custom';

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Every request, whatever the answer (attempts that were made to fail too). */
  all: Received[];
  /** Requests whose signature did not verify (should stay empty). */
  rejected: Received[];
  secret: string | null;
  behaviour: Behaviour;
  requests: number;
  close(): Promise<void>;
}

export async function startReceiver(behaviour: Behaviour = () => ({ status: 204 }), port = 0): Promise<Receiver> {
  const hung: ServerResponse[] = [];
  const r: Receiver = {
    url: '',
    port: 0,
    received: [],
    all: [],
    rejected: [],
    secret: null,
    behaviour,
    requests: 0,
    close: async () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = r.requests++;
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      };
      let verified = false;
      let verifyError: string | null = null;
      try {
        if (!r.secret) throw new Error('receiver has no secret');
        new Webhook(r.secret).verify(body, headers);
        verified = true;
      } catch (e) {
        verifyError = (e as Error).message;
      }
      const rec: Received = {
        id: headers['webhook-id'],
        timestamp: headers['webhook-timestamp'],
        signature: headers['webhook-signature'],
        body,
        frame: JSON.parse(body) as Received['frame'],
        verified,
        verifyError,
        at: performance.now(),
      };
      r.all.push(rec);
      const answer = r.behaviour(n, req, res);
      if (answer === 'custom') return;
      if (answer === 'hang') {
        hung.push(res);
        return;
      }
      if (answer.status >= 200 && answer.status < 300) (verified ? r.received : r.rejected).push(rec);
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  r.port = (server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${r.port}/hook`;
  return r;
}

/** Waits for a condition (no fixed sleeps): polls every 5 ms, fails after `ms`. */
export async function waitFor(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const silentLogger = () => pino({ level: 'silent' });

/** The hub (event log + fan-out), the endpoint service and a worker over one store. */
export function wire(store: Store, worker: Partial<DeliveryWorkerOptions> = {}) {
  const logger = worker.logger ?? silentLogger();
  const hub = createRealtimeHub({ store, logger, ...(worker.now ? { now: worker.now } : {}) });
  const delivery: DeliveryWorker = createDeliveryWorker({ store, logger, publisher: hub, ...worker });
  const service = createWebhookService({ store, cursors: createCursorCodec('test-cursor-secret'), worker: delivery, ...(worker.now ? { now: worker.now } : {}) });
  return { hub, worker: delivery, service, publish: (e: GatewayEvent) => hub.publish(e) };
}

export function syncEvent(organizationId: string, sessionId: string, progress: number): GatewayEvent {
  return { event: 'sync.progress', organizationId, sessionId, payload: { state: 'syncing', progress } };
}

/** A 'message' event; the payload is a minimal stand-in (the hub stores and sends whatever it is given). */
export function messageEvent(organizationId: string, sessionId: string, n: number): GatewayEvent {
  return {
    event: 'message',
    organizationId,
    sessionId,
    payload: { waMessageId: `m${n}`, chatJid: '1@s.whatsapp.net', body: `message ${n}` } as unknown as GatewayEvent['payload'],
  } as GatewayEvent;
}
