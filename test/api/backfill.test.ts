/**
 * Per-chat backfill on a sandbox gateway: the simulated phone keeps the oldest part of a few chats to itself
 * at pairing (src-main/whatsapp/sandbox/on-demand.ts); POST .../chats/{cid}:backfill asks it for older
 * messages (Baileys' fetchMessageHistory through the real adapter), the ON_DEMAND answer is ingested,
 * progress arrives as 'sync.progress' with the chatJid over the realtime socket, and coverage turns complete
 * once the phone reached the chat's start. Asking again adds nothing. Gaps: messages that arrived while the
 * session was away through a network outage stay on the phone (src-main/whatsapp/sandbox/offline.ts);
 * coverage reports the hole and a backfill, anchored on the message after it, fills and closes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface Frame {
  id: string;
  event: string;
  payload: Record<string, unknown>;
}

interface Coverage {
  chatJid: string;
  oldestMessageId: string | null;
  oldestMessageAt: number | null;
  newestMessageAt: number | null;
  count: number;
  complete: boolean;
  gaps: { after: string; before: string; from: number; to: number }[];
}

interface Listed {
  waMessageId: string;
  fromMe: boolean;
  status: string;
  timestamp: number;
  body: string;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('chat backfill and coverage on the sandbox', () => {
  let g: TestGateway;
  let key: string;
  let sessionId: string;
  const frames: Frame[] = [];
  let ws: WebSocket;

  beforeAll(async () => {
    g = await startTestGateway({ config: { sandbox: { ensureSession: true, seed: 7, ratePerMinute: 0 } } });
    key = g.key(['read', 'send', 'manage']);
    await until('the history sync', async () => {
      const s = (await g.req('GET', '/api/v1/sessions', { auth: key })).body.data[0];
      return s?.sync?.state === 'complete' && s.live ? s : undefined;
    }, 90_000);
    sessionId = (await g.req('GET', '/api/v1/sessions', { auth: key })).body.data[0].id;
    const ticket = (await g.req('POST', '/api/v1/realtime/ticket', { auth: key })).body;
    ws = new WebSocket(ticket.url);
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }, 120_000);
  afterAll(async () => {
    ws?.close();
    await g?.close();
  });

  const path = (jid: string, tail: string) => `/api/v1/sessions/${sessionId}/chats/${encodeURIComponent(jid)}${tail}`;
  const coverage = async (jid: string): Promise<Coverage> => {
    const res = await g.req('GET', path(jid, '/coverage'), { auth: key });
    expect(res.status).toBe(200);
    return res.body as Coverage;
  };
  /** One backfill round: 202, then the phone's answer announced for this chat. */
  const backfill = async (jid: string): Promise<Coverage> => {
    const seen = frames.length;
    const res = await g.req('POST', path(jid, ':backfill'), { auth: key });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ chatJid: jid, count: 50 });
    await until(`the answer for ${jid}`, () =>
      frames.slice(seen).find((f) => f.event === 'sync.progress' && f.payload.chatJid === jid && f.payload.state === 'complete'),
    );
    const asked = frames.slice(seen).find((f) => f.event === 'sync.progress' && f.payload.chatJid === jid);
    expect(asked?.payload).toMatchObject({ state: 'syncing', progress: 0 });
    return coverage(jid);
  };

  it('fetches the older messages of a chat whose history was cut at pairing, until the chat is complete', async () => {
    const chats = (await g.req('GET', `/api/v1/sessions/${sessionId}/chats?limit=200`, { auth: key })).body.data as { jid: string }[];
    let cut: { jid: string; before: Coverage; after: Coverage } | undefined;
    for (const { jid } of chats) {
      const before = await coverage(jid);
      expect(before).toMatchObject({ complete: false, gaps: [] });
      const after = await backfill(jid);
      if (after.count > before.count) {
        cut = { jid, before, after };
        break;
      }
      // Nothing older on the phone: the first answer already says so.
      expect(after).toMatchObject({ complete: true, count: before.count, oldestMessageId: before.oldestMessageId });
    }
    expect(cut, 'a chat the sandbox cut at pairing').toBeDefined();
    const { jid, before, after } = cut!;
    expect(after.oldestMessageAt!).toBeLessThan(before.oldestMessageAt!);
    expect(after.newestMessageAt).toBe(before.newestMessageAt);

    let current = after;
    for (let round = 0; !current.complete && round < 20; round++) current = await backfill(jid);
    expect(current.complete).toBe(true);
    const stored = g.store.db.prepare('SELECT count(*) AS n, count(DISTINCT wa_message_id) AS d FROM messages WHERE session_id = ? AND chat_jid = ?').get(sessionId, jid) as { n: number; d: number };
    expect(stored.n).toBe(current.count);
    expect(stored.d).toBe(stored.n);

    // Repeated backfill adds nothing and stays complete.
    const again = await backfill(jid);
    expect(again).toEqual(current);
    // The fetched messages read like any other: oldest first page reaches them.
    const page = await g.req('GET', `${path(jid, '/messages')}?limit=200`, { auth: key });
    expect((page.body.data as { waMessageId: string }[]).some((m) => m.waMessageId === current.oldestMessageId) || current.count > 200).toBe(true);
  }, 120_000);

  it('messages missed during an outage leave a gap; a backfill anchored after it fills and closes it', async () => {
    const session = async () => (await g.req('GET', `/api/v1/sessions/${sessionId}`, { auth: key })).body;
    const chats = (await g.req('GET', `/api/v1/sessions/${sessionId}/chats?limit=200`, { auth: key })).body.data as { jid: string }[];
    const jid = chats.map((c) => c.jid).find((j) => j.endsWith('@s.whatsapp.net'))!;
    expect(jid).toBeDefined();
    const listed = async (): Promise<Listed[]> => (await g.req('GET', `${path(jid, '/messages')}?limit=100`, { auth: key })).body.data;
    /** A text of ours, once its echo came back on the current connection. */
    const send = async (text: string): Promise<string> => {
      const res = await g.req('POST', `/api/v1/sessions/${sessionId}/messages`, { auth: key, body: { type: 'text', to: jid, text } });
      expect(res.status).toBe(200);
      const id = res.body.waMessageId as string;
      await expect.poll(async () => (await listed()).find((m) => m.waMessageId === id)?.status).not.toBe('pending');
      return id;
    };
    // First the whole chat (the sandbox may have cut its start at pairing), so only the outage can be missing.
    let start = await coverage(jid);
    for (let round = 0; !start.complete && round < 20; round++) start = await backfill(jid);
    expect(start).toMatchObject({ complete: true, gaps: [] });
    const before = await send('before the outage');

    // The network goes; the connection with it (stop, then start while unreachable: connections fail).
    await g.req('POST', `/api/v1/sessions/${sessionId}/sandbox:network`, { auth: key, body: { reachable: false } });
    expect((await g.req('POST', `/api/v1/sessions/${sessionId}:stop`, { auth: key })).status).toBe(200);
    expect((await g.req('POST', `/api/v1/sessions/${sessionId}:start`, { auth: key })).status).toBe(200);
    await expect.poll(async () => (await session()).lastError?.code, { timeout: 30_000, interval: 100 }).toBe('timeout');
    expect((await session()).live).toBe(false);
    await g.req('POST', `/api/v1/sessions/${sessionId}/sandbox:network`, { auth: key, body: { reachable: true } });
    await expect.poll(async () => (await session()).live, { timeout: 30_000, interval: 100 }).toBe(true);

    // Nothing of the outage arrived; the next message is on a new connection: a gap between the two sends.
    const after = await send('after the outage');
    const gapped = await coverage(jid);
    expect(gapped.count).toBe(start.count + 2);
    expect(gapped.complete).toBe(false);
    expect(gapped.gaps).toHaveLength(1);
    const [gap] = gapped.gaps;
    expect(gap).toMatchObject({ after: before, before: after });
    const times = new Map((await listed()).map((m) => [m.waMessageId, m.timestamp]));
    expect(gap!.from).toBe(times.get(before));
    expect(gap!.to).toBe(times.get(after));

    // The backfill goes to the gap: the phone answers with what is before the message after it.
    const seen = frames.length;
    const asked = await g.req('POST', path(jid, ':backfill'), { auth: key });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ chatJid: jid, beforeMessageId: after, count: 50 });
    await until('the answer', () => frames.slice(seen).find((f) => f.event === 'sync.progress' && f.payload.chatJid === jid && f.payload.state === 'complete'));
    const filled = await coverage(jid);
    expect(filled.gaps).toEqual([]);
    expect(filled.complete).toBe(true);
    expect(filled.count).toBe(gapped.count + 3);
    // The three messages written during the outage, from the other side, between the two sends (WhatsApp
    // stamps whole seconds; our sends keep their millisecond).
    const missed = (await listed()).filter((m) => !times.has(m.waMessageId));
    expect(missed).toHaveLength(3);
    for (const m of missed) {
      expect(m.fromMe).toBe(false);
      expect(m.timestamp).toBeGreaterThanOrEqual(Math.floor(gap!.from / 1000) * 1000);
      expect(m.timestamp).toBeLessThanOrEqual(gap!.to);
    }
    // Asking again: nothing twice, no gap.
    const again = await backfill(jid);
    expect(again.count).toBe(filled.count);
    expect(again.gaps).toEqual([]);
  }, 120_000);

  it('answers 404 for an unknown chat and 501 without a live client', async () => {
    expect((await g.req('GET', path('15550001111@s.whatsapp.net', '/coverage'), { auth: key })).status).toBe(404);
    expect((await g.req('POST', path('15550001111@s.whatsapp.net', ':backfill'), { auth: key })).status).toBe(404);
    const chat = (await g.req('GET', `/api/v1/sessions/${sessionId}/chats?limit=1`, { auth: key })).body.data[0].jid as string;
    expect((await g.req('POST', `/api/v1/sessions/${sessionId}:stop`, { auth: key })).status).toBe(200);
    const res = await g.req('POST', path(chat, ':backfill'), { auth: key });
    expect(res.status).toBe(501);
    expect((await g.req('POST', path(chat, ':backfill'), { auth: g.key(['read']) })).status).toBe(403);
  });
});
