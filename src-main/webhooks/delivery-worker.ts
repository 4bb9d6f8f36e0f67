/**
 * The webhook delivery worker: drains the outbox (webhook_deliveries, written with each event by
 * store/repositories/events.ts) to the endpoints over HTTP(S).
 *
 * - One lane per endpoint, one request in flight per lane: an endpoint receives its events in event order.
 *   A failing head blocks its lane (it is retried with backoff) so order holds across an outage too; the
 *   lane moves on when the head succeeds or is dead (24 h), and the endpoint is disabled after 24 h of failures.
 * - At most `concurrency` requests in flight over all lanes; a slow receiver holds one slot for at most
 *   `timeoutMs`, so the other endpoints keep going while slots remain.
 * - Woken by the outbox's listener when a delivery is written (no polling); backoff waits use the injected
 *   timers (test/helpers/clock.ts FakeClock in tests).
 * - Everything it needs to resume is in the database: start() picks up every pending delivery.
 * - Logs carry the endpoint id and a redacted URL (no credentials, no query), never the secret.
 */
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { Logger } from 'pino';
import type { EventPublisher } from '../core/events.js';
import type { Store } from '../store/index.js';
import type { AttemptResult, WebhookDeliveryRow, WebhookEndpointRow } from '../store/repositories/webhooks.js';
import { redactUrl, webhookHeaders } from './signing.js';

export const DELIVERY_TIMEOUT_MS = 10_000;
export const RETRY_FOR_MS = 24 * 3600_000;
export const DISABLE_AFTER_MS = 24 * 3600_000;
export const SNIPPET_BYTES = 1024;
/** Past this many response bytes the connection is cut: a receiver answering 10 MB costs us 64 KiB. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
const FIRST_RETRY_MS = 5_000;
const HEALTH_WRITE_INTERVAL_MS = 1_000;
/** Finished deliveries kept for the log (all endpoints); older ones are pruned every PRUNE_EVERY attempts. */
export const DELIVERY_LOG_SIZE = 50_000;
const PRUNE_EVERY = 1_000;
const MAX_RETRY_MS = 4 * 3600_000;

export interface WorkerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Delay before the next attempt after `failures` failed attempts: 5 s x 3^(failures-1), capped at 4 h, with
 * +-20 % jitter so endpoints that failed together do not retry together. First retry 4-6 s; 14 attempts
 * span ~24 h (the last failure past 24 h makes the delivery dead).
 */
export function retryDelay(failures: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_RETRY_MS * 3 ** Math.max(0, failures - 1), MAX_RETRY_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface DeliveryWorkerOptions {
  store: Store;
  logger: Logger;
  /** Where 'webhook.disabled' goes (the realtime hub, which also fans it out to the other endpoints). */
  publisher?: EventPublisher;
  now?: () => number;
  timers?: WorkerTimers;
  random?: () => number;
  /** Requests in flight over all endpoints (default 16). */
  concurrency?: number;
  timeoutMs?: number;
  retryForMs?: number;
  disableAfterMs?: number;
  retryDelay?: (failures: number, random: () => number) => number;
  /** Finished deliveries kept (default DELIVERY_LOG_SIZE). */
  logSize?: number;
}

export interface DeliveryWorker {
  start(): void;
  /** Stops sending: in-flight requests are aborted and their deliveries stay pending for the next start. */
  stop(): Promise<void>;
  /** Makes an endpoint's lane look at its head again (after an update, a retry, a re-enable). */
  wake(endpointId: string): void;
  stats(): { inFlight: number; lanes: number; attempts: number };
}

interface Lane {
  id: string;
  running: boolean;
  timer: unknown;
}

const realTimers: WorkerTimers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export function createDeliveryWorker(opts: DeliveryWorkerOptions): DeliveryWorker {
  const { store, logger, publisher } = opts;
  const now = opts.now ?? Date.now;
  const timers = opts.timers ?? realTimers;
  const random = opts.random ?? Math.random;
  const concurrency = Math.max(1, opts.concurrency ?? 16);
  const timeoutMs = opts.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const retryForMs = opts.retryForMs ?? RETRY_FOR_MS;
  const disableAfterMs = opts.disableAfterMs ?? DISABLE_AFTER_MS;
  const delayOf = opts.retryDelay ?? retryDelay;
  const logSize = opts.logSize ?? DELIVERY_LOG_SIZE;
  const log = logger.child({ component: 'webhooks' });
  const httpAgent = new HttpAgent({ keepAlive: true });
  const httpsAgent = new HttpsAgent({ keepAlive: true });

  const lanes = new Map<string, Lane>();
  const inFlight = new Set<() => void>();
  const running = new Set<Promise<void>>();
  let slots = concurrency;
  const slotWaiters: (() => void)[] = [];
  let started = false;
  let stopped = false;
  let attempts = 0;
  let unsubscribe: (() => void) | undefined;
  // Wake-ups arrive inside the writer's transaction (the outbox listener): collect them, act after it commits.
  const toWake = new Set<string>();
  let wakeScheduled = false;

  const acquire = (): Promise<void> | void => {
    if (slots > 0) {
      slots--;
      return;
    }
    return new Promise((resolve) => slotWaiters.push(resolve));
  };
  const release = (): void => {
    const next = slotWaiters.shift();
    if (next) next();
    else slots++;
  };

  function lane(id: string): Lane {
    let l = lanes.get(id);
    if (!l) {
      l = { id, running: false, timer: undefined };
      lanes.set(id, l);
    }
    return l;
  }

  function wake(endpointId: string): void {
    if (stopped || !started) return;
    toWake.add(endpointId);
    if (wakeScheduled) return;
    wakeScheduled = true;
    setImmediate(() => {
      wakeScheduled = false;
      const ids = [...toWake];
      toWake.clear();
      for (const id of ids) kick(lane(id));
    });
  }

  function kick(l: Lane): void {
    if (stopped || l.running) return;
    if (l.timer !== undefined) {
      timers.clearTimeout(l.timer);
      l.timer = undefined;
    }
    const p = runLane(l).catch((err: unknown) => log.error({ err, endpoint: l.id }, 'webhook lane failed'));
    running.add(p);
    void p.finally(() => running.delete(p));
  }

  async function runLane(l: Lane): Promise<void> {
    l.running = true;
    try {
      for (;;) {
        if (stopped) return;
        const ep = store.webhooks.getEndpoint(l.id);
        if (!ep || ep.enabled !== 1) {
          lanes.delete(l.id);
          return;
        }
        const d = store.webhooks.head(l.id);
        if (!d) return;
        const wait = (d.next_attempt_at ?? 0) - now();
        if (wait > 0) {
          l.timer = timers.setTimeout(() => {
            l.timer = undefined;
            kick(l);
          }, wait);
          return;
        }
        await acquire();
        let result: AttemptResult;
        const at = now();
        try {
          if (stopped) return;
          result = await post(ep, d, at);
        } finally {
          release();
        }
        if (stopped) return; // the delivery stays pending; the next start sends it again (same webhook-id)
        attempts++;
        record(ep, d, result, at);
        if (attempts % PRUNE_EVERY === 0) store.webhooks.pruneFinished(logSize);
      }
    } finally {
      l.running = false;
    }
  }

  function record(ep: WebhookEndpointRow, d: WebhookDeliveryRow, r: AttemptResult, at: number): void {
    const t = now();
    if (r.ok) {
      // While healthy, last_success_at is refreshed at most once a second: one write per delivery, not two.
      const healthy = ep.consecutive_failures === 0 && ep.failing_since === null;
      const touch = !healthy || ep.last_success_at === null || t - ep.last_success_at >= HEALTH_WRITE_INTERVAL_MS;
      store.webhooks.recordSuccess(d.id, d.generation, ep.id, r, at, t, touch);
      return;
    }
    const failures = d.attempt + 1;
    const firstAt = d.first_attempt_at ?? at;
    const dead = t - firstAt >= retryForMs;
    const next = dead ? null : t + delayOf(failures, random);
    const health = store.webhooks.recordFailure(d.id, d.generation, ep.id, r, next, at, t);
    const where = { endpoint: ep.id, url: redactUrl(ep.url), delivery: d.id, attempt: failures, httpStatus: r.httpStatus, error: r.error };
    if (dead) log.warn(where, 'webhook delivery is dead: failing for 24 h');
    else log.debug({ ...where, nextAttemptAt: next }, 'webhook delivery failed; will retry');
    if (health && health.failing_since !== null && t - health.failing_since >= disableAfterMs) disable(health, t);
  }

  function disable(ep: WebhookEndpointRow, t: number): void {
    const reason = `failing for ${Math.floor((t - (ep.failing_since ?? t)) / 3600_000)} h (${ep.consecutive_failures} consecutive failures)`;
    if (!store.webhooks.disableEndpoint(ep.id, reason, t)) return;
    log.warn({ endpoint: ep.id, url: redactUrl(ep.url), consecutiveFailures: ep.consecutive_failures }, 'webhook endpoint disabled');
    publisher?.publish({
      event: 'webhook.disabled',
      // Not a session's event: '' passes every session filter (store/repositories/webhooks.ts).
      sessionId: '',
      organizationId: ep.organization_id,
      payload: {
        endpointId: ep.id,
        url: redactUrl(ep.url),
        reason,
        failingSince: ep.failing_since,
        consecutiveFailures: ep.consecutive_failures,
        disabledAt: t,
      },
    });
  }

  function post(ep: WebhookEndpointRow, d: WebhookDeliveryRow, at: number): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      let status: number | null = null;
      const kept: Buffer[] = [];
      let keptBytes = 0;
      let seen = 0;
      let timer: NodeJS.Timeout | undefined;
      let abort: (() => void) | undefined;
      const finish = (error: string | null) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (abort) inFlight.delete(abort);
        const snippet = keptBytes ? new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(kept), { stream: true }) : null;
        const ok = status !== null && status >= 200 && status < 300;
        const err =
          error ?? (ok ? null : status !== null && status >= 300 && status < 400 ? `redirect (${status}) not followed` : `HTTP ${status}`);
        resolve({ ok, httpStatus: status, durationMs: elapsed(), responseSnippet: snippet, error: ok ? null : err });
      };
      let url: URL;
      try {
        url = new URL(ep.url);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
      } catch {
        finish('invalid endpoint url');
        return;
      }
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'wagw-webhooks/1',
        ...webhookHeaders(ep.secret, d.event_id, Math.floor(at / 1000), d.body),
        'content-length': String(Buffer.byteLength(d.body)),
      };
      const isHttps = url.protocol === 'https:';
      const req = (isHttps ? httpsRequest : httpRequest)(url, { method: 'POST', headers, agent: isHttps ? httpsAgent : httpAgent });
      abort = () => {
        req.destroy();
        finish('aborted: worker stopping');
      };
      inFlight.add(abort);
      timer = setTimeout(() => {
        req.destroy();
        finish(status !== null ? null : `timeout: no response within ${Math.round(timeoutMs / 1000)} s`);
      }, timeoutMs);
      req.on('response', (res: IncomingMessage) => {
        status = res.statusCode ?? 0;
        res.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (keptBytes < SNIPPET_BYTES) {
            const part = chunk.subarray(0, SNIPPET_BYTES - keptBytes);
            kept.push(part);
            keptBytes += part.length;
          }
          // The status is all that decides; the body is kept for the log only, so a huge one is cut off.
          if (seen > MAX_RESPONSE_BYTES) {
            res.destroy();
            finish(null);
          }
        });
        res.on('end', () => finish(null));
        res.on('error', () => finish(null));
        res.on('close', () => finish(null));
      });
      // One small request then a wait for its answer: Nagle's algorithm would only delay it.
      req.setNoDelay(true);
      req.on('error', (err: NodeJS.ErrnoException) => finish(safeError(err, ep.url)));
      req.end(d.body);
    });
  }

  return {
    start() {
      if (started) return;
      started = true;
      stopped = false;
      unsubscribe = store.webhooks.outbox.onEnqueued((ids) => ids.forEach(wake));
      store.webhooks.pruneFinished(logSize);
      // Resume: every enabled endpoint looks at its head (pending rows from before a restart or a crash).
      for (const ep of store.webhooks.listEnabledEndpoints()) wake(ep.id);
    },
    async stop() {
      if (!started || stopped) return;
      stopped = true;
      unsubscribe?.();
      for (const l of lanes.values()) if (l.timer !== undefined) timers.clearTimeout(l.timer);
      for (const abort of [...inFlight]) abort();
      for (const w of slotWaiters.splice(0)) w();
      await Promise.allSettled([...running]);
      lanes.clear();
      httpAgent.destroy();
      httpsAgent.destroy();
    },
    wake,
    stats: () => ({ inFlight: inFlight.size, lanes: lanes.size, attempts }),
  };
}

/** A transport error as text for the log and the delivery row, without the URL's credentials. */
function safeError(err: NodeJS.ErrnoException, url: string): string {
  let text = err.code ? `${err.code}: ${err.message}` : err.message;
  try {
    const u = new URL(url);
    if (u.username || u.password) text = text.split(`${u.username}:${u.password}@`).join('').split(`${u.username}@`).join('');
    if (u.password) text = text.split(u.password).join('***');
  } catch {
    // not a URL: nothing of it can be in the message
  }
  return text.slice(0, 500);
}
