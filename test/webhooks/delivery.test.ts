/**
 * The delivery worker against real receivers on 127.0.0.1 (src-main/webhooks/delivery-worker.ts): signatures
 * verified by `standardwebhooks`, retries with the same webhook-id, order per endpoint, filters, redirects,
 * slow and huge receivers. Backoff waits run on test/helpers/clock.ts's FakeClock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/clock.js';
import { tempStoreWithSession, type TempStore } from '../helpers/store.js';
import type { SessionRow } from '../../src-main/store/repositories/sessions.js';
import { MAX_RESPONSE_BYTES, retryDelay, SNIPPET_BYTES } from '../../src-main/webhooks/delivery-worker.js';
import { messageEvent, startReceiver, syncEvent, waitFor, wire, type Receiver } from './helpers.js';

describe('webhook delivery', () => {
  let t: TempStore & { session: SessionRow };
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function setup(opts: Parameters<typeof wire>[1] = {}) {
    t = tempStoreWithSession();
    const w = wire(t.store, opts);
    cleanups.push(() => t.cleanup());
    cleanups.push(() => w.worker.stop());
    return w;
  }
  async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
    const r = await startReceiver(...args);
    cleanups.push(() => r.close());
    return r;
  }
  const org = () => t.organizationId;

  it('POSTs the realtime frame with Standard Webhooks headers that the standardwebhooks library verifies', async () => {
    const w = setup();
    const r = await receiver();
    const { endpoint, secret } = w.service.create(org(), { url: r.url });
    r.secret = secret;
    w.worker.start();
    w.publish(messageEvent(org(), t.session.id, 1));
    await waitFor(() => r.received.length === 1, 10_000, 'the delivery');
    const got = r.received[0]!;
    expect(got.verified).toBe(true);
    const event = t.store.events.after(org(), 0, 10)[0]!;
    expect(got.id).toBe(event.id); // webhook-id = the event id
    expect(got.frame).toMatchObject({ schema: 'v1', id: event.id, event: 'message', session: t.session.id, organization: org() });
    expect(Math.abs(Number(got.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(r.rejected).toEqual([]);
    await waitFor(() => w.service.get(org(), endpoint.id).health.lastSuccessAt !== null);
    const [d] = w.service.deliveries(org(), endpoint.id).data;
    expect(d).toMatchObject({ eventId: event.id, event: 'message', status: 'succeeded', attempt: 1, httpStatus: 204, error: null });
  });

  it('the receiver fails the first 3 attempts: delivered on the 4th with the same webhook-id; backoff grows', async () => {
    const clock = new FakeClock(Date.now());
    const w = setup({ now: clock.now, timers: clock.timerFns });
    const r = await receiver((n) => (n < 3 ? { status: 500, body: 'not yet' } : { status: 200 }));
    const { endpoint, secret } = w.service.create(org(), { url: r.url });
    r.secret = secret;
    w.worker.start();
    w.publish(messageEvent(org(), t.session.id, 1));
    const delays: number[] = [];
    for (let failures = 1; failures <= 3; failures++) {
      await waitFor(() => r.requests === failures && clock.pendingCount === 1, 10_000, `attempt ${failures}`);
      const [d] = w.service.deliveries(org(), endpoint.id).data;
      expect(d).toMatchObject({ status: 'failed', attempt: failures, httpStatus: 500, responseSnippet: 'not yet', error: 'HTTP 500' });
      delays.push(clock.pending()[0]!);
      clock.advance(clock.pending()[0]!);
    }
    await waitFor(() => r.received.length === 1, 10_000, 'the 4th attempt');
    expect(new Set(r.all.map((x) => x.id)).size).toBe(1);
    expect(r.all).toHaveLength(4);
    expect(r.all.every((x) => x.verified)).toBe(true);
    expect(delays[0]).toBeLessThanOrEqual(10_000);
    expect(delays[1]).toBeGreaterThan(delays[0]!);
    expect(delays[2]).toBeGreaterThan(delays[1]!);
    await waitFor(() => w.service.deliveries(org(), endpoint.id).data[0]!.status === 'succeeded');
    const health = w.service.get(org(), endpoint.id).health;
    expect(health).toMatchObject({ consecutiveFailures: 0, failingSince: null });
  });

  it('keeps event order per endpoint, also across an outage of the receiver', async () => {
    const clock = new FakeClock(Date.now());
    const w = setup({ now: clock.now, timers: clock.timerFns, concurrency: 4 });
    let down = true;
    const r = await receiver(() => (down ? { status: 503 } : { status: 200 }));
    const { secret } = w.service.create(org(), { url: r.url });
    r.secret = secret;
    w.worker.start();
    for (let i = 0; i < 100; i++) w.publish(messageEvent(org(), t.session.id, i));
    await waitFor(() => r.requests >= 1 && clock.pendingCount === 1, 10_000, 'the first failure');
    for (let i = 100; i < 200; i++) w.publish(messageEvent(org(), t.session.id, i));
    down = false;
    clock.advance(clock.pending()[0]!);
    await waitFor(() => r.received.length === 200, 20_000, 'all 200 events');
    const ids = t.store.events.after(org(), 0, 1000).map((e) => e.id);
    expect(r.received.map((x) => x.id)).toEqual(ids);
    await waitFor(() => t.store.webhooks.backlog() === 0, 10_000, 'the outbox to drain');
  });

  it('filters: a message-only endpoint never gets sync.progress; a session filter holds', async () => {
    const w = setup();
    const other = t.seedSession();
    const messagesOnly = await receiver();
    const oneSession = await receiver();
    const everything = await receiver();
    messagesOnly.secret = w.service.create(org(), { url: messagesOnly.url, events: ['message'] }).secret;
    oneSession.secret = w.service.create(org(), { url: oneSession.url, sessions: [other.id] }).secret;
    everything.secret = w.service.create(org(), { url: everything.url }).secret;
    w.worker.start();
    for (const s of [t.session.id, other.id]) {
      w.publish(syncEvent(org(), s, 10));
      w.publish(messageEvent(org(), s, 1));
    }
    await waitFor(() => everything.received.length === 4 && messagesOnly.received.length === 2 && oneSession.received.length === 2);
    expect(messagesOnly.received.map((x) => x.frame.event)).toEqual(['message', 'message']);
    expect(oneSession.received.map((x) => [x.frame.event, x.frame.session])).toEqual([
      ['sync.progress', other.id],
      ['message', other.id],
    ]);
    // Nothing else is on its way: the outbox holds exactly the matching rows.
    await waitFor(() => t.store.webhooks.backlog() === 0, 10_000, 'the outbox to drain');
    expect(t.store.db.prepare('SELECT count(*) AS n FROM webhook_deliveries').get()).toEqual({ n: 8 });
  });

  it('a 3xx is a failure and the redirect is not followed', async () => {
    const clock = new FakeClock(Date.now());
    const w = setup({ now: clock.now, timers: clock.timerFns });
    const target = await receiver();
    const r = await receiver(() => ({ status: 307 }));
    r.behaviour = (_n, _req, res) => {
      res.writeHead(307, { location: target.url });
      res.end();
      return 'custom';
    };
    const { endpoint, secret } = w.service.create(org(), { url: r.url });
    r.secret = secret;
    w.worker.start();
    w.publish(messageEvent(org(), t.session.id, 1));
    await waitFor(() => w.service.deliveries(org(), endpoint.id).data[0]?.status === 'failed');
    expect(w.service.deliveries(org(), endpoint.id).data[0]).toMatchObject({ httpStatus: 307, error: 'redirect (307) not followed' });
    expect(target.requests).toBe(0);
    expect(w.service.get(org(), endpoint.id).health.consecutiveFailures).toBe(1);
  });

  it('a slow receiver holding the connection does not stall another endpoint; it times out', async () => {
    const w = setup({ concurrency: 2, timeoutMs: 1_500 });
    const slow = await receiver(() => 'hang');
    const fast = await receiver();
    const slowEp = w.service.create(org(), { url: slow.url, events: ['message'] });
    slow.secret = slowEp.secret;
    fast.secret = w.service.create(org(), { url: fast.url, events: ['message'] }).secret;
    w.worker.start();
    for (let i = 0; i < 30; i++) w.publish(messageEvent(org(), t.session.id, i));
    await waitFor(() => fast.received.length === 30, 10_000, 'the fast endpoint');
    // The slow one is still holding its first request while the fast one got all 30.
    expect(slow.requests).toBe(1);
    expect(w.service.deliveries(org(), slowEp.endpoint.id, { limit: 200 }).data.every((d) => d.attempt === 0)).toBe(true);
    await waitFor(() => w.service.deliveries(org(), slowEp.endpoint.id, { limit: 200 }).data.some((d) => d.status === 'failed'), 10_000, 'the timeout');
    const failed = w.service.deliveries(org(), slowEp.endpoint.id, { limit: 200 }).data.find((d) => d.status === 'failed')!;
    expect(failed).toMatchObject({ httpStatus: null, error: 'timeout: no response within 2 s' });
    expect(failed.durationMs).toBeGreaterThanOrEqual(1_400);
  });

  it('a receiver answering 10 MB is cut off; 1 KB of it is kept', async () => {
    const w = setup();
    let written = 0;
    let finished = false;
    let closed = false;
    const r = await receiver((_n, _req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(10 * 1024 * 1024) });
      const chunk = Buffer.from('é'.repeat(32 * 1024)); // 64 KiB of 2-byte characters
      const pump = () => {
        while (written < 10 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end(() => (finished = true));
      };
      res.on('close', () => (closed = true));
      pump();
      return 'custom';
    });
    const { endpoint, secret } = w.service.create(org(), { url: r.url });
    r.secret = secret;
    w.worker.start();
    w.publish(messageEvent(org(), t.session.id, 1));
    await waitFor(() => w.service.deliveries(org(), endpoint.id).data[0]?.status === 'succeeded', 10_000, 'the delivery');
    await waitFor(() => closed, 10_000, 'the receiver to see the connection cut');
    expect(finished).toBe(false);
    expect(written).toBeLessThan(10 * 1024 * 1024);
    const d = w.service.deliveries(org(), endpoint.id).data[0]!;
    expect(Buffer.byteLength(d.responseSnippet!)).toBeLessThanOrEqual(SNIPPET_BYTES);
    expect(Buffer.byteLength(d.responseSnippet!)).toBeGreaterThan(SNIPPET_BYTES - 4);
    expect(d.responseSnippet).toMatch(/^é+$/); // cut on a character boundary
    expect(MAX_RESPONSE_BYTES).toBeLessThan(1024 * 1024);
  });

  it('backoff: first retry within 10 s, growing with jitter, retries span at least 24 h', () => {
    for (const rnd of [0, 0.5, 0.999]) {
      const first = retryDelay(1, () => rnd);
      expect(first).toBeGreaterThanOrEqual(4_000);
      expect(first).toBeLessThanOrEqual(10_000);
      let total = 0;
      let prev = 0;
      let attempts = 1;
      while (total < 24 * 3600_000) {
        const d = retryDelay(attempts, () => 0.5);
        expect(d).toBeGreaterThanOrEqual(prev);
        prev = d;
        total += retryDelay(attempts, () => rnd);
        attempts++;
      }
      expect(attempts).toBeLessThan(30);
    }
    const samples = Array.from({ length: 200 }, () => retryDelay(3));
    expect(new Set(samples).size).toBeGreaterThan(50); // jittered, not all alike
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0.8 * 45_000);
    expect(Math.max(...samples)).toBeLessThanOrEqual(1.2 * 45_000);
    expect(retryDelay(40, () => 0.5)).toBe(4 * 3600_000);
  });
});
