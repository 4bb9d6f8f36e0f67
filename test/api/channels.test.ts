import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, textRecord, type TestGateway } from '../helpers/gateway.js';
import { fakeWorld } from '../helpers/fake-client.js';

const CHANNEL = '120363012345678901@newsletter';
const CHANNEL_ENC = '120363012345678901%40newsletter';
const EMPTY_CHANNEL = '120363099999999999@newsletter';

describe('channels over HTTP', () => {
  let g: TestGateway;
  let idle: string; // a session with no live client
  let readKey: string;
  let sendKey: string;
  const world = fakeWorld();

  beforeAll(async () => {
    g = await startTestGateway({ baileysFactory: world.factory });
    idle = g.session('idle');
    for (const s of [idle]) {
      g.store.channels.upsert(s, { jid: CHANNEL, name: 'News', description: 'd', subscribers: 10, following: true });
      g.store.channels.upsert(s, { jid: EMPTY_CHANNEL, name: 'Quiet' });
      g.store.transaction(() => {
        for (let i = 0; i < 75; i++) {
          g.store.messages.insert(s, { ...textRecord(CHANNEL, `p${i}`, 1_700_000_000_000 + i * 60_000, `post ${i}`), senderJid: null, senderName: null });
        }
        g.store.channels.touch(s, CHANNEL, 1_700_000_000_000 + 74 * 60_000);
      });
    }
    readKey = g.key(['read']);
    sendKey = g.key(['send']);
  });
  afterAll(() => g.close());

  it('channel messages need send (403 with read only), 401 without credential', async () => {
    const url = `/api/v1/sessions/${idle}/channels/${CHANNEL_ENC}/messages`;
    expect((await g.req('GET', url)).status).toBe(401);
    const res = await g.req('GET', url, { auth: readKey });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('pages stored posts newest first; raw @ works; an empty known channel is an empty page', async () => {
    const first = await g.req('GET', `/api/v1/sessions/${idle}/channels/${CHANNEL_ENC}/messages`, { auth: sendKey });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(50);
    expect(first.body.data[0].body).toBe('post 74');
    const second = await g.req('GET', `/api/v1/sessions/${idle}/channels/${CHANNEL}/messages?cursor=${encodeURIComponent(first.body.nextCursor)}`, { auth: sendKey });
    expect(second.body.data).toHaveLength(25);
    expect(second.body.data[24].body).toBe('post 0');
    expect(second.body.nextCursor).toBeNull();
    const empty = await g.req('GET', `/api/v1/sessions/${idle}/channels/${EMPTY_CHANNEL}/messages`, { auth: sendKey });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ data: [], nextCursor: null });
  });

  it('404 for an unknown channel or session', async () => {
    expect((await g.req('GET', `/api/v1/sessions/${idle}/channels/120363000000000000%40newsletter/messages`, { auth: sendKey })).status).toBe(404);
    expect((await g.req('GET', `/api/v1/sessions/01HZZZZZZZZZZZZZZZZZZZZZZZ/channels/${CHANNEL_ENC}/messages`, { auth: sendKey })).status).toBe(404);
  });

  it('lists channels', async () => {
    const res = await g.req('GET', `/api/v1/sessions/${idle}/channels`, { auth: readKey });
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: { jid: string }) => c.jid)).toEqual([CHANNEL, EMPTY_CHANNEL]);
    expect(res.body.data[0]).toMatchObject({ name: 'News', following: true, subscribers: 10 });
  });

  it('create and follow answer 501 without a live client, before looking at the body; nothing persisted', async () => {
    const create = await g.req('POST', `/api/v1/sessions/${idle}/channels`, { auth: sendKey, body: { name: 'X' } });
    expect(create.status).toBe(501);
    expect(create.body.error.code).toBe('not_implemented');
    const garbage = await g.req('POST', `/api/v1/sessions/${idle}/channels`, { auth: sendKey, rawBody: '{nope', headers: { 'content-type': 'application/json' } });
    expect(garbage.status).toBe(501);
    const follow = await g.req('POST', `/api/v1/sessions/${idle}/channels/${CHANNEL_ENC}:follow`, { auth: sendKey });
    expect(follow.status).toBe(501);
    expect(world.created).toHaveLength(0);
    expect(world.follows).toHaveLength(0);
    expect((await g.req('POST', `/api/v1/sessions/${idle}/channels`, { auth: readKey, body: { name: 'X' } })).status).toBe(403);
    expect((await g.req('POST', `/api/v1/sessions/01HZZZZZZZZZZZZZZZZZZZZZZZ/channels`, { auth: sendKey, body: { name: 'X' } })).status).toBe(404);
  });

  it('with a live client: create 201 with an @newsletter jid (not idempotent), 400 on a bad name; follow 204 twice', async () => {
    const manage = g.key(['manage']);
    const created = await g.req('POST', '/api/v1/sessions', { auth: manage, body: { label: 'live', start: true } });
    expect(created.status).toBe(201);
    const live = created.body.id;
    await expect.poll(async () => (await g.req('GET', `/api/v1/sessions/${live}`, { auth: readKey })).body.live).toBe(true);
    const a = await g.req('POST', `/api/v1/sessions/${live}/channels`, { auth: sendKey, body: { name: 'Mine', description: 'about' } });
    expect(a.status).toBe(201);
    expect(a.body.jid).toMatch(/@newsletter$/);
    const b = await g.req('POST', `/api/v1/sessions/${live}/channels`, { auth: sendKey, body: { name: 'Mine' } });
    expect(b.body.jid).not.toBe(a.body.jid);
    for (const body of [{}, { name: '' }, { name: 5 }, { name: 'x', bogus: 1 }]) {
      const bad = await g.req('POST', `/api/v1/sessions/${live}/channels`, { auth: sendKey, body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    for (let i = 0; i < 2; i++) {
      const f = await g.req('POST', `/api/v1/sessions/${live}/channels/${CHANNEL_ENC}:follow`, { auth: sendKey });
      expect(f.status).toBe(204);
      expect(f.text).toBe('');
    }
    expect(world.follows).toEqual([CHANNEL, CHANNEL]);
    expect((await g.req('POST', `/api/v1/sessions/${live}/channels/not-a-channel:follow`, { auth: sendKey })).status).toBe(400);
    // presence and send now reach the client
    expect((await g.req('PUT', `/api/v1/sessions/${live}/chats/6281234567890%40s.whatsapp.net/presence`, { auth: sendKey, body: { state: 'composing' } })).status).toBe(204);
    expect(world.presence.at(-1)).toMatchObject({ jid: '6281234567890@s.whatsapp.net', state: 'composing' });
    const sent = await g.req('POST', `/api/v1/sessions/${live}/messages`, { auth: sendKey, body: { type: 'text', to: '6281234567890@s.whatsapp.net', text: 'hi' } });
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('pending');
  });

  it('send without a live client is 501; a bad body is 400', async () => {
    const url = `/api/v1/sessions/${idle}/messages`;
    expect((await g.req('POST', url, { auth: sendKey, body: { type: 'text', to: '6281234567890@s.whatsapp.net', text: 'hi' } })).status).toBe(501);
    expect((await g.req('POST', url, { auth: sendKey, body: { type: 'image', to: 'x', text: 'hi' } })).status).toBe(400);
    expect((await g.req('POST', url, { auth: sendKey, body: { type: 'text', to: 'nobody', text: 'hi' } })).status).toBe(400);
  });
});
