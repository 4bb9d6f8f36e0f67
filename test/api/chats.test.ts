import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, textRecord, type TestGateway } from '../helpers/gateway.js';
import { seedSessionRow } from '../helpers/store.js';

const DM = '6281234567890@s.whatsapp.net';
const DM_ENC = '6281234567890%40s.whatsapp.net';
const GROUP = '120363012345678901@g.us';

describe('chats and chat messages over HTTP', () => {
  let g: TestGateway;
  let sessionId: string;
  let readKey: string;
  let sendKey: string;

  beforeAll(async () => {
    g = await startTestGateway();
    sessionId = g.session();
    g.seedChat(sessionId, DM, 260);
    g.seedChat(sessionId, GROUP, 3, 1_600_000_000_000);
    readKey = g.key(['read']);
    sendKey = g.key(['send']);
  });
  afterAll(() => g.close());

  const msgs = (path = DM_ENC, q = '') => `/api/v1/sessions/${sessionId}/chats/${path}/messages${q}`;

  it('401 without a credential and with a bad one (same body for every cause)', async () => {
    const none = await g.req('GET', msgs());
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String), details: {} } });
    for (const bad of ['nonsense', 'wa_' + 'a'.repeat(49), 'a.b.c', readKey.slice(0, -1) + (readKey.endsWith('A') ? 'B' : 'A')]) {
      const res = await g.req('GET', msgs(), { auth: bad });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(none.body);
      const viaHeader = await g.req('GET', msgs(), { apiKeyHeader: bad });
      expect(viaHeader.status).toBe(401);
    }
  });

  it('never takes a credential from the query string or a cookie', async () => {
    expect((await g.req('GET', msgs(DM_ENC, `?api_key=${readKey}`))).status).toBe(401);
    expect((await g.req('GET', msgs(DM_ENC, `?token=${g.token}`))).status).toBe(401);
    expect((await g.req('GET', msgs(), { headers: { cookie: `token=${g.token}; api_key=${readKey}` } })).status).toBe(401);
  });

  it('accepts an API key as Bearer or x-api-key, and a login JWT', async () => {
    expect((await g.req('GET', msgs(), { auth: readKey })).status).toBe(200);
    expect((await g.req('GET', msgs(), { apiKeyHeader: readKey })).status).toBe(200);
    expect((await g.req('GET', msgs(), { auth: g.token })).status).toBe(200);
  });

  it('403 when the key lacks read; 404 for unknown session and chat', async () => {
    const res = await g.req('GET', msgs(), { auth: sendKey });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await g.req('GET', `/api/v1/sessions/01HZZZZZZZZZZZZZZZZZZZZZZZ/chats/${DM_ENC}/messages`, { auth: readKey })).status).toBe(404);
    const unknownChat = await g.req('GET', msgs('6289999999999%40s.whatsapp.net'), { auth: readKey });
    expect(unknownChat.status).toBe(404);
    expect(unknownChat.body.error.code).toBe('not_found');
    // A malformed JID on a stored read is simply not found.
    expect((await g.req('GET', msgs('not-a-jid'), { auth: readKey })).status).toBe(404);
  });

  it('another organization\'s session is 404, never 403', async () => {
    const other = g.store.organizations.create('01OTHERORG0000000000000000', 'Other');
    const foreign = seedSessionRow(g.store, { id: '01FOREIGNSESSION0000000000', organizationId: other.id, label: 'x' });
    g.seedChat(foreign.id, DM, 2);
    for (const path of [
      `/api/v1/sessions/${foreign.id}`,
      `/api/v1/sessions/${foreign.id}/chats`,
      `/api/v1/sessions/${foreign.id}/chats/${DM_ENC}/messages`,
    ]) {
      const res = await g.req('GET', path, { auth: readKey });
      expect(res.status, path).toBe(404);
    }
    expect((await g.req('DELETE', `/api/v1/sessions/${foreign.id}/chats/${DM_ENC}`, { auth: sendKey })).status).toBe(404);
    expect(g.store.chats.exists(foreign.id, DM)).toBe(true);
  });

  it('clamps limit: missing/0 -> 50, 500 -> 200, negative -> 1; non-integer -> 400', async () => {
    const count = async (q: string) => (await g.req('GET', msgs(DM_ENC, q), { auth: readKey })).body.data.length;
    expect(await count('')).toBe(50);
    expect(await count('?limit=0')).toBe(50);
    expect(await count('?limit=500')).toBe(200);
    expect(await count('?limit=-5')).toBe(1);
    expect(await count('?limit=7')).toBe(7);
    for (const bad of ['abc', '1.5', '1e3', '', '10abc']) {
      const res = await g.req('GET', msgs(DM_ENC, `?limit=${bad}`), { auth: readKey });
      if (bad === '') expect(res.status).toBe(200);
      else {
        expect(res.status, bad).toBe(400);
        expect(res.body.error.code).toBe('validation_error');
      }
    }
    expect((await g.req('GET', msgs(DM_ENC, '?limit=1&limit=2'), { auth: readKey })).status).toBe(400);
  });

  it('accepts %40 and a raw @ in the chat JID', async () => {
    const a = await g.req('GET', msgs(DM_ENC, '?limit=3'), { auth: readKey });
    const b = await g.req('GET', msgs(DM, '?limit=3'), { auth: readKey });
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(a.body.data[0].chatJid).toBe(DM);
  });

  it('pages newest-first with no duplicate or gap while new messages arrive; nextCursor null at the end', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let inserted = 0;
    do {
      const q = `?limit=40${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await g.req('GET', msgs(DM_ENC, q), { auth: readKey });
      expect(res.status).toBe(200);
      const ts = res.body.data.map((m: { timestamp: number }) => m.timestamp);
      expect([...ts].sort((x, y) => y - x)).toEqual(ts);
      seen.push(...res.body.data.map((m: { id: string }) => m.id));
      cursor = res.body.nextCursor;
      pages += 1;
      // New messages arrive between pages (newer than everything, and one with an equal timestamp).
      g.store.messages.insert(sessionId, textRecord(DM, `new${inserted}`, 1_800_000_000_000 + inserted, 'new'));
      inserted += 1;
    } while (cursor);
    expect(pages).toBe(7);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(Array.from({ length: 260 }, (_, i) => `m${259 - i}`));
  });

  it('messages with equal timestamps are still paged without loss', async () => {
    const chat = '6285555555555@s.whatsapp.net';
    g.store.transaction(() => {
      g.store.chats.ensure(sessionId, chat, 'dm');
      for (let i = 0; i < 30; i++) g.store.messages.insert(sessionId, textRecord(chat, `same${i}`, 1_700_000_000_000, 'x'));
    });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { id: string }[]; nextCursor: string | null } } = await g.req(
        'GET',
        `/api/v1/sessions/${sessionId}/chats/${chat}/messages?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { auth: readKey },
      );
      ids.push(...res.body.data.map((m) => m.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(ids).size).toBe(30);
  });

  it('rejects forged, corrupted and foreign cursors with 400, never 500', async () => {
    const first = await g.req('GET', msgs(DM_ENC, '?limit=5'), { auth: readKey });
    const cursor: string = first.body.nextCursor;
    const [data, mac] = cursor.split('.');
    const forgedData = Buffer.from(JSON.stringify([1, 1])).toString('base64url');
    const foreign = (await g.req('GET', `/api/v1/sessions/${sessionId}/chats/${GROUP}/messages?limit=1`, { auth: readKey })).body.nextCursor;
    expect(foreign).toBeTypeOf('string');
    for (const bad of [`${forgedData}.${mac}`, `${data}.AAAA${mac!.slice(4)}`, 'garbage', '.', `${data}`, 'a'.repeat(5000), '%00', foreign]) {
      const res = await g.req('GET', msgs(DM_ENC, `?cursor=${encodeURIComponent(bad)}`), { auth: readKey });
      expect(res.status, bad.slice(0, 30)).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
  });

  it('lists chats newest activity first with cursor paging and search', async () => {
    const res = await g.req('GET', `/api/v1/sessions/${sessionId}/chats?limit=1`, { auth: readKey });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0].lastMessage.body).toMatch(/new|message/);
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { jid: string }[]; nextCursor: string | null } } = await g.req(
        'GET',
        `/api/v1/sessions/${sessionId}/chats?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { auth: readKey },
      );
      all.push(...page.body.data.map((c) => c.jid));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(all).toContain(DM);
    expect(all).toContain(GROUP);
    expect(all.indexOf(DM)).toBeLessThan(all.indexOf(GROUP));
    const search = await g.req('GET', `/api/v1/sessions/${sessionId}/chats?q=${encodeURIComponent('120363')}`, { auth: readKey });
    expect(search.body.data.map((c: { jid: string }) => c.jid)).toEqual([GROUP]);
  });

  it('mark read clears the unread counter (send capability)', async () => {
    g.store.chats.touch(sessionId, GROUP, 0, 4);
    expect((await g.req('POST', `/api/v1/sessions/${sessionId}/chats/${GROUP}/read`, { auth: readKey })).status).toBe(403);
    const res = await g.req('POST', `/api/v1/sessions/${sessionId}/chats/${GROUP}/read`, { auth: sendKey });
    expect(res.status).toBe(200);
    expect(res.body.unreadCount).toBe(0);
  });

  it('DELETE chat: 403 without send, 204 with no body, then 404; WhatsApp untouched', async () => {
    const chat = '6287777777777@s.whatsapp.net';
    g.seedChat(sessionId, chat, 5);
    expect((await g.req('DELETE', `/api/v1/sessions/${sessionId}/chats/${chat}`, { auth: readKey })).status).toBe(403);
    const res = await g.req('DELETE', `/api/v1/sessions/${sessionId}/chats/${encodeURIComponent(chat)}`, { auth: sendKey });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
    expect(g.store.messages.count(sessionId, chat)).toBe(0);
    expect((await g.req('GET', `/api/v1/sessions/${sessionId}/chats/${chat}/messages`, { auth: readKey })).status).toBe(404);
    expect((await g.req('DELETE', `/api/v1/sessions/${sessionId}/chats/${chat}`, { auth: sendKey })).status).toBe(404);
  });

  it('presence: 404 unknown session, 422 bad state, 400 malformed JSON, 501 without a live client', async () => {
    const url = `/api/v1/sessions/${sessionId}/chats/${DM_ENC}/presence`;
    expect((await g.req('PUT', url, { auth: readKey, body: { state: 'composing' } })).status).toBe(403);
    expect((await g.req('PUT', `/api/v1/sessions/01HZZZZZZZZZZZZZZZZZZZZZZZ/chats/${DM_ENC}/presence`, { auth: sendKey, body: { state: 'composing' } })).status).toBe(404);
    for (const body of [{ state: 'typing' }, {}, { state: 1 }, { state: 'composing', extra: true }]) {
      const res = await g.req('PUT', url, { auth: sendKey, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe('validation_error');
    }
    const malformed = await g.req('PUT', url, { auth: sendKey, rawBody: '{"state":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('validation_error');
    const notJson = await g.req('PUT', url, { auth: sendKey, rawBody: 'state=composing', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(notJson.status).toBe(415);
    const res = await g.req('PUT', url, { auth: sendKey, body: { state: 'composing' } });
    expect(res.status).toBe(501);
    expect(res.body.error.code).toBe('not_implemented');
    // The chat need not be stored; a JID of the wrong kind is a 400 on a live action.
    expect((await g.req('PUT', `/api/v1/sessions/${sessionId}/chats/6280000000000%40s.whatsapp.net/presence`, { auth: sendKey, body: { state: 'paused' } })).status).toBe(501);
    expect((await g.req('PUT', `/api/v1/sessions/${sessionId}/chats/hello/presence`, { auth: sendKey, body: { state: 'paused' } })).status).toBe(400);
  });

  it('a body over the limit is 413', async () => {
    const res = await g.req('PUT', `/api/v1/sessions/${sessionId}/chats/${DM_ENC}/presence`, {
      auth: sendKey,
      rawBody: JSON.stringify({ state: 'composing', pad: 'x'.repeat(70_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });
});
