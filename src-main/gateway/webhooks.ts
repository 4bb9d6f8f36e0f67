/**
 * Webhook delivery in the running gateway: the worker starts with the HTTP server and stops when the server
 * closes, which the gateway's stop() awaits before it closes the store (create-gateway.ts), so the worker
 * never touches a closed database. Deliveries still pending at a stop (or a crash) stay in the outbox and
 * the next start sends them (src-main/webhooks/delivery-worker.ts).
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { EventPublisher } from '../core/events.js';
import type { Store } from '../store/index.js';
import { createDeliveryWorker, type DeliveryWorker } from '../webhooks/delivery-worker.js';

export function startWebhookDelivery(deps: { store: Store; logger: Logger; publisher: EventPublisher; now: () => number; server: Server }): DeliveryWorker {
  const worker = createDeliveryWorker({ store: deps.store, logger: deps.logger, publisher: deps.publisher, now: deps.now });
  worker.start();
  deps.server.once('close', () => void worker.stop());
  return worker;
}
