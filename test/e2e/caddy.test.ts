/**
 * Self-hosting behind a real TLS reverse proxy: Debian's Caddy with `tls internal` in front of the gateway
 * (--public-url https://gw.test:<port>, --trusted-proxy 127.0.0.1), the UI in Chromium over HTTPS (the
 * internal CA ignored), the realtime socket over wss:// through Caddy, the failure limiter keyed on the
 * client Caddy names in X-Forwarded-For, and a forged X-Forwarded-For from a non-proxy address ignored.
 * Loopback only: gw.test resolves to 127.0.0.1 inside Chromium (--host-resolver-rules) and in our requests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src-main/gateway/config.js';
import { createGateway } from '../../src-main/gateway/create-gateway.js';
import { announceSkip, CHROMIUM_PATH, E2E_HOOK_TIMEOUT, E2E_TEST_TIMEOUT, RENDERER_DIR, waitUntil } from './harness.js';

const CADDY = process.env.CADDY_PATH || '/usr/bin/caddy';
const caddyMissing = !existsSync(CADDY);
if (caddyMissing && process.env.CI === 'true') throw new Error(`no Caddy at ${CADDY}: .ci/run installs it (apt-get install -y caddy)`);
if (caddyMissing) process.stderr.write(`\n!! SKIPPED the Caddy reverse proxy suite: no Caddy at ${CADDY} (apt-get install -y caddy)\n\n`);
const skip = announceSkip('TLS reverse proxy (caddy.test.ts)') || caddyMissing;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Answer {
  status: number;
  body: string;
}

function call(
  tls: boolean,
  port: number,
  path: string,
  opts: { host: string; localAddress?: string; headers?: Record<string, string>; method?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const base = {
      host: '127.0.0.1',
      port,
      path,
      method: opts.method ?? 'GET',
      headers: { host: opts.host, ...opts.headers },
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    };
    const onResponse = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    };
    const req = tls
      ? httpsRequest({ ...base, servername: 'gw.test', rejectUnauthorized: false }, onResponse)
      : httpRequest(base, onResponse);
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(skip)('behind Caddy with tls internal', () => {
  const work = mkdtempSync(join(tmpdir(), 'wagw-caddy-'));
  let caddy: ChildProcess | undefined;
  let caddyLog = '';
  let gateway: ReturnType<typeof createGateway>;
  let browser: Browser | undefined;
  let gwPort = 0;
  let proxyPort = 0;
  let publicUrl = '';

  beforeAll(async () => {
    if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
      const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'src-renderer/vite.config.ts', '--outDir', RENDERER_DIR], {
        encoding: 'utf8',
      });
      if (build.status !== 0) throw new Error(`UI build failed: ${build.stderr}`);
    }
    gwPort = await freePort();
    proxyPort = await freePort();
    publicUrl = `https://gw.test:${proxyPort}`;
    gateway = createGateway(
      defaultConfig({
        dataDir: join(work, 'data'),
        host: '127.0.0.1',
        port: gwPort,
        logLevel: 'silent',
        rendererDir: RENDERER_DIR,
        publicUrl,
        trustedProxies: ['127.0.0.1'],
        sandbox: { ensureSession: true, seed: 1, ratePerMinute: 600 },
      }),
      { logger: pino({ level: 'silent' }) },
    );
    await gateway.start();
    writeFileSync(
      join(work, 'Caddyfile'),
      `{
\tadmin off
\tskip_install_trust
\tauto_https disable_redirects
\tstorage file_system ${join(work, 'caddy-data')}
}

${publicUrl} {
\tbind 127.0.0.1
\ttls internal
\treverse_proxy 127.0.0.1:${gwPort}
}
`,
    );
    caddy = spawn(CADDY, ['run', '--config', join(work, 'Caddyfile'), '--adapter', 'caddyfile'], {
      env: { PATH: process.env.PATH ?? '', HOME: work, XDG_DATA_HOME: join(work, 'xdg-data'), XDG_CONFIG_HOME: join(work, 'xdg-config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    caddy.stdout!.on('data', (c) => (caddyLog += c));
    caddy.stderr!.on('data', (c) => (caddyLog += c));
    await waitUntil(
      `Caddy to answer on ${publicUrl}`,
      () => {
        if (caddy!.exitCode !== null) throw new Error(`Caddy exited (${caddy!.exitCode})`);
        return call(true, proxyPort, '/healthz', { host: `gw.test:${proxyPort}` }).then((r) => r.status === 200, () => false);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${caddyLog.slice(-2000)}`);
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-quic',
        '--no-first-run',
        '--disable-dev-shm-usage',
        '--host-resolver-rules=MAP gw.test 127.0.0.1',
        '--ignore-certificate-errors',
      ],
      timeout: 60_000,
    });
  }, E2E_HOOK_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    if (caddy && caddy.exitCode === null) {
      caddy.kill('SIGTERM');
      await new Promise((r) => caddy!.once('exit', r));
    }
    await gateway?.stop();
    rmSync(work, { recursive: true, force: true });
  }, E2E_HOOK_TIMEOUT);

  it('loads the UI over HTTPS through Caddy and opens the realtime socket over wss://', async () => {
    const context = await browser!.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const log: string[] = [];
    page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on('response', (r) => log.push(`${r.status()} ${r.request().method()} ${r.url()}`));
    page.on('requestfailed', (r) => log.push(`failed ${r.url()} ${r.failure()?.errorText}`));
    const sockets: string[] = [];
    let frames = 0;
    page.on('websocket', (ws) => {
      sockets.push(ws.url());
      ws.on('framereceived', () => frames++);
    });
    // As the other browser suites do: open the UI once the sandbox session works with its history synced.
    const token = await gateway.mintLoginToken();
    await waitUntil(
      'the sandbox session to be working with its history synced',
      async () => {
        const r = await call(false, gwPort, '/api/v1/sessions', { host: `127.0.0.1:${gwPort}`, headers: { authorization: `Bearer ${token}` } });
        const s = (JSON.parse(r.body) as { data: { sandbox: boolean; status: string; sync?: { state: string } }[] }).data.find((x) => x.sandbox);
        return s?.status === 'working' && s.sync?.state === 'complete';
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const link = gateway.createLoginLink();
    expect(link.startsWith(`${publicUrl}/#login=`)).toBe(true);
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(page.url().startsWith(`${publicUrl}/`)).toBe(true);
    await page
      .getByTestId('chat-list-item')
      .first()
      .waitFor({ timeout: 90_000 })
      .catch(async (err: Error) => {
        throw new Error(`${err.message}\n${log.slice(-30).join('\n')}\n${(await page.content()).slice(0, 1500)}`);
      });
    await expect.poll(() => page.getByTestId('realtime-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('open');
    expect(sockets.some((u) => u.startsWith(`wss://gw.test:${proxyPort}/api/v1/realtime?`))).toBe(true);
    // Live sandbox messages arrive through Caddy.
    await expect.poll(() => frames, { timeout: 60_000 }).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  }, E2E_TEST_TIMEOUT);

  it('limits the client Caddy names in X-Forwarded-For, not Caddy, and ignores a forged X-Forwarded-For', async () => {
    const host = `gw.test:${proxyPort}`;
    const viaCaddy = (localAddress: string) =>
      call(true, proxyPort, '/api/v1/sessions', { host, localAddress, headers: { authorization: 'Bearer wa_wrong' } });
    for (let i = 0; i < 20; i++) expect((await viaCaddy('127.0.0.5')).status).toBe(401);
    const limited = await viaCaddy('127.0.0.5');
    expect(limited.status).toBe(429);
    // Another client through the same proxy is not limited: the limiter saw 127.0.0.5, not Caddy's 127.0.0.1.
    expect((await viaCaddy('127.0.0.6')).status).toBe(401);
    // Straight to the gateway from a non-proxy address, claiming to be the limited client: ignored.
    const forged = await call(false, gwPort, '/api/v1/sessions', {
      host,
      localAddress: '127.0.0.7',
      headers: { authorization: 'Bearer wa_wrong', 'x-forwarded-for': '127.0.0.5' },
    });
    expect(forged.status).toBe(401);
    // And the gateway's Host guard still refuses names other than the public one through Caddy's port.
    expect((await call(false, gwPort, '/healthz', { host: `evil.test:${proxyPort}` })).status).toBe(403);
  }, E2E_TEST_TIMEOUT);
});
