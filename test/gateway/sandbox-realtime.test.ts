/**
 * The sandbox behind the real adapter and ingestion, over the API and the realtime socket: what
 * `wagw serve --sandbox` gives a person or a script.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface Frame {
  schema: string;
  id: string;
  event: string;
  session: string;
  organization: string;
  timestamp: number;
  payload: Record<string, unknown>;
}

function openSocket(url: string, headers: Record<string, string> = {}) {
  const frames: Frame[] = [];
  const ws = new WebSocket(url, { headers });
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return { ws, frames, opened };
}

describe('sandbox over the API and the realtime socket', () => {
  let g: TestGateway;
  let key: string;
  let sessionId: string;

  beforeAll(async () => {
    g = await startTestGateway({ config: { sandbox: { ensureSession: true, seed: 7, ratePerMinute: 1200 }, logLevel: 'info' } });
    key = g.key(['read', 'send', 'manage']);
    const deadline = Date.now() + 60_000;
    while ((await g.req('GET', '/api/v1/sessions', { auth: key })).body.data[0]?.sync?.state !== 'complete') {
      if (Date.now() > deadline) throw new Error('the sandbox history sync did not complete in 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    sessionId = (await g.req('GET', '/api/v1/sessions', { auth: key })).body.data[0].id;
  }, 90_000);
  afterAll(() => g.close());

  it('is labelled sandbox in the Session object and in logs', async () => {
    const s = (await g.req('GET', `/api/v1/sessions/${sessionId}`, { auth: key })).body;
    expect(s).toMatchObject({ sandbox: true, status: 'working', live: true, sync: { state: 'complete', progress: 100 } });
    expect(g.logLines.some((l) => l.includes('"sandbox":true'))).toBe(true);
  });

  it('chats, messages and channels appear', async () => {
    const chats = await g.req('GET', `/api/v1/sessions/${sessionId}/chats?limit=200`, { auth: key });
    expect(chats.body.data.length).toBeGreaterThanOrEqual(30);
    expect(chats.body.data.some((c: { type: string }) => c.type === 'group')).toBe(true);
    const chat = chats.body.data[0];
    const msgs = await g.req('GET', `/api/v1/sessions/${sessionId}/chats/${encodeURIComponent(chat.jid)}/messages`, { auth: key });
    expect(msgs.body.data.length).toBeGreaterThan(0);
    const channels = await g.req('GET', `/api/v1/sessions/${sessionId}/channels`, { auth: key });
    expect(channels.body.data).toHaveLength(3);
    const posts = await g.req('GET', `/api/v1/sessions/${sessionId}/channels/${encodeURIComponent(channels.body.data[0].jid)}/messages`, { auth: key });
    expect(posts.body.data.length).toBeGreaterThan(0);
    const total = g.store.db.prepare('SELECT count(*) AS n FROM messages WHERE session_id = ?').get(sessionId) as { n: number };
    expect(total.n).toBeGreaterThanOrEqual(5000);
    const types = g.store.db.prepare('SELECT DISTINCT type FROM messages WHERE session_id = ?').all(sessionId) as { type: string }[];
    expect(types.map((t) => t.type)).toEqual(expect.arrayContaining(['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contact', 'poll', 'system']));
  });

  it('presence 204 (the simulated contact sees it); channel create 201 with an @newsletter jid; follow 204 twice', async () => {
    const chat = '6281234567890%40s.whatsapp.net';
    for (const state of ['composing', 'paused']) {
      const res = await g.req('PUT', `/api/v1/sessions/${sessionId}/chats/${chat}/presence`, { auth: key, body: { state } });
      expect(res.status).toBe(204);
    }
    const seen = (await g.req('GET', `/api/v1/sessions/${sessionId}/sandbox`, { auth: key })).body.presence;
    expect(seen.slice(-2).map((p: { state: string }) => p.state)).toEqual(['composing', 'paused']);
    const created = await g.req('POST', `/api/v1/sessions/${sessionId}/channels`, { auth: key, body: { name: 'Test channel', description: 'd' } });
    expect(created.status).toBe(201);
    expect(created.body.jid).toMatch(/^\d+@newsletter$/);
    const listed = await g.req('GET', `/api/v1/sessions/${sessionId}/channels`, { auth: key });
    expect(listed.body.data.map((c: { jid: string }) => c.jid)).toContain(created.body.jid);
    const other = (listed.body.data as { jid: string; following: boolean }[]).find((c) => c.jid !== created.body.jid)!;
    for (let i = 0; i < 2; i++) {
      expect((await g.req('POST', `/api/v1/sessions/${sessionId}/channels/${encodeURIComponent(other.jid)}:follow`, { auth: key })).status).toBe(204);
    }
    const after = await g.req('GET', `/api/v1/sessions/${sessionId}/channels`, { auth: key });
    expect(after.body.data.find((c: { jid: string }) => c.jid === other.jid).following).toBe(true);
  });

  it('a send is stored as pending and rises to read over a few seconds', async () => {
    const to = (await g.req('GET', `/api/v1/sessions/${sessionId}/chats?limit=200`, { auth: key })).body.data.find((c: { type: string }) => c.type === 'dm').jid;
    const sent = await g.req('POST', `/api/v1/sessions/${sessionId}/messages`, { auth: key, body: { type: 'text', to, text: 'hello from the test' } });
    expect(sent.status).toBe(200);
    const find = async () =>
      (await g.req('GET', `/api/v1/sessions/${sessionId}/chats/${encodeURIComponent(to)}/messages?limit=50`, { auth: key })).body.data.find(
        (m: { id: string }) => m.id === sent.body.waMessageId,
      );
    expect((await find()).fromMe).toBe(true);
    await expect.poll(async () => (await find()).status, { timeout: 15_000, interval: 200 }).toBe('read');
  });

  it('the WebSocket gets message events as they arrive and resumes after a drop without missing or repeating one', async () => {
    const ticket = async () => (await g.req('POST', '/api/v1/realtime/ticket', { auth: key })).body;
    const t1 = await ticket();
    expect(t1.url).toContain(`/api/v1/realtime?ticket=`);
    const a = openSocket(t1.url);
    await a.opened;
    await expect.poll(() => a.frames.filter((f) => f.event === 'message').length, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    a.ws.close();
    await new Promise((r) => a.ws.once('close', r));
    const lastA = a.frames[a.frames.length - 1]!;
    // While nobody listens, more sandbox messages arrive.
    const countAt = () => (g.store.db.prepare('SELECT count(*) AS n FROM events WHERE seq > (SELECT seq FROM events WHERE id = ?)').get(lastA.id) as { n: number }).n;
    await expect.poll(countAt, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    const t2 = await ticket();
    const b = openSocket(`${t2.url}&after=${lastA.id}`);
    await b.opened;
    await expect.poll(() => b.frames.filter((f) => f.event === 'message').length, { timeout: 20_000 }).toBeGreaterThanOrEqual(6);
    b.ws.close();
    const lastB = b.frames[b.frames.length - 1]!;
    const logged = g.store.db
      .prepare('SELECT id FROM events WHERE organization_id = ? AND seq >= (SELECT seq FROM events WHERE id = ?) AND seq <= (SELECT seq FROM events WHERE id = ?) ORDER BY seq')
      .all(g.organizationId, a.frames[0]!.id, lastB.id) as { id: string }[];
    const received = [...a.frames, ...b.frames].map((f) => f.id);
    expect(received).toEqual(logged.map((r) => r.id));
    expect(new Set(received).size).toBe(received.length);
    const message = [...a.frames, ...b.frames].find((f) => f.event === 'message')!;
    expect(message).toMatchObject({ schema: 'v1', session: sessionId, organization: g.organizationId });
    expect(message.id).toMatch(/^evt_[0-9A-Z]{26}$/);
    expect(message.payload).toMatchObject({ sessionId, waMessageId: expect.any(String) });
  }, 90_000);

  it('tickets are single use; Host and Origin are checked on upgrade', async () => {
    const t = (await g.req('POST', '/api/v1/realtime/ticket', { auth: key })).body;
    const first = openSocket(t.url);
    await first.opened;
    first.ws.close();
    await expect(openSocket(t.url).opened).rejects.toThrow(/401/);
    const t2 = (await g.req('POST', '/api/v1/realtime/ticket', { auth: key })).body;
    await expect(openSocket(t2.url, { origin: 'https://evil.example' }).opened).rejects.toThrow(/403/);
    const t3 = (await g.req('POST', '/api/v1/realtime/ticket', { auth: key })).body;
    await expect(openSocket(t3.url, { host: `evil.example:${g.info.port}` }).opened).rejects.toThrow(/403/);
    await expect(openSocket(`ws://127.0.0.1:${g.info.port}/api/v1/realtime?ticket=nope`).opened).rejects.toThrow(/401/);
    expect((await g.req('POST', '/api/v1/realtime/ticket')).status).toBe(401);
  });
});
