/**
 * End-to-end harness: a real gateway in this process (real SQLite file in a temp dir, real HTTP on 127.0.0.1
 * port 0, the sandbox account behind the real Baileys adapter and ingestor) serving the BUILT renderer
 * (out/renderer), driven in the system's Chromium through playwright-core. Nothing is mocked.
 *
 * Chromium is never downloaded: CHROMIUM_PATH (set by `npm test`) or /usr/bin/chromium. When it is missing,
 * or WAGW_SKIP_BROWSER=1, the suites skip themselves and say so loudly (see `browserSkipReason`).
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { defaultConfig, type GatewayConfig } from '../../src-main/gateway/config.js';
import { createGateway, type RunningGateway } from '../../src-main/gateway/create-gateway.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** Generous: a 2-core shared CI machine running other suites at the same time. */
export const E2E_TEST_TIMEOUT = 120_000;
export const E2E_HOOK_TIMEOUT = 180_000;

/** Why the browser suites cannot run here, or null when they can. */
export const browserSkipReason: string | null =
  process.env.WAGW_SKIP_BROWSER === '1'
    ? 'WAGW_SKIP_BROWSER=1 is set'
    : !existsSync(CHROMIUM_PATH)
      ? `no Chromium at ${CHROMIUM_PATH} (install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH)`
      : null;

/** Prints a banner nobody can miss when a browser suite is skipped; returns whether to skip. */
export function announceSkip(suite: string): boolean {
  if (browserSkipReason === null) return false;
  const line = '!'.repeat(78);
  process.stderr.write(
    `\n${line}\n!! SKIPPED the end-to-end browser suite "${suite}": ${browserSkipReason}.\n` +
      '!! The desktop UI was NOT tested in a browser in this run.\n' +
      `${line}\n\n`,
  );
  return true;
}

/**
 * Where screenshots go. By default out/screenshots (ignored by git) so a test run does not dirty the tree;
 * WAGW_UPDATE_SCREENSHOTS=1 writes the committed ones in docs/screenshots.
 */
export function screenshotDir(): string {
  const dir =
    process.env.WAGW_UPDATE_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs', 'screenshots') : join(REPO_ROOT, 'out', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Polls `probe` until it returns a truthy value; fails with `what` and the last value after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  probe: () => T | Promise<T>,
  { timeoutMs = 60_000, intervalMs = 200 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface ApiResult {
  status: number;
  body: any;
}

export interface E2eGateway {
  url: string;
  apiBase: string;
  running: RunningGateway;
  /** Owner login JWT minted by the gateway (what Electron's preload would hand out). */
  token: string;
  /** The auto-paired sandbox session, already working with its history synced. */
  sessionId: string;
  /** A one-time `#login=` link for the browser. */
  loginLink(): string;
  /** fetch against /api/v1 with the owner token (or `auth`), JSON body parsed. */
  api(method: string, path: string, opts?: { body?: unknown; auth?: string }): Promise<ApiResult>;
  close(): Promise<void>;
}

/**
 * Starts a gateway with the sandbox account and waits until its session is working and the history sync is
 * complete (the UI then shows a stable, full inbox).
 */
export async function startE2eGateway({
  ratePerMinute = 0,
  seed = 1,
  config = {},
}: { ratePerMinute?: number; seed?: number; config?: Partial<GatewayConfig> } = {}): Promise<E2eGateway> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`no built UI in ${RENDERER_DIR}: run \`npx vite build --config src-renderer/vite.config.ts\` (npm test does it)`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'wagw-e2e-'));
  const gateway = createGateway(
    defaultConfig({
      dataDir,
      port: 0,
      logLevel: 'silent',
      rendererDir: RENDERER_DIR,
      sandbox: { ensureSession: true, seed, ratePerMinute },
      ...config,
    }),
    { logger: pino({ level: 'silent' }) },
  );
  let started = false;
  try {
    const info = await gateway.start();
    started = true;
    const token = await gateway.mintLoginToken();
    const api = async (method: string, path: string, opts: { body?: unknown; auth?: string } = {}): Promise<ApiResult> => {
      const headers: Record<string, string> = { authorization: `Bearer ${opts.auth ?? token}` };
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${info.apiBase}${path}`, {
        method,
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      return { status: res.status, body };
    };
    const session = await waitUntil(
      'the sandbox session to be working with its history synced',
      async () => {
        const res = await api('GET', '/sessions');
        const s = res.body?.data?.find((x: any) => x.sandbox);
        return s && s.status === 'working' && s.sync?.state === 'complete' ? s : null;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    return {
      url: info.url,
      apiBase: info.apiBase,
      running: gateway.running()!,
      token,
      sessionId: session.id as string,
      loginLink: () => gateway.createLoginLink(),
      api,
      async close() {
        await gateway.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (started) await gateway.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

export interface E2eBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors of the page (a UI bug shows up here). */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<E2eBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // launch() gives every run a fresh temporary user-data dir, removed on close.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
    timeout: 60_000,
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC' });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`console.error: ${msg.text()}`);
    });
    return {
      browser,
      context,
      page,
      pageErrors,
      async close() {
        await browser.close();
      },
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

export interface E2eSuite {
  /** The suite's gateway (valid inside tests, after beforeAll). */
  readonly gw: E2eGateway;
  /** The suite's browser (valid inside tests, after beforeAll). */
  readonly browser: E2eBrowser;
}

/**
 * Registers a browser suite's hooks: a gateway on the sandbox (then `prepare`, e.g. seeding data), a browser,
 * and after every test a check that the page logged no error (but those matching `expectedErrors`).
 */
export function useE2eSuite(options: {
  ratePerMinute?: number;
  /** Gateway settings besides the sandbox's (e.g. a slow search indexer). */
  config?: Partial<GatewayConfig>;
  prepare?: (gw: E2eGateway) => void | Promise<void>;
  expectedErrors?: RegExp;
} = {}): E2eSuite {
  let gw: E2eGateway | undefined;
  let browser: E2eBrowser | undefined;
  beforeAll(async () => {
    gw = await startE2eGateway({ ratePerMinute: options.ratePerMinute ?? 0, ...(options.config ? { config: options.config } : {}) });
    await options.prepare?.(gw);
    browser = await launchBrowser();
  }, E2E_HOOK_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  }, E2E_HOOK_TIMEOUT);
  afterEach(() => {
    const errors = (browser?.pageErrors.splice(0) ?? []).filter((e) => !options.expectedErrors?.test(e));
    expect(errors, 'errors in the page').toEqual([]);
  });
  return {
    get gw() {
      if (!gw) throw new Error('the e2e gateway is not started (use it inside a test)');
      return gw;
    },
    get browser() {
      if (!browser) throw new Error('the e2e browser is not started (use it inside a test)');
      return browser;
    },
  };
}

/** Opens the app with a fresh one-time login link and waits for the inbox with its chat list. */
export async function openInbox(page: Page, gw: E2eGateway): Promise<void> {
  // Via about:blank: going from the app to a link that differs only in its #hash would not reload the app.
  await page.goto('about:blank');
  await page.goto(gw.loginLink());
  await page.getByTestId('chat-list-item').first().waitFor();
  // The login code must leave the address bar at once (it is single-use, but still a secret).
  if (page.url().includes('login=')) throw new Error(`login code still in the address bar: ${page.url()}`);
}

/** The chat with the most stored messages in a session (the sandbox's long family group). */
export function longestChat(gw: E2eGateway): { jid: string; count: number } {
  const row = gw.running.store.db
    .prepare(
      `SELECT chat_jid AS jid, count(*) AS count FROM messages
       WHERE session_id = ? AND chat_jid NOT LIKE '%@newsletter' GROUP BY chat_jid ORDER BY count DESC LIMIT 1`,
    )
    .get(gw.sessionId) as { jid: string; count: number } | undefined;
  if (!row) throw new Error('the sandbox session has no stored chat');
  return row;
}

/** A selector for one element with a data-testid and a data attribute value. */
export function byTestIdAttr(testId: string, attr: string, value: string): string {
  return `[data-testid="${testId}"][${attr}="${value.replace(/["\\]/g, '\\$&')}"]`;
}
