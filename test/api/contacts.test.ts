/**
 * GET /sessions/{s}/contacts over real HTTP on a seeded store (the real repositories and migrations), and the
 * names every listing serves for people (chat names, senders, mentions, reactions): never a bare LID.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, textRecord, type TestGateway } from '../helpers/gateway.js';

const PN = (d: string) => `${d}@s.whatsapp.net`;
const LID = (d: string) => `${d}@lid`;

describe('contacts over HTTP', () => {
  let g: TestGateway;
  let sid: string;
  let other: string;
  let readKey: string;

  beforeAll(async () => {
    g = await startTestGateway();
    sid = g.session('people');
    other = g.session('other');
    readKey = g.key(['read']);
    const c = g.store.contacts;
    g.store.transaction(() => {
      c.upsert(sid, { jid: PN('447700900123'), lid: LID('205227043110953'), phoneNumber: PN('447700900123'), name: 'Zoë Müller', notify: 'zoe' });
      c.upsert(sid, { jid: PN('15551234567'), notify: 'Émile ✨' });
      c.upsert(sid, { jid: PN('6281234567890'), verifiedName: 'Café Lumen' });
      c.upsert(sid, { jid: PN('4915112345678') }); // a number and nothing else
      // The same person stored under the LID form before the mapping was known, and again under the phone form.
      c.upsert(sid, { jid: LID('177777777777777'), lid: LID('177777777777777'), notify: 'ana (old row)' });
      g.store.lidMappings.put(sid, LID('177777777777777'), PN('5511987654321'));
      c.upsert(sid, { jid: PN('5511987654321'), name: 'Ana Costa' });
      // Known only by LID: no number, only a push name.
      c.upsert(sid, { jid: LID('199999999999999'), lid: LID('199999999999999'), notify: 'Stranger 🌻' });
      // Another session's contact never shows here.
      c.upsert(other, { jid: PN('33612345678'), name: 'Other Session' });
    });
  });
  afterAll(() => g.close());

  const list = async (query: string, auth = readKey) => g.req('GET', `/api/v1/sessions/${sid}/contacts${query}`, { auth });

  it('lists each person once, alphabetical by the name they show, numbers last; both JID forms filled', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data.map((c: { displayName: string }) => c.displayName)).toEqual([
      'Ana Costa', 'Café Lumen', 'Émile ✨', 'Stranger 🌻', 'Zoë Müller', '+49 151 1234 5678',
    ]);
    expect(res.body.data[0]).toEqual({
      jid: PN('5511987654321'), lid: LID('177777777777777'), phoneNumber: '5511987654321', name: 'Ana Costa', pushName: null, verifiedName: null, displayName: 'Ana Costa',
    });
    expect(res.body.data[3]).toEqual({
      jid: LID('199999999999999'), lid: LID('199999999999999'), phoneNumber: null, name: null, pushName: 'Stranger 🌻', verifiedName: null, displayName: 'Stranger 🌻',
    });
    expect(res.body.data[4]).toMatchObject({ jid: PN('447700900123'), lid: LID('205227043110953'), phoneNumber: '447700900123', name: 'Zoë Müller', pushName: 'zoe' });
  });

  it('pages with a keyset cursor: every contact once, in order, at any page size', async () => {
    const all = (await list('')).body.data.map((c: { jid: string }) => c.jid);
    for (const limit of [1, 2, 4]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await list(`?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.data.length).toBeLessThanOrEqual(limit);
        seen.push(...res.body.data.map((c: { jid: string }) => c.jid));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all);
    }
  });

  it('q matches names accent- and case-insensitively, push and verified names, and phone digits', async () => {
    const names = async (q: string) => (await list(`?q=${encodeURIComponent(q)}`)).body.data.map((c: { displayName: string }) => c.displayName);
    expect(await names('zoe')).toEqual(['Zoë Müller']);
    expect(await names('MULLER')).toEqual(['Zoë Müller']);
    expect(await names('emile')).toEqual(['Émile ✨']);
    expect(await names('cafe')).toEqual(['Café Lumen']);
    expect(await names('🌻')).toEqual(['Stranger 🌻']);
    expect(await names('4915112')).toEqual(['+49 151 1234 5678']);
    expect(await names('+44 7700')).toEqual(['Zoë Müller']);
    expect(await names('nobody here')).toEqual([]);
    expect(await names('100%')).toEqual([]);
    // Paging inside a filtered listing; a cursor of the unfiltered listing does not fit it.
    const first = await list('?q=a&limit=1');
    expect(first.body.data).toHaveLength(1);
    expect(first.body.nextCursor).not.toBeNull();
    const foreign = (await list('?limit=1')).body.nextCursor;
    expect((await list(`?q=a&limit=1&cursor=${encodeURIComponent(foreign)}`)).status).toBe(400);
  });

  it('bad input is a 4xx, never a 500; another org\'s session is 404; read is needed', async () => {
    for (const query of ['?limit=abc', '?cursor=garbage', '?cursor=eyJ4IjoxfQ.AAAA', '?q=a&q=b', `?q=${'x'.repeat(101)}`]) {
      const res = await list(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
    expect((await g.req('GET', '/api/v1/sessions/01HZZZZZZZZZZZZZZZZZZZZZZZ/contacts', { auth: readKey })).status).toBe(404);
    expect((await list('', g.key(['send'])) ).status).toBe(403);
    expect((await g.req('GET', `/api/v1/sessions/${sid}/contacts`)).status).toBe(401);
  });
});

describe('names in chats and messages over HTTP', () => {
  let g: TestGateway;
  let sid: string;
  const GROUP = '120363044444444444@g.us';

  beforeAll(async () => {
    g = await startTestGateway();
    sid = g.session('names');
    const s = g.store;
    s.transaction(() => {
      s.contacts.upsert(sid, { jid: PN('447700900123'), name: 'Ana Costa', notify: 'ana' });
      s.lidMappings.put(sid, LID('205227043110953'), PN('447700900123'));
      // DMs: under an unmapped LID with no name; under a bare number; under a mapped LID.
      s.chats.ensure(sid, LID('188888888888888'), 'dm', '188888888888888');
      s.chats.ensure(sid, PN('15551234567'), 'dm', null);
      s.chats.ensure(sid, GROUP, 'group', 'Family');
      const base = 1_700_000_000_000;
      s.messages.insert(sid, { ...textRecord(LID('188888888888888'), 'd1', base, 'hello'), senderJid: null, senderLid: LID('188888888888888'), senderName: null });
      s.messages.insert(sid, { ...textRecord(PN('15551234567'), 'd2', base + 1, 'hi'), senderName: null });
      // Group: a sender known by LID only (mapped), one unmapped with nothing, mentions of both, a reaction.
      s.messages.insert(sid, {
        ...textRecord(GROUP, 'g1', base + 2, 'hey @205227043110953 and @188888888888888'),
        senderJid: null,
        senderLid: LID('205227043110953'),
        senderName: 'ana',
        mentions: [LID('205227043110953'), LID('188888888888888')],
        mentionNames: {},
      });
      s.messages.insert(sid, { ...textRecord(GROUP, 'g2', base + 3, 'who am I'), senderJid: null, senderLid: LID('188888888888888'), senderName: null });
      s.messages.insert(sid, { ...textRecord(GROUP, 'r1', base + 4, '❤️'), type: 'reaction', quotedMessageId: 'g1', senderJid: null, senderLid: LID('205227043110953'), senderName: null });
      for (const jid of [LID('188888888888888'), PN('15551234567'), GROUP]) s.chats.touch(sid, jid, base + 4);
    });
  });
  afterAll(() => g.close());

  it('chat names of people follow the rule: never the LID, the number formatted', async () => {
    const chats = (await g.req('GET', `/api/v1/sessions/${sid}/chats`, { auth: g.token })).body.data;
    const name = (jid: string) => chats.find((c: { jid: string }) => c.jid === jid)?.name;
    expect(name(LID('188888888888888'))).toBe('Unknown contact');
    expect(name(PN('15551234567'))).toBe('+1 555 123 4567');
    expect(name(GROUP)).toBe('Family');
  });

  it('senders, mentions and reactions by name (saved name over the push name the message carried)', async () => {
    const page = (await g.req('GET', `/api/v1/sessions/${sid}/chats/${encodeURIComponent(GROUP)}/messages`, { auth: g.token })).body.data;
    const byId = (id: string) => page.find((m: { id: string }) => m.id === id);
    expect(byId('g1').senderName).toBe('Ana Costa');
    expect(byId('g1').mentionNames).toEqual({ '205227043110953': 'Ana Costa', '188888888888888': 'Unknown contact' });
    expect(byId('g2').senderName).toBe('Unknown contact');
    expect(byId('g1').reactions).toEqual([{ emoji: '❤️', senderJid: null, senderLid: LID('205227043110953'), senderName: 'Ana Costa', timestamp: 1_700_000_000_004 }]);
    const dm = (await g.req('GET', `/api/v1/sessions/${sid}/chats/${encodeURIComponent(PN('15551234567'))}/messages`, { auth: g.token })).body.data;
    expect(dm[0].senderName).toBe('+1 555 123 4567');
  });
});
