/**
 * GET /sessions/{s}/groups/{jid} over real HTTP: the stored copy (seeded through the real repositories), the
 * live refresh through the WhatsApp port, and the sandbox account end to end (its groups arrive through the
 * real event buffer and ingestion, its live answers through the real Baileys adapter).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeWorld } from '../helpers/fake-client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const GROUP = '120363011111111111@g.us';
const GROUP_ENC = '120363011111111111%40g.us';
const ANA = '447700900123@s.whatsapp.net';
const ANA_LID = '205227043110953@lid';
const STRANGER_LID = '199999999999999@lid';
const BEN = '15551234567@s.whatsapp.net';
const BARE_LID = /\d{10,}@lid|^\d{12,}$/;

describe('groups over HTTP (seeded store, fake WhatsApp at the port)', () => {
  let g: TestGateway;
  let idle: string;
  let readKey: string;
  const world = fakeWorld();

  beforeAll(async () => {
    g = await startTestGateway({ baileysFactory: world.factory });
    idle = g.session('idle');
    readKey = g.key(['read']);
    g.store.transaction(() => {
      g.store.lidMappings.put(idle, ANA_LID, ANA);
      g.store.contacts.upsert(idle, { jid: ANA, lid: ANA_LID, phoneNumber: ANA, name: 'Ana Costa', notify: 'ana ✨' });
      g.store.contacts.upsert(idle, { jid: STRANGER_LID, lid: STRANGER_LID, notify: 'Stranger 🌻' });
      g.store.groups.upsert(idle, {
        jid: GROUP,
        subject: 'Book Club 📚',
        description: 'Meeting notes and links go here.',
        owner: ANA_LID,
        createdAt: 1_600_000_000_000,
        participants: [
          { jid: ANA_LID, lid: ANA_LID, pn: null, role: 'superadmin' },
          { jid: STRANGER_LID, lid: STRANGER_LID, pn: null, role: 'member' },
          { jid: '188888888888888@lid', lid: '188888888888888@lid', pn: null, role: 'admin' },
          { jid: BEN, lid: null, pn: BEN, role: 'member' },
        ],
      });
      g.store.chats.ensure(idle, '120363022222222222@g.us', 'group', 'Only a chat');
    });
  });
  afterAll(() => g.close());

  it('serves the stored metadata; names by the rule, never a bare LID; the owner by phone when mapped', async () => {
    const res = await g.req('GET', `/api/v1/sessions/${idle}/groups/${GROUP_ENC}`, { auth: readKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ jid: GROUP, subject: 'Book Club 📚', description: 'Meeting notes and links go here.', owner: ANA, createdAt: 1_600_000_000_000 });
    expect(res.body.participants).toEqual([
      { jid: ANA, lid: ANA_LID, name: 'Ana Costa', role: 'superadmin' },
      { jid: '188888888888888@lid', lid: '188888888888888@lid', name: 'Unknown contact', role: 'admin' },
      { jid: BEN, lid: null, name: '+1 555 123 4567', role: 'member' },
      { jid: STRANGER_LID, lid: STRANGER_LID, name: 'Stranger 🌻', role: 'member' },
    ]);
    for (const p of res.body.participants) expect(p.name).not.toMatch(BARE_LID);
    // A raw @ works as well as %40.
    expect((await g.req('GET', `/api/v1/sessions/${idle}/groups/${GROUP}`, { auth: readKey })).body.subject).toBe('Book Club 📚');
  });

  it('a group chat stored without metadata answers with its name and no participants', async () => {
    const res = await g.req('GET', `/api/v1/sessions/${idle}/groups/120363022222222222%40g.us`, { auth: readKey });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ jid: '120363022222222222@g.us', subject: 'Only a chat', description: null, owner: null, createdAt: null, participants: [] });
  });

  it('404 for an unknown group or session; 400 for a JID that is not a group; 401/403 as everywhere', async () => {
    const unknown = await g.req('GET', `/api/v1/sessions/${idle}/groups/120363099999999999%40g.us`, { auth: readKey });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect((await g.req('GET', `/api/v1/sessions/01HZZZZZZZZZZZZZZZZZZZZZZZ/groups/${GROUP_ENC}`, { auth: readKey })).status).toBe(404);
    for (const bad of [encodeURIComponent(ANA), encodeURIComponent(ANA_LID), 'not-a-jid', '120363012345678901%40newsletter', '12%40g.us']) {
      const res = await g.req('GET', `/api/v1/sessions/${idle}/groups/${bad}`, { auth: readKey });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
    expect((await g.req('GET', `/api/v1/sessions/${idle}/groups/${GROUP_ENC}`)).status).toBe(401);
    const noRead = g.key(['send']);
    expect((await g.req('GET', `/api/v1/sessions/${idle}/groups/${GROUP_ENC}`, { auth: noRead })).status).toBe(403);
  });

  it('when live: asks WhatsApp, stores the answer (and the LID <-> phone pairs it names); a failing answer falls back to the stored copy', async () => {
    const manage = g.key(['manage']);
    const created = await g.req('POST', '/api/v1/sessions', { auth: manage, body: { label: 'live', start: true } });
    const live = created.body.id as string;
    await expect.poll(async () => (await g.req('GET', `/api/v1/sessions/${live}`, { auth: readKey })).body.live).toBe(true);
    const LIVE_GROUP = '120363033333333333@g.us';
    // Not stored, and WhatsApp does not know it: 404.
    expect((await g.req('GET', `/api/v1/sessions/${live}/groups/${encodeURIComponent(LIVE_GROUP)}`, { auth: readKey })).status).toBe(404);
    world.groups.set(LIVE_GROUP, {
      jid: LIVE_GROUP,
      subject: 'Climbing Crew',
      description: null,
      owner: '6280000000001@s.whatsapp.net',
      createdAt: 1_650_000_000_000,
      participants: [
        { jid: '6280000000001@s.whatsapp.net', lid: null, pn: '6280000000001@s.whatsapp.net', role: 'superadmin' },
        { jid: '177777777777777@lid', lid: '177777777777777@lid', pn: '6281234500000@s.whatsapp.net', role: 'member' },
      ],
    });
    const res = await g.req('GET', `/api/v1/sessions/${live}/groups/${encodeURIComponent(LIVE_GROUP)}`, { auth: readKey });
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('Climbing Crew');
    // The fake account's own number (fake-client.ts) is "You"; the LID member is named by the phone it maps to.
    expect(res.body.participants).toEqual([
      { jid: '6280000000001@s.whatsapp.net', lid: null, name: 'You', role: 'superadmin' },
      { jid: '6281234500000@s.whatsapp.net', lid: '177777777777777@lid', name: '+62 812 3450 0000', role: 'member' },
    ]);
    expect(g.store.lidMappings.pnForLid(live, '177777777777777@lid')).toBe('6281234500000@s.whatsapp.net');
    expect(g.store.chats.get(live, LIVE_GROUP)?.name).toBe('Climbing Crew');
    // WhatsApp stops answering (e.g. we left): the stored copy still answers.
    world.groups.delete(LIVE_GROUP);
    const stored = await g.req('GET', `/api/v1/sessions/${live}/groups/${encodeURIComponent(LIVE_GROUP)}`, { auth: readKey });
    expect(stored.status).toBe(200);
    expect(stored.body.participants).toHaveLength(2);
  });
});

describe('groups on the sandbox account (real event buffer, ingestion and adapter)', () => {
  let g: TestGateway;
  let sid: string;

  beforeAll(async () => {
    g = await startTestGateway({ config: { sandbox: { ensureSession: true, seed: 7, ratePerMinute: 0 } } });
    await vi.waitFor(
      async () => {
        const res = await g.req('GET', '/api/v1/sessions', { auth: g.token });
        const s = res.body.data.find((x: { sandbox: boolean }) => x.sandbox);
        expect(s?.status).toBe('working');
        expect(s?.sync?.state).toBe('complete');
        sid = s.id;
      },
      { timeout: 120_000, interval: 250 },
    );
    // The dirty-groups fetch after the history (groups.update) is stored too.
    await vi.waitFor(() => expect((g.store.db.prepare('SELECT count(*) AS n FROM groups WHERE session_id = ? AND owner IS NOT NULL').get(sid) as { n: number }).n).toBeGreaterThan(0), { timeout: 30_000 });
  }, 180_000);
  afterAll(() => g.close());

  it('every group: participants are exactly the people who speak in it (plus us), with roles and names, no bare LID', async () => {
    const groups = (await g.req('GET', `/api/v1/sessions/${sid}/chats?limit=200`, { auth: g.token })).body.data.filter((c: { type: string }) => c.type === 'group');
    expect(groups.length).toBeGreaterThan(5);
    let lidOnly = 0;
    for (const chat of groups) {
      const res = await g.req('GET', `/api/v1/sessions/${sid}/groups/${encodeURIComponent(chat.jid)}`, { auth: g.token });
      expect(res.status, chat.jid).toBe(200);
      const group = res.body;
      expect(group.subject).toBe(chat.name);
      expect(group.participants.filter((p: { name: string }) => p.name === 'You')).toHaveLength(1);
      expect(group.participants.filter((p: { role: string }) => p.role === 'superadmin')).toHaveLength(1);
      for (const p of group.participants) expect(p.name, `${chat.jid} ${p.jid}`).not.toMatch(BARE_LID);
      lidOnly += group.participants.filter((p: { jid: string }) => p.jid.endsWith('@lid')).length;
      // Each incoming message's sender is a participant (by phone or LID form).
      const members = new Set(group.participants.flatMap((p: { jid: string; lid: string | null }) => [p.jid, p.lid]));
      const senders = g.store.db
        .prepare('SELECT DISTINCT sender_jid AS jid, sender_lid AS lid FROM messages WHERE session_id = ? AND chat_jid = ? AND from_me = 0 AND type <> \'system\'')
        .all(sid, chat.jid) as { jid: string | null; lid: string | null }[];
      expect(senders.length).toBeGreaterThan(0);
      for (const s of senders) expect(members.has(s.jid) || members.has(s.lid), `${chat.jid}: ${s.jid ?? s.lid}`).toBe(true);
    }
    // The sandbox keeps LID-only strangers in its LID groups: they are listed by LID but named, never by the LID.
    expect(lidOnly).toBeGreaterThan(0);
  });

  it('messages in groups name their senders and mentions; none is a bare LID', async () => {
    const groups = (await g.req('GET', `/api/v1/sessions/${sid}/chats?limit=200`, { auth: g.token })).body.data.filter((c: { type: string }) => c.type === 'group');
    let mentions = 0;
    for (const chat of groups) {
      const page = await g.req('GET', `/api/v1/sessions/${sid}/chats/${encodeURIComponent(chat.jid)}/messages?limit=200`, { auth: g.token });
      for (const m of page.body.data) {
        if (!m.fromMe && (m.senderJid || m.senderLid)) {
          expect(m.senderName, m.id).toBeTruthy();
          expect(m.senderName).not.toMatch(BARE_LID);
        }
        for (const jid of m.mentions) {
          const user = jid.split('@')[0];
          if (m.mentionNames[user] === undefined) continue; // our own account: the reader shows "You"
          mentions++;
          expect(m.mentionNames[user]).not.toMatch(BARE_LID);
        }
        for (const r of m.reactions ?? []) if (r.senderName !== null) expect(r.senderName).not.toMatch(BARE_LID);
        expect(m.body).not.toMatch(/\d{12,}@lid/);
      }
    }
    expect(mentions).toBeGreaterThan(0);
  });
});
