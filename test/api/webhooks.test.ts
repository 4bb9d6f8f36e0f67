/**
 * /webhooks over real HTTP against a real gateway (SQLite file, loopback HTTP, the delivery worker the gateway
 * starts) and a real receiver verifying signatures with `standardwebhooks` (test/webhooks/helpers.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { messageEvent, startReceiver, syncEvent, waitFor, type Receiver } from '../webhooks/helpers.js';

describe('webhooks over HTTP', () => {
  let g: TestGateway;
  let rx: Receiver;
  let manageKey: string;
  let sessionId: string;

  beforeAll(async () => {
    g = await startTestGateway();
    rx = await startReceiver();
    manageKey = g.key(['manage']);
    sessionId = g.session('webhooks');
  });
  afterAll(async () => {
    await g.close();
    await rx.close();
  });

  const create = async (body: Record<string, unknown>) => {
    const res = await g.req('POST', '/api/v1/webhooks', { auth: manageKey, body });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const deliveries = async (id: string, q = '') => (await g.req('GET', `/api/v1/webhooks/${id}/deliveries${q}`, { auth: manageKey })).body;

  it('401 without credentials; 403 for keys without manage; manage by key or login token', async () => {
    expect((await g.req('GET', '/api/v1/webhooks')).status).toBe(401);
    expect((await g.req('POST', '/api/v1/webhooks', { body: { url: rx.url } })).status).toBe(401);
    for (const caps of [['read'], ['send'], ['read', 'send']] as const) {
      const key = g.key([...caps]);
      const list = await g.req('GET', '/api/v1/webhooks', { auth: key });
      expect(list.status).toBe(403);
      expect(list.body.error.code).toBe('forbidden');
      expect((await g.req('POST', '/api/v1/webhooks', { auth: key, body: { url: rx.url } })).status).toBe(403);
    }
    expect((await g.req('GET', '/api/v1/webhooks', { auth: manageKey })).status).toBe(200);
    expect((await g.req('GET', '/api/v1/webhooks', { auth: g.token })).status).toBe(200);
  });

  it('CRUD; the secret only in the create and rotate answers', async () => {
    const created = await create({ url: rx.url, events: ['message'], description: 'crm' });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created).toMatchObject({ url: rx.url, events: ['message'], sessions: null, enabled: true, description: 'crm' });
    const id = created.id;

    const got = await g.req('GET', `/api/v1/webhooks/${id}`, { auth: manageKey });
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('secret');
    expect(got.text).not.toContain(created.secret);
    const list = await g.req('GET', '/api/v1/webhooks', { auth: manageKey });
    expect(list.body.data.map((w: { id: string }) => w.id)).toContain(id);
    expect(list.text).not.toContain('whsec_');

    const patched = await g.req('PATCH', `/api/v1/webhooks/${id}`, { auth: manageKey, body: { enabled: false, sessions: [sessionId], description: null } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ enabled: false, sessions: [sessionId], description: null, events: ['message'] });
    expect(patched.text).not.toContain('whsec_');

    const rotated = await g.req('POST', `/api/v1/webhooks/${id}:rotate-secret`, { auth: manageKey });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect((await g.req('GET', `/api/v1/webhooks/${id}`, { auth: manageKey })).text).not.toContain('whsec_');

    const del = await g.req('DELETE', `/api/v1/webhooks/${id}`, { auth: manageKey });
    expect(del.status).toBe(204);
    expect((await g.req('GET', `/api/v1/webhooks/${id}`, { auth: manageKey })).status).toBe(404);
    expect((await g.req('DELETE', `/api/v1/webhooks/${id}`, { auth: manageKey })).status).toBe(404);
  });

  it('bad input is 400 with the field named, never 500', async () => {
    const bad: [string, unknown][] = [
      ['invalid URL', { url: 'not a url' }],
      ['ftp://', { url: 'ftp://example.com/hook' }],
      ['10 kB URL', { url: `http://example.com/${'a'.repeat(10_000)}` }],
      ['unknown event', { url: rx.url, events: ['message', 'no.such.event'] }],
      ['unknown session', { url: rx.url, sessions: ['01NOSUCHSESSION00000000000'] }],
      ['missing url', {}],
      ['unknown field', { url: rx.url, secret: 'whsec_mine' }],
      ['events not an array', { url: rx.url, events: 'message' }],
      ['"*" with names', { url: rx.url, events: ['*', 'message'] }],
    ];
    for (const [what, body] of bad) {
      const res = await g.req('POST', '/api/v1/webhooks', { auth: manageKey, body });
      expect(res.status, what).toBe(400);
      expect(res.body.error.code, what).toBe('validation_error');
    }
    const bodyless = await g.req('POST', '/api/v1/webhooks', { auth: manageKey, rawBody: '{nope', headers: { 'content-type': 'application/json' } });
    expect(bodyless.status).toBe(400);
    const { id } = await create({ url: rx.url });
    for (const body of [{ url: 'ftp://x/y' }, { events: ['bogus'] }, { sessions: ['01NOSUCHSESSION00000000000'] }, { enabled: 'yes' }]) {
      expect((await g.req('PATCH', `/api/v1/webhooks/${id}`, { auth: manageKey, body })).status).toBe(400);
    }
    expect((await g.req('GET', `/api/v1/webhooks/${id}/deliveries?cursor=forged.cursor`, { auth: manageKey })).status).toBe(400);
    await g.req('DELETE', `/api/v1/webhooks/${id}`, { auth: manageKey });
  });

  it('another organization\'s webhook is 404 on every route', async () => {
    const other = g.store.organizations.create('01OTHERORGWEBHOOK000000000', 'Other');
    const foreign = g.store.webhooks.insertEndpoint({
      id: 'wh_FOREIGN',
      organizationId: other.id,
      url: rx.url,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      events: ['*'],
      sessions: null,
      enabled: true,
      description: null,
      now: Date.now(),
    });
    const base = `/api/v1/webhooks/${foreign.id}`;
    const calls: [string, string, unknown?][] = [
      ['GET', base],
      ['PATCH', base, { enabled: false }],
      ['PATCH', base, { url: 'ftp://bad' }],
      ['DELETE', base],
      ['POST', `${base}:rotate-secret`],
      ['POST', `${base}:test`],
      ['GET', `${base}/deliveries`],
      ['POST', `${base}/deliveries/whd_x:retry`],
    ];
    for (const [method, path, body] of calls) {
      const res = await g.req(method, path, { auth: manageKey, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await g.req('GET', '/api/v1/webhooks', { auth: manageKey })).text).not.toContain(foreign.id);
    expect(g.store.webhooks.getEndpoint(foreign.id)?.enabled).toBe(1);
  });

  it(':test is 202 and delivered signed; deliveries page with a cursor; :retry is 202 with the same webhook-id', async () => {
    const { id, secret } = await create({ url: rx.url });
    rx.secret = secret;
    const before = rx.received.length;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await g.req('POST', `/api/v1/webhooks/${id}:test`, { auth: manageKey });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ event: 'webhook.test', status: 'pending' });
      ids.push(res.body.id);
    }
    await waitFor(() => rx.received.length >= before + 5, 15_000, 'five test deliveries');
    expect(rx.rejected).toEqual([]);
    expect(rx.received.slice(before).map((r) => r.frame.event)).toEqual(Array(5).fill('webhook.test'));

    await waitFor(() => g.store.webhooks.deliveriesPage(id, null, 10).every((d) => d.status === 'succeeded'), 10_000, 'succeeded rows');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string; status: string; httpStatus: number }[]; nextCursor: string | null } = await deliveries(
        id,
        `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.data.length).toBeLessThanOrEqual(2);
      for (const d of page.data) {
        expect(d).toMatchObject({ status: 'succeeded', httpStatus: 204 });
        seen.push(d.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const retried = await g.req('POST', `/api/v1/webhooks/${id}/deliveries/${ids[0]}:retry`, { auth: manageKey });
    expect(retried.status).toBe(202);
    const firstEventId = rx.received[before]!.id;
    const count = rx.received.length;
    await waitFor(() => rx.received.length > count, 10_000, 'the retried delivery');
    expect(rx.received[count]!.id).toBe(firstEventId);
    expect((await g.req('POST', `/api/v1/webhooks/${id}/deliveries/whd_nope:retry`, { auth: manageKey })).status).toBe(404);

    const health = (await g.req('GET', `/api/v1/webhooks/${id}`, { auth: manageKey })).body.health;
    expect(health.lastSuccessAt).toEqual(expect.any(Number));
    expect(health.consecutiveFailures).toBe(0);

    await g.req('PATCH', `/api/v1/webhooks/${id}`, { auth: manageKey, body: { enabled: false } });
    const conflict = await g.req('POST', `/api/v1/webhooks/${id}:test`, { auth: manageKey });
    expect(conflict.status).toBe(409);
    await g.req('DELETE', `/api/v1/webhooks/${id}`, { auth: manageKey });
  });

  it('filters hold end to end: a message-only endpoint never gets sync.progress; a session filter holds', async () => {
    const other = g.session('other');
    const onlyMessages = await create({ url: `${rx.url}?only=message`, events: ['message'] });
    const onlySession = await create({ url: `${rx.url}?only=session`, sessions: [sessionId] });
    rx.secret = null; // two secrets: this test checks routing, signatures are checked above
    const start = rx.all.length;
    const hub = g.running.realtime;
    hub.publish(syncEvent(g.organizationId, sessionId, 10));
    hub.publish(messageEvent(g.organizationId, other, 1));
    hub.publish(syncEvent(g.organizationId, other, 20));
    hub.publish(messageEvent(g.organizationId, sessionId, 2));
    // message-only gets the two messages; session-only gets the two events of its session.
    await waitFor(() => rx.all.length >= start + 4, 15_000, 'four deliveries');
    const rows = (id: string) => g.store.webhooks.deliveriesPage(id, null, 50);
    expect(rows(onlyMessages.id).map((d) => d.event)).toEqual(['message', 'message']);
    const sessionRows = rows(onlySession.id);
    expect(sessionRows.map((d) => d.event).sort()).toEqual(['message', 'sync.progress']);
    const sentToSession = rx.all.slice(start).filter((r) => r.frame.session !== null);
    expect(sentToSession.length).toBe(4);
    for (const r of rx.all.slice(start)) {
      expect(r.frame.event === 'message' || r.frame.session === sessionId).toBe(true);
    }
    await g.req('DELETE', `/api/v1/webhooks/${onlyMessages.id}`, { auth: manageKey });
    await g.req('DELETE', `/api/v1/webhooks/${onlySession.id}`, { auth: manageKey });
  });
});
