import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('localhost safety, envelope, secrets', () => {
  let g: TestGateway;
  let key: string;
  let sessionId: string;

  beforeAll(async () => {
    g = await startTestGateway();
    key = g.key(['read', 'send', 'manage']);
    sessionId = g.session();
    g.seedChat(sessionId, '6281234567890@s.whatsapp.net', 3);
  });
  afterAll(() => g.close());

  it('refuses a foreign Host header (DNS rebinding) and foreign Origins; sends no CORS headers', async () => {
    const evil = await g.req('GET', '/healthz', { headers: { host: `evil.example:${g.info.port}` }, unchecked: true });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('forbidden');
    const wrongPort = await g.req('GET', '/api/v1/sessions', { auth: key, headers: { host: `127.0.0.1:1` }, unchecked: true });
    expect(wrongPort.status).toBe(403);
    for (const host of [`127.0.0.1:${g.info.port}`, `localhost:${g.info.port}`]) {
      expect((await g.req('GET', '/healthz', { headers: { host } })).status).toBe(200);
    }
    const foreign = await g.req('GET', '/api/v1/sessions', { auth: key, headers: { origin: 'https://evil.example' }, unchecked: true });
    expect(foreign.status).toBe(403);
    const preflight = await g.req('OPTIONS', '/api/v1/sessions', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' }, unchecked: true });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const own = await g.req('GET', '/api/v1/sessions', { auth: key, headers: { origin: g.info.url } });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('listens on loopback only', () => {
    const addr = g.running.server.address();
    expect(typeof addr === 'object' && addr?.address).toBe('127.0.0.1');
  });

  it('healthz is public and carries no data', async () => {
    const res = await g.req('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('unknown routes are 404 in the envelope', async () => {
    for (const path of ['/nope', '/api/v1/nope', '/api/v1/sessions/x/y/z']) {
      const res = await g.req('GET', path, { auth: key, unchecked: true });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'not_found', details: expect.any(Object) });
    }
  });

  it('no input tried yields a 500 or a body outside the envelope', async () => {
    const weird = [
      '%', '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd', 'a'.repeat(3000), '%00', '😀@s.whatsapp.net', "'; DROP TABLE messages; --",
    ];
    const paths = weird.flatMap((w) => [
      `/api/v1/sessions/${w}`,
      `/api/v1/sessions/${sessionId}/chats/${w}/messages`,
      `/api/v1/sessions/${sessionId}/channels/${w}/messages`,
      `/api/v1/sessions/${sessionId}/chats?limit=${w}`,
      `/api/v1/sessions/${sessionId}/chats?cursor=${w}`,
    ]);
    const bodies = ['null', '[]', '"x"', '{"state":null}', '{'.repeat(2000), '\u0000', '{"__proto__":{"x":1}}'];
    for (const path of paths) {
      const res = await g.req('GET', path, { auth: key, unchecked: true });
      expect(res.status, path).toBeLessThan(500);
      expect(res.status === 200 || (res.body?.error?.code && typeof res.body.error.message === 'string'), path).toBeTruthy();
    }
    for (const body of bodies) {
      for (const [method, path] of [
        ['PUT', `/api/v1/sessions/${sessionId}/chats/6281234567890%40s.whatsapp.net/presence`],
        ['POST', '/api/v1/sessions'],
        ['POST', '/api/v1/keys'],
        ['POST', `/api/v1/sessions/${sessionId}/messages`],
        ['POST', '/api/v1/auth/login'],
      ] as const) {
        const res = await g.req(method, path, { auth: method === 'POST' && path === '/api/v1/keys' ? g.token : key, rawBody: body, headers: { 'content-type': 'application/json' }, unchecked: true });
        expect(res.status, `${method} ${path} ${body.slice(0, 20)}`).toBeLessThan(500);
        expect(res.body?.error?.code, `${method} ${path} ${body.slice(0, 20)}`).toBeTypeOf('string');
      }
    }
    expect(g.logLines.join('')).not.toMatch(/"level":50/);
  });

  it('the raw API key is in no file under the data dir (db and wal included) and in no log line', async () => {
    const fresh = g.key(['read'], 'secret-check');
    expect((await g.req('GET', '/api/v1/sessions', { auth: fresh })).status).toBe(200);
    expect((await g.req('GET', '/api/v1/sessions', { apiKeyHeader: fresh })).status).toBe(200);
    const created = await g.req('POST', '/api/v1/keys', { auth: g.token, body: { name: 'via-api', capabilities: ['read'] } });
    const secrets = [fresh, created.body.key as string, key];
    const files = filesUnder(g.dataDir);
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const s of secrets) {
        expect(bytes.includes(Buffer.from(s)), `${s.slice(0, 8)} in ${f}`).toBe(false);
        expect(bytes.includes(Buffer.from(s.slice(3, 30))), `secret part in ${f}`).toBe(false);
      }
    }
    const logs = g.logLines.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const s of secrets) expect(logs.includes(s.slice(3, 30))).toBe(false);
  });

  it('repeated failed authentications are rate limited with Retry-After', async () => {
    let last;
    for (let i = 0; i < 25; i++) last = await g.req('GET', '/api/v1/sessions', { auth: 'wrong', unchecked: true });
    expect(last!.status).toBe(429);
    expect(last!.body.error.code).toBe('rate_limited');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  });
});
