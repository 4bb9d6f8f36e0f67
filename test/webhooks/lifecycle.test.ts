/**
 * Webhook lifecycle over time and restarts: dead after 24 h of failures and the endpoint disabled with a
 * 'webhook.disabled' event (FakeClock), the same-transaction outbox, pending deliveries surviving a
 * store close/reopen, the body surviving the event log's pruning, and the endpoint service's
 * test / retry / rotate / log paging.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/store/index.js';
import { NotFoundError } from '../../src-main/core/errors.js';
import { FakeClock } from '../helpers/clock.js';
import { tempStoreWithSession, type TempStore } from '../helpers/store.js';
import type { SessionRow } from '../../src-main/store/repositories/sessions.js';
import { messageEvent, startReceiver, waitFor, wire, type Receiver } from './helpers.js';
import { Writable } from 'node:stream';
import pino from 'pino';

describe('webhook lifecycle', () => {
  let t: TempStore & { session: SessionRow };
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  function setup(opts: Parameters<typeof wire>[1] = {}) {
    t = tempStoreWithSession();
    cleanups.push(() => t.cleanup());
    const w = wire(t.store, opts);
    cleanups.push(() => w.worker.stop());
    return w;
  }
  async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
    const r = await startReceiver(...args);
    cleanups.push(() => r.close());
    return r;
  }
  const org = () => t.organizationId;

  it('failing for 24 h: the delivery is dead, the endpoint disabled, webhook.disabled raised and delivered elsewhere; no secret or credentials in logs', async () => {
    const clock = new FakeClock(Date.now());
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const w = setup({ now: clock.now, timers: clock.timerFns, logger });
    const broken = await receiver(() => ({ status: 500 }));
    const watcher = await receiver();
    const bad = w.service.create(org(), { url: broken.url.replace('http://', 'http://alice:s3cret-pw@') });
    broken.secret = bad.secret;
    watcher.secret = w.service.create(org(), { url: watcher.url, events: ['webhook.disabled'] }).secret;
    w.worker.start();
    w.publish(messageEvent(org(), t.session.id, 1));
    w.publish(messageEvent(org(), t.session.id, 2));
    const start = clock.now();
    let attempts = 0;
    while (w.service.get(org(), bad.endpoint.id).enabled) {
      await waitFor(() => broken.requests === attempts + 1 && (clock.pendingCount === 1 || !w.service.get(org(), bad.endpoint.id).enabled), 10_000, `attempt ${attempts + 1}`);
      attempts++;
      expect(attempts).toBeLessThan(30);
      // Until 24 h have passed, the head is retried and the second event waits behind it.
      if (clock.now() - start < 24 * 3600_000) {
        expect(w.service.get(org(), bad.endpoint.id).enabled).toBe(true);
        expect(broken.all.every((x) => x.frame.payload.waMessageId === 'm1')).toBe(true);
      }
      if (clock.pendingCount === 1) clock.advance(clock.pending()[0]!);
    }
    expect(clock.now() - start).toBeGreaterThanOrEqual(24 * 3600_000);
    // (Signatures are not checked here: the fake clock is 24 h ahead, past standardwebhooks' 5-minute tolerance.)
    const [second, first] = w.service.deliveries(org(), bad.endpoint.id).data;
    expect(first).toMatchObject({ status: 'dead', attempt: attempts, nextAttemptAt: null, error: 'HTTP 500' });
    expect(second).toMatchObject({ status: 'dead', attempt: 0 });
    expect(second!.error).toMatch(/^endpoint disabled: failing for (2[4-9]) h/);
    const ep = w.service.get(org(), bad.endpoint.id);
    expect(ep.enabled).toBe(false);
    expect(ep.health).toMatchObject({ consecutiveFailures: attempts, lastSuccessAt: null });
    expect(ep.health.disabledReason).toMatch(/failing for (2[4-9]) h/);
    const disabled = t.store.events.after(org(), 0, 100).filter((e) => e.event === 'webhook.disabled');
    expect(disabled).toHaveLength(1);
    expect(JSON.parse(disabled[0]!.payload)).toMatchObject({ endpointId: bad.endpoint.id, consecutiveFailures: attempts });
    expect(disabled[0]!.payload).not.toContain('s3cret-pw');
    await waitFor(() => watcher.all.length === 1, 10_000, 'webhook.disabled at the other endpoint');
    expect(watcher.all[0]!.frame).toMatchObject({ event: 'webhook.disabled', payload: { endpointId: bad.endpoint.id } });
    // Nothing more goes to the disabled endpoint.
    w.publish(messageEvent(org(), t.session.id, 3));
    expect(t.store.webhooks.deliveriesPage(bad.endpoint.id, null, 10)).toHaveLength(2);
    const log = lines.join('');
    expect(log).toContain('webhook endpoint disabled');
    expect(log).not.toContain('s3cret-pw');
    expect(log).not.toContain(bad.secret);
    expect(log).not.toContain(bad.secret.slice(6));
  }, 60_000);

  it('the event and its deliveries commit together: a rolled-back transaction leaves neither', () => {
    const w = setup();
    w.service.create(org(), { url: 'http://127.0.0.1:9/never' });
    expect(() =>
      t.store.transaction(() => {
        w.publish(messageEvent(org(), t.session.id, 1));
        expect(t.store.webhooks.backlog()).toBe(1);
        throw new Error('the data write failed');
      }),
    ).toThrow('the data write failed');
    expect(t.store.events.after(org(), 0, 10)).toHaveLength(0);
    expect(t.store.webhooks.backlog()).toBe(0);
    w.publish(messageEvent(org(), t.session.id, 2));
    expect(t.store.events.after(org(), 0, 10)).toHaveLength(1);
    expect(t.store.webhooks.backlog()).toBe(1);
  });

  it('a disabled endpoint gets no deliveries; re-enabling it starts from new events', async () => {
    const w = setup();
    const r = await receiver();
    const { endpoint, secret } = w.service.create(org(), { url: r.url, enabled: false });
    r.secret = secret;
    w.worker.start();
    w.publish(messageEvent(org(), t.session.id, 1));
    expect(t.store.webhooks.backlog()).toBe(0);
    w.service.update(org(), endpoint.id, { enabled: true });
    w.publish(messageEvent(org(), t.session.id, 2));
    await waitFor(() => r.received.length === 1);
    expect(r.received[0]!.frame.payload.waMessageId).toBe('m2');
  });

  it('pending deliveries survive a restart (store closed and reopened, new worker) and keep their webhook-id and order', async () => {
    const w = setup();
    const r = await receiver(() => ({ status: 503 }));
    const { endpoint, secret } = w.service.create(org(), { url: r.url });
    r.secret = secret;
    // Receiver down (503) while events arrive, then the process goes away without a clean drain.
    w.worker.start();
    for (let i = 0; i < 20; i++) w.publish(messageEvent(org(), t.session.id, i));
    await waitFor(() => r.requests >= 1 && t.store.webhooks.head(endpoint.id)?.status === 'failed');
    await w.worker.stop();
    const ids = t.store.events.after(org(), 0, 100).map((e) => e.id);
    t.store.close();

    const store = openStore(t.dbPath);
    cleanups.push(() => store.close());
    expect(store.webhooks.backlog()).toBe(20);
    // Due now: the retry would otherwise wait its backoff (seconds).
    store.db.prepare('UPDATE webhook_deliveries SET next_attempt_at = 0').run();
    r.behaviour = () => ({ status: 200 });
    const again = wire(store);
    cleanups.push(() => again.worker.stop());
    again.worker.start();
    await waitFor(() => r.received.length === 20, 10_000, 'the resumed deliveries');
    expect(r.received.map((x) => x.id)).toEqual(ids);
    await waitFor(() => store.webhooks.backlog() === 0, 10_000, 'the outbox to drain');
  });

  it('a pending delivery keeps its body when the event log is pruned', () => {
    const w = setup();
    const { endpoint } = w.service.create(org(), { url: 'http://127.0.0.1:9/never' });
    w.publish(messageEvent(org(), t.session.id, 1));
    const first = t.store.events.after(org(), 0, 1)[0]!;
    const body = t.store.webhooks.head(endpoint.id)!.body;
    t.store.transaction(() => {
      for (let i = 0; i < 50; i++) t.store.events.append({ id: `evt_x${i}`, organizationId: 'org_other', sessionId: null, event: 'sync.progress', payload: '{}', timestamp: 1 });
    });
    t.store.events.prune(10);
    expect(t.store.events.seqOf(first.id)).toBeUndefined();
    const head = t.store.webhooks.head(endpoint.id)!;
    expect(head.body).toBe(body);
    expect(JSON.parse(head.body)).toMatchObject({ id: first.id, event: 'message', payload: { waMessageId: 'm1' } });
  });

  it(':test goes to that endpoint only and not to the event log; :retry re-sends with the same webhook-id; rotate changes the signing key', async () => {
    const w = setup();
    const a = await receiver();
    const b = await receiver();
    const epA = w.service.create(org(), { url: a.url });
    a.secret = epA.secret;
    b.secret = w.service.create(org(), { url: b.url }).secret;
    w.worker.start();
    const test = w.service.test(org(), epA.endpoint.id);
    expect(test).toMatchObject({ event: 'webhook.test', status: 'pending', attempt: 0 });
    await waitFor(() => a.received.length === 1);
    expect(a.received[0]!.frame).toMatchObject({ event: 'webhook.test', id: test.eventId, payload: { endpointId: epA.endpoint.id } });
    expect(b.requests).toBe(0);
    expect(t.store.events.after(org(), 0, 10)).toHaveLength(0);

    w.service.retry(org(), epA.endpoint.id, test.id);
    await waitFor(() => a.received.length === 2);
    expect(a.received[1]!.id).toBe(test.eventId);
    await waitFor(() => w.service.deliveries(org(), epA.endpoint.id).data[0]!.attempt === 2);

    const rotated = w.service.rotateSecret(org(), epA.endpoint.id);
    expect(rotated.secret).not.toBe(epA.secret);
    expect(JSON.stringify(w.service.get(org(), epA.endpoint.id))).not.toContain('whsec_');
    expect(JSON.stringify(w.service.list(org()))).not.toContain('whsec_');
    w.service.test(org(), epA.endpoint.id);
    await waitFor(() => a.rejected.length === 1, 10_000, 'a request signed with the new key'); // the receiver still has the old secret
    a.secret = rotated.secret;
    w.service.test(org(), epA.endpoint.id);
    await waitFor(() => a.received.length === 3);

    expect(() => w.service.retry(org(), epA.endpoint.id, 'whd_nope')).toThrow(NotFoundError);
    expect(() => w.service.get('org_other', epA.endpoint.id)).toThrow(NotFoundError);
  });

  it('a retry asked for while that delivery is in flight is not swallowed by the attempt finishing', async () => {
    const w = setup();
    const held: import('node:http').ServerResponse[] = [];
    const r = await receiver((n, _req, res) => {
      if (n > 0) return { status: 200 };
      held.push(res);
      return 'custom';
    });
    const { endpoint, secret } = w.service.create(org(), { url: r.url });
    r.secret = secret;
    w.worker.start();
    w.publish(messageEvent(org(), t.session.id, 1));
    await waitFor(() => held.length === 1, 10_000, 'the first attempt in flight');
    const d = t.store.webhooks.head(endpoint.id)!;
    w.service.retry(org(), endpoint.id, d.id);
    held[0]!.writeHead(200).end();
    await waitFor(() => r.received.length === 1, 10_000, 'the retried send');
    expect(r.received[0]!.id).toBe(d.event_id);
    await waitFor(() => w.service.deliveries(org(), endpoint.id).data[0]!.status === 'succeeded');
    expect(w.service.deliveries(org(), endpoint.id).data[0]!.attempt).toBe(2);
  });

  it('the delivery log stays bounded: finished deliveries are pruned, pending ones never', async () => {
    const w = setup({ logSize: 10 });
    const r = await receiver();
    const down = w.service.create(org(), { url: 'http://127.0.0.1:9/never', events: ['sync.progress'] });
    const up = w.service.create(org(), { url: r.url, events: ['message'] });
    r.secret = up.secret;
    w.publish({ event: 'sync.progress', organizationId: org(), sessionId: t.session.id, payload: { state: 'syncing', progress: 1 } });
    for (let i = 0; i < 30; i++) w.publish(messageEvent(org(), t.session.id, i));
    w.worker.start();
    await waitFor(() => r.received.length === 30);
    await waitFor(() => t.store.webhooks.deliveriesPage(up.endpoint.id, null, 100).every((d) => d.status === 'succeeded'));
    expect(t.store.webhooks.pruneFinished(10)).toBe(20);
    expect(t.store.webhooks.deliveriesPage(up.endpoint.id, null, 100)).toHaveLength(10);
    // The oldest row of all, still pending at the dead endpoint, stays.
    expect(t.store.webhooks.deliveriesPage(down.endpoint.id, null, 100)).toHaveLength(1);
    expect(t.store.webhooks.head(down.endpoint.id)?.event).toBe('sync.progress');
  });

  it('the delivery log is cursor paged, newest first, without gaps or repeats', () => {
    const w = setup();
    const { endpoint } = w.service.create(org(), { url: 'http://127.0.0.1:9/never' });
    for (let i = 0; i < 25; i++) w.publish(messageEvent(org(), t.session.id, i));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = w.service.deliveries(org(), endpoint.id, { limit: 10, cursor });
      seen.push(...page.data.map((d) => d.eventId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(t.store.events.after(org(), 0, 100).map((e) => e.id).reverse());
    expect(() => w.service.deliveries(org(), endpoint.id, { cursor: 'forged.cursor' })).toThrow();
    w.service.delete(org(), endpoint.id);
    expect(t.store.webhooks.backlog()).toBe(0);
    expect(() => w.service.get(org(), endpoint.id)).toThrow(NotFoundError);
  });
});
