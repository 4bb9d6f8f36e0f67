/**
 * `wagw login-link` next to a running gateway (same data dir, another "process": the code goes through the
 * database) and `wagw doctor` against a running gateway with and without a public URL.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src-main/cli/commands/doctor.js';
import { main } from '../../src-main/cli/wagw.js';
import { defaultConfig } from '../../src-main/gateway/config.js';
import { createGateway } from '../../src-main/gateway/create-gateway.js';

const HOST = '127.0.0.2';
let dataDir = '';
let port = 0;
let gateway: ReturnType<typeof createGateway>;

function freePort(host: string): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, host, () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wagw-remote-cli-'));
  port = await freePort(HOST);
  gateway = createGateway(defaultConfig({ dataDir, host: HOST, port, logLevel: 'silent', publicUrl: `http://gw.test:${port}` }), {
    logger: pino({ level: 'silent' }),
  });
  await gateway.start();
});

afterAll(async () => {
  await gateway?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const login = (code: string) =>
  fetch(`http://${HOST}:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });

describe('wagw login-link', () => {
  it('prints a link on the public URL whose code the running gateway accepts once', async () => {
    const r = await run(['login-link', '--data-dir', dataDir, '--public-url', `http://gw.test:${port}`]);
    expect(r.code).toBe(0);
    const link = r.out[1]!;
    expect(link).toMatch(new RegExp(`^http://gw\\.test:${port}/#login=[\\w-]{43}$`));
    const code = link.split('#login=')[1]!;
    // fetch cannot set Host: the gateway also answers its listen address.
    expect((await login(code)).status).toBe(200);
    expect((await login(code)).status).toBe(401);
  });

  it('defaults to the local address when no public URL is configured', async () => {
    const r = await run(['login-link', '--data-dir', dataDir, '--port', String(port)]);
    expect(r.out[1]).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/#login=`));
  });
});

describe('wagw login-link without address flags (issue 13)', () => {
  it('names the port the running gateway really got (here a free one, --port 0), and its code signs in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wagw-login-link-'));
    const gw = createGateway(defaultConfig({ dataDir: dir, port: 0, logLevel: 'silent' }), { logger: pino({ level: 'silent' }) });
    try {
      const info = await gw.start();
      expect(info.port).not.toBe(7480);
      const r = await run(['login-link', '--data-dir', dir]);
      expect(r.code).toBe(0);
      expect(r.err).toEqual([]);
      expect(r.out[1]).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${info.port}/#login=[\\w-]{43}$`));
      const code = r.out[1]!.split('#login=')[1]!;
      const res = await fetch(`${info.apiBase}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
      expect(res.status).toBe(200);
    } finally {
      await gw.stop();
    }
    // Stopped: the link falls back to the configured address and says that no gateway runs there.
    const r = await run(['login-link', '--data-dir', dir]);
    expect(r.out[1]).toMatch(/^http:\/\/127\.0\.0\.1:7480\/#login=/);
    expect(r.err.join('\n')).toMatch(/No gateway is running on/);
    rmSync(dir, { recursive: true, force: true });
  });
});

/** An IPv4 address of this machine that is not loopback (a server's LAN or public address), if it has one. */
function nonLoopbackAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}
const LAN = nonLoopbackAddress();
if (!LAN) console.warn('[remote-cli] this machine has no non-loopback IPv4 address: the https public-URL test is skipped');

describe.skipIf(!LAN)('a gateway on a non-loopback address behind an https:// public URL', () => {
  it('login-link without flags prints the public URL; gateway.json names the listener for local processes and goes at stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wagw-https-public-'));
    const lanPort = await freePort(LAN!);
    const gw = createGateway(defaultConfig({ dataDir: dir, host: LAN!, port: lanPort, logLevel: 'silent', publicUrl: 'https://gw.example.com' }), {
      logger: pino({ level: 'silent' }),
    });
    try {
      await gw.start();
      const r = await run(['login-link', '--data-dir', dir]);
      expect(r.code).toBe(0);
      expect(r.err).toEqual([]);
      expect(r.out[1]).toMatch(/^https:\/\/gw\.example\.com\/#login=[\w-]{43}$/);
      // The code works at the listener itself (what the proxy forwards to), once.
      const code = r.out[1]!.split('#login=')[1]!;
      const signIn = () =>
        fetch(`http://${LAN}:${lanPort}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
      expect((await signIn()).status).toBe(200);
      expect((await signIn()).status).toBe(401);
    } finally {
      await gw.stop();
    }
    expect(existsSync(join(dir, 'gateway.json'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('wagw doctor', () => {
  it('passes the reachability, Host and clock checks, and fails TLS for a plain-http public name', async () => {
    const checks = await runDoctor({ url: `http://${HOST}:${port}`, publicUrl: `http://gw.test:${port}`, dataDir, insecure: false });
    const by = Object.fromEntries(checks.map((c) => [c.name, c.level]));
    expect(by).toEqual({
      reachable: 'ok',
      'host accepted': 'ok',
      'time in sync': 'ok',
      'TLS in front': 'fail',
      'data dir writable': 'ok',
      'disk space': expect.stringMatching(/ok|warn/),
    });
    const r = await run(['doctor', '--url', `http://${HOST}:${port}`, '--public-url', `http://gw.test:${port}`, '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/FAIL  TLS in front: http:\/\/gw\.test:\d+ is plain http/);
  });

  it('fails "host accepted" for a public name the gateway does not know, and "reachable" when nothing listens', async () => {
    const checks = await runDoctor({ url: `http://${HOST}:${port}`, publicUrl: 'https://other.example.com', dataDir, insecure: false });
    expect(checks.find((c) => c.name === 'host accepted')).toMatchObject({ level: 'fail', detail: expect.stringMatching(/--public-url/) });
    const dead = await freePort('127.0.0.1');
    const down = await runDoctor({ url: `http://127.0.0.1:${dead}`, publicUrl: null, dataDir, insecure: false, timeoutMs: 2000 });
    expect(down.find((c) => c.name === 'reachable')?.level).toBe('fail');
  });

  it('passes everything for a loopback gateway reached by its own address', async () => {
    const r = await run(['doctor', '--url', `http://${HOST}:${port}`, '--data-dir', dataDir]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toBe('All checks passed.');
  });
});
