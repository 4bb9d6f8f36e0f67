/**
 * Connection truth over the API (issue 13): every Session carries lastError; a sandbox session told that
 * WhatsApp is unreachable fails to pair through the real adapter path (the 408 of a socket without a route),
 * retries a few times spaced out, then stops with a readable reason; default labels are distinct.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAIRING_MAX_ATTEMPTS } from '../../src-main/gateway/reconnect-policy.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('session lastError and labels over HTTP', () => {
  let g: TestGateway;
  let manage: string;

  beforeAll(async () => {
    g = await startTestGateway();
    manage = g.key(['read', 'send', 'manage']);
  });
  afterAll(async () => g.close());

  it('a new session has lastError null in every shape (create, get, list)', async () => {
    const created = await g.req('POST', '/api/v1/sessions', { auth: manage, body: {} });
    expect(created.status).toBe(201);
    expect(created.body.lastError).toBeNull();
    expect((await g.req('GET', `/api/v1/sessions/${created.body.id}`, { auth: manage })).body.lastError).toBeNull();
    const list = await g.req('GET', '/api/v1/sessions', { auth: manage });
    expect(list.body.data.every((s: { lastError: unknown }) => s.lastError === null)).toBe(true);
  });

  it('default labels: "Sandbox", "Sandbox 2", ... and "WhatsApp N"; a given label wins', async () => {
    const labels: string[] = [];
    for (const body of [{ sandbox: true }, { sandbox: true }, { sandbox: true, label: 'Demo' }, { sandbox: true }, {}]) {
      labels.push((await g.req('POST', '/api/v1/sessions', { auth: manage, body })).body.label);
    }
    expect(labels).toEqual(['Sandbox', 'Sandbox 2', 'Demo', 'Sandbox 3', 'WhatsApp 2']);
  });

  it('sandbox:network is for sandbox sessions with manage; its body is checked', async () => {
    const sandbox = (await g.req('POST', '/api/v1/sessions', { auth: manage, body: { sandbox: true } })).body.id;
    const real = (await g.req('POST', '/api/v1/sessions', { auth: manage, body: {} })).body.id;
    const path = (id: string) => `/api/v1/sessions/${id}/sandbox:network`;
    expect((await g.req('POST', path(sandbox), { auth: g.key(['read']), body: { reachable: false } })).status).toBe(403);
    expect((await g.req('POST', path(real), { auth: manage, body: { reachable: false } })).status).toBe(404);
    expect((await g.req('POST', path(sandbox), { auth: manage, body: { reachable: 'no' } })).status).toBe(400);
    expect((await g.req('POST', path(sandbox), { auth: manage, body: {} })).status).toBe(400);
    const res = await g.req('POST', path(sandbox), { auth: manage, body: { reachable: false } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ reachable: false, paired: false });
    expect((await g.req('GET', `/api/v1/sessions/${sandbox}/sandbox`, { auth: manage })).body.reachable).toBe(false);
  });

  it('unreachable WhatsApp: a few spaced-out pairing attempts, then failed with "Can\'t reach WhatsApp (timeout)"; Retry works once it is back', async () => {
    const id = (await g.req('POST', '/api/v1/sessions', { auth: manage, body: { sandbox: true } })).body.id;
    await g.req('POST', `/api/v1/sessions/${id}/sandbox:network`, { auth: manage, body: { reachable: false } });
    expect((await g.req('POST', `/api/v1/sessions/${id}:start`, { auth: manage })).status).toBe(200);
    // A client asking for the QR meanwhile starts nothing more.
    for (let i = 0; i < 10; i++) expect((await g.req('GET', `/api/v1/sessions/${id}/qr`, { auth: manage })).status).toBe(404);
    await expect
      .poll(async () => (await g.req('GET', `/api/v1/sessions/${id}`, { auth: manage })).body.status, { timeout: 60_000, interval: 250 })
      .toBe('failed');
    const failed = (await g.req('GET', `/api/v1/sessions/${id}`, { auth: manage })).body;
    expect(failed.lastError).toEqual({ code: 'unreachable', reason: "Can't reach WhatsApp (timeout)", at: expect.any(Number) });
    const mine = g.logLines.filter((l) => l.includes(id));
    expect(mine.filter((l) => l.includes('"msg":"reconnecting"'))).toHaveLength(PAIRING_MAX_ATTEMPTS - 1);
    expect(mine.filter((l) => l.includes('connection closed; not reconnecting'))).toHaveLength(1);
    expect(mine.filter((l) => l.includes('WebSocket Error (connect ETIMEDOUT'))).not.toHaveLength(0);

    await g.req('POST', `/api/v1/sessions/${id}/sandbox:network`, { auth: manage, body: { reachable: true } });
    expect((await g.req('POST', `/api/v1/sessions/${id}:start`, { auth: manage })).status).toBe(200);
    await expect
      .poll(async () => (await g.req('GET', `/api/v1/sessions/${id}`, { auth: manage })).body, { timeout: 30_000, interval: 250 })
      .toMatchObject({ status: 'scan_qr_code', lastError: null });
    expect((await g.req('GET', `/api/v1/sessions/${id}/qr`, { auth: manage })).status).toBe(200);
  }, 90_000);
});
