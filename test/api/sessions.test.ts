import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fakeWorld } from '../helpers/fake-client.js';

describe('sessions and API keys over HTTP', () => {
  let g: TestGateway;
  let manage: string;
  let read: string;
  const world = fakeWorld({ pairImmediately: false });

  beforeAll(async () => {
    g = await startTestGateway({ baileysFactory: world.factory });
    manage = g.key(['read', 'manage']);
    read = g.key(['read']);
  });
  afterAll(() => g.close());

  it('creates, lists, gets, and deletes sessions (manage needed to create)', async () => {
    expect((await g.req('POST', '/api/v1/sessions', { auth: read, body: {} })).status).toBe(403);
    const created = await g.req('POST', '/api/v1/sessions', { auth: manage, body: { label: 'Phone' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ label: 'Phone', status: 'stopped', live: false, sandbox: false, organizationId: g.organizationId });
    const again = await g.req('POST', '/api/v1/sessions', { auth: manage });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(created.body.id);
    const list = await g.req('GET', '/api/v1/sessions', { auth: read });
    expect(list.body.data.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([created.body.id, again.body.id]));
    expect((await g.req('GET', `/api/v1/sessions/${created.body.id}`, { auth: read })).body.label).toBe('Phone');
    expect((await g.req('POST', '/api/v1/sessions', { auth: manage, body: { label: 7 } })).status).toBe(400);
    expect((await g.req('POST', '/api/v1/sessions', { auth: manage, body: { wat: true } })).status).toBe(400);
    expect((await g.req('DELETE', `/api/v1/sessions/${again.body.id}`, { auth: read })).status).toBe(403);
    const del = await g.req('DELETE', `/api/v1/sessions/${again.body.id}`, { auth: manage });
    expect(del.status).toBe(204);
    expect((await g.req('GET', `/api/v1/sessions/${again.body.id}`, { auth: read })).status).toBe(404);
  });

  it('pairing walk: qr 404 until a code exists, then the code; me is 404 unpaired; stop and logout idempotent', async () => {
    const s = (await g.req('POST', '/api/v1/sessions', { auth: manage, body: { label: 'pair' } })).body.id;
    const first = await g.req('GET', `/api/v1/sessions/${s}/qr`, { auth: manage });
    // The fake client emits its QR synchronously on connect, so the second call has it.
    expect([200, 404]).toContain(first.status);
    await expect.poll(async () => (await g.req('GET', `/api/v1/sessions/${s}/qr`, { auth: manage })).status).toBe(200);
    const qr = await g.req('GET', `/api/v1/sessions/${s}/qr`, { auth: manage });
    expect(qr.body.code).toBe('QR-1');
    expect((await g.req('GET', `/api/v1/sessions/${s}`, { auth: read })).body.status).toBe('scan_qr_code');
    expect((await g.req('GET', `/api/v1/sessions/${s}/me`, { auth: read })).status).toBe(404);
    const code = await g.req('POST', `/api/v1/sessions/${s}/pairing-code`, { auth: manage, body: { phone: '6281234567890' } });
    expect(code.status).toBe(200);
    expect(code.body.code).toBe('ABCD1234');
    expect((await g.req('POST', `/api/v1/sessions/${s}/pairing-code`, { auth: manage, body: { phone: '+62 812' } })).status).toBe(400);
    for (let i = 0; i < 2; i++) {
      const stop = await g.req('POST', `/api/v1/sessions/${s}:stop`, { auth: manage });
      expect(stop.status).toBe(200);
      expect(stop.body.status).toBe('stopped');
    }
    for (let i = 0; i < 2; i++) {
      const out = await g.req('POST', `/api/v1/sessions/${s}:logout`, { auth: manage });
      expect(out.status).toBe(200);
      expect(out.body.status).toBe('logged_out');
    }
    expect((await g.req('POST', `/api/v1/sessions/${s}:start`, { auth: read })).status).toBe(403);
    const start = await g.req('POST', `/api/v1/sessions/${s}:start`, { auth: manage });
    expect(start.status).toBe(200);
    const restart = await g.req('POST', `/api/v1/sessions/${s}:restart`, { auth: manage });
    expect(restart.status).toBe(200);
  });

  it('a paired session: qr and pairing-code are 409; me answers', async () => {
    const s = g.session('paired');
    g.store.sessions.update(s, { waJid: '6280000000009@s.whatsapp.net', phoneNumber: '6280000000009' });
    expect((await g.req('GET', `/api/v1/sessions/${s}/qr`, { auth: manage })).status).toBe(409);
    expect((await g.req('POST', `/api/v1/sessions/${s}/pairing-code`, { auth: manage, body: { phone: '6281234567890' } })).status).toBe(409);
    const me = await g.req('GET', `/api/v1/sessions/${s}/me`, { auth: read });
    expect(me.body).toMatchObject({ connected: false, phoneNumber: '6280000000009', sessionId: s });
  });

  it('API keys: a login JWT with manage creates (secret once), lists and revokes; an API key gets 403', async () => {
    expect((await g.req('GET', '/api/v1/keys', { auth: manage })).status).toBe(403);
    expect((await g.req('POST', '/api/v1/keys', { auth: manage, body: { name: 'x', capabilities: ['read'] } })).status).toBe(403);
    const created = await g.req('POST', '/api/v1/keys', { auth: g.token, body: { name: 'script', capabilities: ['read', 'send'] } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^wa_/);
    const list = await g.req('GET', '/api/v1/keys', { auth: g.token });
    const entry = list.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(entry).toMatchObject({ name: 'script', capabilities: ['read', 'send'], lastUsedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect((await g.req('GET', '/api/v1/sessions', { auth: created.body.key })).status).toBe(200);
    const used = (await g.req('GET', '/api/v1/keys', { auth: g.token })).body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(used.lastUsedAt).toBeTypeOf('number');
    expect((await g.req('POST', '/api/v1/keys', { auth: g.token, body: { name: 'x', capabilities: ['root'] } })).status).toBe(400);
    expect((await g.req('DELETE', `/api/v1/keys/${created.body.id}`, { auth: g.token })).status).toBe(204);
    expect((await g.req('DELETE', `/api/v1/keys/${created.body.id}`, { auth: g.token })).status).toBe(404);
    expect((await g.req('GET', '/api/v1/sessions', { auth: created.body.key })).status).toBe(401);
  });

  it('browser login: a one-time code becomes a JWT once; its refresh token renews it', async () => {
    const link = g.gateway.createLoginLink();
    const code = decodeURIComponent(link.split('#login=')[1]!);
    const login = await g.req('POST', '/api/v1/auth/login', { body: { code } });
    expect(login.status).toBe(200);
    expect((await g.req('GET', '/api/v1/sessions', { auth: login.body.token })).status).toBe(200);
    expect((await g.req('POST', '/api/v1/auth/login', { body: { code } })).status).toBe(401);
    const refreshed = await g.req('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.token).toMatch(/^ey/);
    // The bearer token alone renews nothing (test/api/auth-refresh.test.ts has the rest).
    expect((await g.req('POST', '/api/v1/auth/refresh', { auth: login.body.token })).status).toBe(400);
  });

  it('JWKS verifies our login tokens and carries no private key', async () => {
    const res = await g.req('GET', '/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.body.keys.length).toBeGreaterThan(0);
    expect(JSON.stringify(res.body)).not.toMatch(/"d"/);
    const { createLocalJWKSet, jwtVerify } = await import('jose');
    const { payload } = await jwtVerify(g.token, createLocalJWKSet(res.body), { algorithms: ['EdDSA'] });
    expect(payload.org).toBe(g.organizationId);
  });
});
