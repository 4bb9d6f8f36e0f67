/**
 * Self-hosting: the gateway on an address other than 127.0.0.1 with a public URL (Host allow-list, origins,
 * every returned URL), and X-Forwarded-For trusted only from the configured reverse proxy. The gateway listens on a
 * non-loopback IPv4 address of this machine (what a server's LAN or public address is); a machine without one
 * falls back to 127.0.0.2, and says so. Clients connect from 127.0.0.x source addresses to play proxy and peers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { clientAddress } from '../../src-main/api/middleware/client-address.js';
import { defaultConfig } from '../../src-main/gateway/config.js';
import { createGateway } from '../../src-main/gateway/create-gateway.js';
import {
  allowedHostsFor,
  allowedOriginsFor,
  exposureWarnings,
  isLoopbackHost,
  parsePublicUrl,
  publicOrigin,
} from '../../src-main/gateway/public-url.js';

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Answer {
  status: number;
  body: any;
}

function http(
  opts: { host: string; port: number; method?: string; path: string; headers?: Record<string, string>; localAddress?: string; body?: unknown },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request(
      {
        host: opts.host,
        port: opts.port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...opts.headers },
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

describe('public URL helpers', () => {
  it('validates a public URL down to its origin', () => {
    expect(parsePublicUrl('https://GW.example.com/')).toBe('https://gw.example.com');
    expect(parsePublicUrl('http://gw.test:8080')).toBe('http://gw.test:8080');
    expect(() => parsePublicUrl('gw.example.com')).toThrow(/not a URL/);
    expect(() => parsePublicUrl('ftp://gw.example.com')).toThrow(/https/);
    expect(() => parsePublicUrl('https://gw.example.com/wagw')).toThrow(/without a path/);
    expect(() => parsePublicUrl('https://u:p@gw.example.com')).toThrow(/user name/);
  });

  it('adds the public host (with and without its default port) and origin', () => {
    const e = { host: '0.0.0.0', port: 17555, publicUrl: 'https://gw.example.com' };
    expect(allowedHostsFor(e)).toEqual(['127.0.0.1:17555', 'localhost:17555', '[::1]:17555', 'gw.example.com', 'gw.example.com:443']);
    expect(allowedOriginsFor(e, [])).toContain('https://gw.example.com');
    expect(publicOrigin(e)).toBe('https://gw.example.com');
    expect(publicOrigin({ ...e, publicUrl: null })).toBe('http://127.0.0.1:17555');
    expect(publicOrigin({ host: '::1', port: 1, publicUrl: null })).toBe('http://[::1]:1');
  });

  it('warns about a non-loopback listen address without a public URL, and about plain http on a public name', () => {
    expect(exposureWarnings({ host: '127.0.0.1', publicUrl: null })).toEqual([]);
    expect(exposureWarnings({ host: '0.0.0.0', publicUrl: 'https://gw.example.com' })).toEqual([]);
    expect(exposureWarnings({ host: '0.0.0.0', publicUrl: null })[0]).toMatch(/without --public-url/);
    expect(exposureWarnings({ host: '10.0.0.5', publicUrl: 'http://gw.example.com' })[0]).toMatch(/unencrypted/);
    expect(isLoopbackHost('127.0.0.2')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });

  it('reads X-Forwarded-For only from a trusted proxy, from the right', () => {
    const trusted = new Set(['127.0.0.1', '10.0.0.2']);
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.9', trusted)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', '198.51.100.1, 203.0.113.9, 10.0.0.2', trusted)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.5', '203.0.113.9', trusted)).toBe('127.0.0.5');
    expect(clientAddress('127.0.0.1', 'not-an-address', trusted)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', '203.0.113.9', new Set())).toBe('127.0.0.1');
  });
});

const LAN = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
if (!LAN) console.warn('[public-url] no non-loopback IPv4 address on this machine: the gateway listens on 127.0.0.2 instead');

describe(`gateway on ${LAN ?? '127.0.0.2'} (non-loopback) with --public-url http://gw.test:<port> and a trusted proxy`, () => {
  let dataDir = '';
  let port = 0;
  let gateway: ReturnType<typeof createGateway>;
  const HOST = LAN ?? '127.0.0.2';
  const PROXY = '127.0.0.3';

  beforeAll(async () => {
    if (LAN) expect(isLoopbackHost(LAN)).toBe(false);
    dataDir = mkdtempSync(join(tmpdir(), 'wagw-public-'));
    port = await freePort(HOST);
    gateway = createGateway(
      defaultConfig({ dataDir, host: HOST, port, logLevel: 'silent', publicUrl: `http://gw.test:${port}`, trustedProxies: [PROXY] }),
      { logger: pino({ level: 'silent' }) },
    );
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string>, extra: { localAddress?: string; method?: string; body?: unknown } = {}) =>
    http({ host: HOST, port, path, headers, ...extra });

  it('answers Host gw.test:<port> and refuses any other host with 403', async () => {
    expect((await get('/healthz', { host: `gw.test:${port}` })).status).toBe(200);
    const token = await gateway.mintLoginToken();
    const sessions = await get('/api/v1/sessions', { host: `gw.test:${port}`, authorization: `Bearer ${token}`, origin: `http://gw.test:${port}` });
    expect(sessions.status).toBe(200);
    for (const host of [`evil.test:${port}`, 'gw.test', `gw.test:${port + 1}`, `gw.example.com:${port}`]) {
      const r = await get('/healthz', { host });
      expect(r.status, host).toBe(403);
      expect(r.body.error.message).toBe('host not allowed');
    }
    const badOrigin = await get('/api/v1/sessions', { host: `gw.test:${port}`, authorization: `Bearer ${token}`, origin: 'http://evil.test' });
    expect(badOrigin.status).toBe(403);
  });

  it('uses the public URL in the login link, the ticket URL and the OpenAPI server URL', async () => {
    const link = gateway.createLoginLink();
    expect(link).toMatch(new RegExp(`^http://gw\\.test:${port}/#login=[\\w-]{43}$`));
    const token = await gateway.mintLoginToken();
    const ticket = await get('/api/v1/realtime/ticket', { host: `gw.test:${port}`, authorization: `Bearer ${token}` }, { method: 'POST' });
    expect(ticket.status).toBe(200);
    expect(ticket.body.url).toMatch(new RegExp(`^ws://gw\\.test:${port}/api/v1/realtime`));
    const doc = await get('/api/v1/openapi.json', { host: `gw.test:${port}` });
    expect(doc.body.servers[0].url).toBe(`http://gw.test:${port}/api/v1`);

    // The login link's code logs in through the public host, and the ticket opens the socket with Host gw.test.
    const code = link.split('#login=')[1]!;
    const login = await get('/api/v1/auth/login', { host: `gw.test:${port}` }, { method: 'POST', body: { code } });
    expect(login.status).toBe(200);
    const ws = new WebSocket(`ws://${HOST}:${port}/api/v1/realtime?ticket=${ticket.body.ticket}`, {
      headers: { host: `gw.test:${port}`, origin: `http://gw.test:${port}` },
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    ws.close();
    const other = await get('/api/v1/realtime/ticket', { host: `gw.test:${port}`, authorization: `Bearer ${token}` }, { method: 'POST' });
    const refused = new WebSocket(`ws://${HOST}:${port}/api/v1/realtime?ticket=${other.body.ticket}`, { headers: { host: `evil.test:${port}` } });
    const status = await new Promise<number>((resolve) => {
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      refused.once('open', () => resolve(101));
      refused.once('error', () => resolve(-1));
    });
    expect(status).toBe(403);
  });

  it('limits the client named by the trusted proxy, and ignores X-Forwarded-For from anyone else', async () => {
    const host = `gw.test:${port}`;
    const fail = (localAddress: string, xff?: string) =>
      get('/api/v1/sessions', { host, authorization: 'Bearer wa_wrong', ...(xff ? { 'x-forwarded-for': xff } : {}) }, { localAddress });
    // 20 failures of client A through the proxy: A is limited...
    for (let i = 0; i < 20; i++) expect((await fail(PROXY, '203.0.113.10')).status).toBe(401);
    expect((await fail(PROXY, '203.0.113.10')).status).toBe(429);
    // ...not the proxy itself: client B through the same proxy is still answered 401.
    expect((await fail(PROXY, '203.0.113.11')).status).toBe(401);
    // A non-proxy peer claiming to be A is not limited as A (its own address counts) ...
    expect((await fail('127.0.0.4', '203.0.113.10')).status).toBe(401);
    // ... and cannot escape its own limit by forging addresses.
    for (let i = 0; i < 20; i++) await fail('127.0.0.5', `198.51.100.${i}`);
    expect((await fail('127.0.0.5', '198.51.100.200')).status).toBe(429);
  });
});
