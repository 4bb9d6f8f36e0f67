import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, textRecord, type TestGateway } from '../helpers/gateway.js';

const DM = '6281234567890@s.whatsapp.net';
const GROUP = '120363012345678901@g.us';
const CHANNEL = '120363999999999999@newsletter';
const T0 = 1_700_000_000_000;

describe('GET /sessions/{s}/messages/search over HTTP', () => {
  let g: TestGateway;
  let sid: string;
  let readKey: string;
  let sendKey: string;
  let n = 0;
  const add = (chatJid: string, body: string, over: Record<string, unknown> = {}) => {
    n++;
    return g.store.messages.insert(sid, { ...textRecord(chatJid, `S${n}`, T0 + n * 1000, body), ...over })!;
  };
  const search = (q: string, extra = '', auth = readKey) =>
    g.req('GET', `/api/v1/sessions/${sid}/messages/search?q=${encodeURIComponent(q)}${extra}`, { auth });
  const bodies = async (q: string, extra = '', auth = readKey) => {
    const res = await search(q, extra, auth);
    expect(res.status).toBe(200);
    return (res.body.data as { message: { body: string } }[]).map((h) => h.message.body);
  };

  beforeAll(async () => {
    g = await startTestGateway();
    sid = g.session();
    readKey = g.key(['read']);
    sendKey = g.key(['read', 'send']);
    g.store.chats.ensure(sid, DM, 'dm', 'Budi');
    g.store.chats.ensure(sid, GROUP, 'group', 'Family');
    add(DM, 'Schönes Wetter heute');
    add(GROUP, 'SCHONES Wochenende <script>alert(1)</script>');
    add(GROUP, 'the quick brown fox');
    add(GROUP, 'quick thinking', { type: 'image', media: { filename: null, mimetype: 'image/jpeg', size: 10 } });
    add(DM, '明天我们去東京都看看');
    add(CHANNEL, 'channel quick news');
  });
  afterAll(() => g.close());

  it('finds words accent- and case-insensitively, newest first, with the chat and a <mark> snippet', async () => {
    expect(await bodies('schones')).toEqual(['SCHONES Wochenende <script>alert(1)</script>', 'Schönes Wetter heute']);
    expect(await bodies('WETTER')).toEqual(['Schönes Wetter heute']);
    const res = await search('wochenende');
    const hit = res.body.data[0];
    expect(hit.chat).toEqual({ jid: GROUP, name: 'Family', type: 'group' });
    expect(hit.message.chatJid).toBe(GROUP);
    expect(hit.snippet).toBe('SCHONES <mark>Wochenende</mark> &lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('prefix, phrase, CJK', async () => {
    expect(await bodies('thin*')).toEqual(['quick thinking']);
    expect(await bodies('"quick brown"')).toEqual(['the quick brown fox']);
    expect(await bodies('東京')).toEqual(['明天我们去東京都看看']);
  });

  it('filters: chat, sender, type, hasMedia, before/after; channel posts only with send', async () => {
    expect(await bodies('quick')).toEqual(['quick thinking', 'the quick brown fox']);
    expect(await bodies('quick', '', sendKey)).toEqual(['channel quick news', 'quick thinking', 'the quick brown fox']);
    expect(await bodies('schones', `&chat=${encodeURIComponent(DM)}`)).toEqual(['Schönes Wetter heute']);
    expect(await bodies('schones', `&sender=${encodeURIComponent(DM)}`)).toEqual(['Schönes Wetter heute']);
    expect(await bodies('quick', '&type=image')).toEqual(['quick thinking']);
    expect(await bodies('quick', '&hasMedia=false')).toEqual(['the quick brown fox']);
    const ts = (await search('thinking')).body.data[0].message.timestamp as number;
    expect(await bodies('quick', `&before=${ts}`)).toEqual(['the quick brown fox']);
    expect(await bodies('quick', `&after=${ts - 1}`)).toEqual(['quick thinking']);
    for (const bad of ['&before=yesterday', '&hasMedia=yes', '&after=-5']) expect((await search('quick', bad)).status).toBe(400);
  });

  it('empty q is 400; hostile q is 200 or 400, never 500', async () => {
    for (const q of ['', '   ']) {
      const res = await search(q);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
    expect((await g.req('GET', `/api/v1/sessions/${sid}/messages/search`, { auth: readKey })).status).toBe(400);
    const hostile = ['"unbalanced', 'a" b "c', 'quick OR fox', 'NOT quick', 'NEAR(quick fox)', 'NEAR(', '*', 'body:quick',
      '{chat_key}: x', 'chat_key:quick', '^quick', 'quick + fox', '(((', ')', '""', "'", '\\', '%', '_', 'x'.repeat(10_240),
      'quick '.repeat(2000), '\u0000', '\u0001quick\u0002'];
    for (const q of hostile) {
      const res = await search(q);
      expect([200, 400], `q=${q.slice(0, 40)}`).toContain(res.status);
    }
    expect((await search('x'.repeat(10_240))).status).toBe(400);
    // Operators are words to look for, not syntax.
    expect(await bodies('quick OR missing')).toEqual([]);
  });

  it('reflects edits, revokes and deletes', async () => {
    const pk = add(GROUP, 'original wording here');
    expect(await bodies('original')).toEqual(['original wording here']);
    g.store.messages.setEdited(pk, 'changed wording here');
    expect(await bodies('original')).toEqual([]);
    expect(await bodies('changed')).toEqual(['changed wording here']);
    g.store.messages.setDeleted(pk);
    expect(await bodies('changed')).toEqual([]);
    const gone = add(GROUP, 'ephemeral remark');
    expect(await bodies('ephemeral')).toHaveLength(1);
    g.store.messages.remove(gone);
    expect(await bodies('ephemeral')).toEqual([]);
  });

  it('pages newest first with a cursor bound to the search: no duplicates or gaps while messages arrive', async () => {
    for (let i = 0; i < 25; i++) add(GROUP, `pageword number ${i}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await search('pageword', `&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((h: { message: { body: string } }) => h.message.body));
      cursor = res.body.nextCursor;
      // New matching messages arrive between pages: newer than the cursor, so never seen in this walk.
      add(GROUP, `pageword arrived ${pages++}`);
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `pageword number ${24 - i}`));
    // A cursor of one search is refused by another.
    const first = await search('pageword', '&limit=2');
    expect((await search('number', `&limit=2&cursor=${first.body.nextCursor}`)).status).toBe(400);
    expect((await search('pageword', `&limit=2&cursor=${first.body.nextCursor}&chat=${encodeURIComponent(DM)}`)).status).toBe(400);
  });

  it('the gateway indexes stored messages in the background, without a search', async () => {
    const status = async () => (await g.req('GET', `/api/v1/sessions/${sid}/messages/search/status`, { auth: readKey })).body;
    g.store.transaction(() => {
      for (let i = 0; i < 300; i++) add(GROUP, `background batch ${i}`);
    });
    expect(g.store.search.backfillProgress().queued).toBeGreaterThan(0);
    await vi.waitFor(async () => expect(await status()).toMatchObject({ queued: 0, finished: true }), { timeout: 10_000, interval: 50 });
  });

  it('403 without read, 404 for another session; index status is visible', async () => {
    expect((await search('quick', '', g.key(['send']))).status).toBe(403);
    expect((await g.req('GET', `/api/v1/sessions/01HZZZZZZZZZZZZZZZZZZZZZZZ/messages/search?q=x`, { auth: readKey })).status).toBe(404);
    const status = await g.req('GET', `/api/v1/sessions/${sid}/messages/search/status`, { auth: readKey });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ finished: expect.any(Boolean), queued: expect.any(Number) });
  });
});
