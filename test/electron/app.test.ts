/**
 * The desktop lifecycle against a fake 'electron' and a fake gateway: what the app asks Electron for
 * (window preferences, CSP, guards, IPC, tray) and how it starts, refuses a second instance and shuts down.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GatewayConfig } from '../../src-main/gateway/config.js';
import type { ConnectionSummary, Gateway, GatewayInfo } from '../../src-main/gateway/types.js';
import { IPC_GET_TOKEN, IPC_OPEN_DOCUMENT } from '../../src-main/preload/api.js';
import { FakeBrowserWindow, FakeTray, fakeEvent, resetFakeElectron, state } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electronModule);
// The real composition root is not under test here (and pulls in the whole gateway); every test passes its own.
vi.mock('../../src-main/gateway/create-gateway.js', () => ({
  createGateway: () => {
    throw new Error('tests must pass createGateway');
  },
}));

const { runDesktopApp } = await import('../../src-main/electron/app.js');

const exp = Math.floor(Date.now() / 1000) + 300;
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const TOKEN = `${b64({ alg: 'ES256' })}.${b64({ sub: 'owner', exp })}.c2ln`;

interface FakeGateway extends Gateway {
  config: GatewayConfig;
  stops: number;
  emit(summary: ConnectionSummary): void;
  listenerCount(): number;
}

function fakeGateway(config: GatewayConfig, behaviour: { startError?: unknown; stop?: () => Promise<void> } = {}): FakeGateway {
  const listeners = new Set<(s: ConnectionSummary) => void>();
  const port = config.port === 0 ? 51234 : config.port;
  const info: GatewayInfo = {
    url: `http://127.0.0.1:${port}`,
    apiBase: `http://127.0.0.1:${port}/api/v1`,
    host: '127.0.0.1',
    port,
    dataDir: config.dataDir,
  };
  const gateway: FakeGateway = {
    config,
    stops: 0,
    async start() {
      if (behaviour.startError) throw behaviour.startError;
      return info;
    },
    async stop() {
      gateway.stops += 1;
      await behaviour.stop?.();
    },
    async mintLoginToken() {
      return TOKEN;
    },
    createLoginLink: () => `${info.url}/login#x`,
    onConnectionSummary(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (summary) => listeners.forEach((l) => l(summary)),
    listenerCount: () => listeners.size,
  };
  return gateway;
}

let dir: string;
let created: FakeGateway[];
let paths: { preload: string; renderer: string; resources: string };

function start(
  options: { argv?: string[]; env?: Record<string, string>; behaviours?: Parameters<typeof fakeGateway>[1][]; shutdownTimeoutMs?: number } = {},
) {
  const behaviours = [...(options.behaviours ?? [])];
  return runDesktopApp({
    createGateway: (config) => {
      const gateway = fakeGateway(config, behaviours.shift());
      created.push(gateway);
      return gateway;
    },
    argv: options.argv ?? ['electron', '.'],
    env: options.env ?? {},
    paths,
    handleSignals: false,
    ...(options.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: options.shutdownTimeoutMs } : {}),
  });
}

let warnings: string[];

beforeEach(() => {
  resetFakeElectron();
  warnings = [];
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.join(' ')));
  created = [];
  dir = mkdtempSync(join(tmpdir(), 'wagw-electron-app-'));
  paths = { preload: join(dir, 'out/preload/index.cjs'), renderer: join(dir, 'out/renderer'), resources: join(dir, 'resources') };
  mkdirSync(paths.renderer, { recursive: true });
  writeFileSync(join(paths.renderer, 'index.html'), '<!doctype html>');
  state.app.userData = join(dir, 'userData');
  state.app.temp = join(dir, 'temp');
  state.app.appPath = dir;
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('startup', () => {
  it('starts the gateway in userData and opens one locked-down window on its URL', async () => {
    const desktop = await start();
    expect(desktop).not.toBeNull();
    expect(state.app.sandboxEnabled).toBe(true);
    expect(created).toHaveLength(1);
    expect(created[0]!.config).toMatchObject({
      dataDir: state.app.userData,
      host: '127.0.0.1',
      port: 7480,
      rendererDir: paths.renderer,
      nativeBinding: null,
    });
    expect(FakeBrowserWindow.created).toHaveLength(1);
    const window = FakeBrowserWindow.created[0]!;
    expect(window.loadedUrl).toBe('http://127.0.0.1:7480/');
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: paths.preload,
      additionalArguments: ['--wagw-api-base=http://127.0.0.1:7480/api/v1'],
    });
    expect(window.visible).toBe(false);
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
  });

  it('hands the gateway the Electron build of better-sqlite3 when there is one, and says so when not', async () => {
    await start();
    expect(warnings.join('\n')).toMatch(/better-sqlite3 has not been built for Electron/);
    resetFakeElectron();
    state.app.userData = join(dir, 'userData');
    state.app.appPath = dir;
    const binding = join(dir, 'custom', 'better_sqlite3.node');
    mkdirSync(join(dir, 'custom'));
    writeFileSync(binding, 'not really a binary');
    await start({ env: { WAGW_NATIVE_BINDING: binding } });
    expect(created[1]!.config.nativeBinding).toBe(binding);
  });

  it('passes --port and --data-dir through to the gateway', async () => {
    await start({ argv: ['electron', '.', '--port', '7600', '--data-dir', join(dir, 'd')] });
    expect(created[0]!.config).toMatchObject({ port: 7600, dataDir: join(dir, 'd') });
    expect(FakeBrowserWindow.created[0]!.loadedUrl).toBe('http://127.0.0.1:7600/');
  });

  it('serves the API only when there is no built UI', async () => {
    rmSync(paths.renderer, { recursive: true });
    await start();
    expect(created[0]!.config.rendererDir).toBeNull();
  });

  it('moves to a free port when the default one is taken', async () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:7480'), { code: 'EADDRINUSE' });
    const desktop = await start({ behaviours: [{ startError: inUse }] });
    expect(created.map((g) => g.config.port)).toEqual([7480, 0]);
    expect(created[0]!.stops).toBe(1);
    expect(desktop!.info.port).toBe(51234);
    expect(FakeBrowserWindow.created[0]!.loadedUrl).toBe('http://127.0.0.1:51234/');
  });

  it('does not replace a port the person chose; shows an error and exits 1', async () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    const desktop = await start({ argv: ['electron', '.', '--port', '7481'], behaviours: [{ startError: inUse }] });
    expect(desktop).toBeNull();
    expect(created).toHaveLength(1);
    expect(state.errorBoxes).toHaveLength(1);
    expect(state.errorBoxes[0]!.content).toMatch(/EADDRINUSE/);
    expect(state.errorBoxes[0]!.content).toMatch(/electron-native\.mjs/);
    expect(state.app.exitCode).toBe(1);
    expect(FakeBrowserWindow.created).toHaveLength(0);
  });

  it('reports bad arguments instead of starting', async () => {
    const desktop = await start({ argv: ['electron', '.', '--port', 'eighty'] });
    expect(desktop).toBeNull();
    expect(created).toHaveLength(0);
    expect(state.errorBoxes[0]!.content).toMatch(/--port must be an integer/);
    expect(state.app.exitCode).toBe(1);
  });
});

describe('single instance', () => {
  it('a second instance quits without starting anything', async () => {
    state.app.lock = false;
    const desktop = await start();
    expect(desktop).toBeNull();
    expect(state.app.quitCalls).toBe(1);
    expect(created).toHaveLength(0);
    expect(FakeBrowserWindow.created).toHaveLength(0);
  });

  it('the first instance brings its window back when a second one starts', async () => {
    await start();
    const window = FakeBrowserWindow.created[0]!;
    window.minimized = true;
    window.visible = false;
    state.app.emit('second-instance', fakeEvent(), ['electron', '.'], dir);
    expect(window.restored).toBe(1);
    expect(window.visible).toBe(true);
    expect(window.focused).toBe(1);
  });
});

describe('session security', () => {
  it('puts the CSP on every response', async () => {
    await start();
    let headers: Record<string, string[]> | undefined;
    state.session.headersListener!({ url: 'http://127.0.0.1:7480/', responseHeaders: { 'content-type': ['text/html'] } }, (r) => {
      headers = r.responseHeaders;
    });
    const csp = headers!['Content-Security-Policy']![0]!;
    expect(csp).toContain('connect-src http://127.0.0.1:7480 ws://127.0.0.1:7480');
    expect(csp).not.toMatch(/unsafe/);
    expect(headers!['content-type']).toEqual(['text/html']);
  });

  it('refuses permission requests and device access', async () => {
    await start();
    const answers: boolean[] = [];
    const page = { getURL: () => 'http://127.0.0.1:7480/' };
    for (const permission of ['media', 'geolocation', 'notifications']) {
      state.session.permissionRequestHandler!(page, permission, (ok) => answers.push(ok));
    }
    expect(answers).toEqual([false, false, false]);
    expect(state.session.permissionCheckHandler!(null, 'media', 'http://127.0.0.1:7480')).toBe(false);
    expect(state.session.devicePermissionHandler!()).toBe(false);
  });
});

describe('navigation guards on the window', () => {
  it('keeps navigation on the gateway origin and sends safe links to the browser', async () => {
    await start();
    const contents = FakeBrowserWindow.created[0]!.webContents;
    const navigate = (url: string) => {
      const event = fakeEvent({ url });
      contents.emit('will-navigate', event);
      return event.defaultPrevented;
    };
    expect(navigate('http://127.0.0.1:7480/chats')).toBe(false);
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', 'http://127.0.0.1.evil.com/', 'http://localhost@evil.com/', 'http://127.0.0.1:7481/']) {
      expect(navigate(bad)).toBe(true);
    }
    expect(state.openedExternally).toEqual([]);
    expect(navigate('https://example.com/article')).toBe(true);
    expect(state.openedExternally).toEqual(['https://example.com/article']);

    const redirect = fakeEvent({ url: 'https://evil.com/' });
    contents.emit('will-redirect', redirect);
    expect(redirect.defaultPrevented).toBe(true);
    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
  });

  it('window.open: same origin without the bridge, safe links to the browser, the rest denied', async () => {
    await start();
    const open = FakeBrowserWindow.created[0]!.webContents.windowOpenHandler!;
    const same = open({ url: 'http://127.0.0.1:7480/docs' }) as { action: string; overrideBrowserWindowOptions: { webPreferences: Record<string, unknown> } };
    expect(same.action).toBe('allow');
    expect(same.overrideBrowserWindowOptions.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(same.overrideBrowserWindowOptions.webPreferences).not.toHaveProperty('preload');
    for (const bad of ['javascript:alert(1)', 'file:///x', 'http://127.0.0.1:7481/', 'http://localhost@evil.com/']) {
      expect(open({ url: bad })).toEqual({ action: 'deny' });
    }
    expect(state.openedExternally).toEqual([]);
    expect(open({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(state.openedExternally).toEqual(['https://example.com/']);
  });
});

describe('IPC', () => {
  it('answers the token channel only for the gateway page', async () => {
    await start();
    const handler = state.ipcMain.handlers.get(IPC_GET_TOKEN)!;
    expect([...state.ipcMain.handlers.keys()]).toEqual([IPC_GET_TOKEN, IPC_OPEN_DOCUMENT]);
    await expect(handler({ senderFrame: { url: 'http://127.0.0.1:7480/' } })).resolves.toEqual({ token: TOKEN, expiresAt: exp * 1000 });
    await expect(handler({ senderFrame: { url: 'https://evil.com/' } })).rejects.toThrow(/untrusted/);
    await expect(handler({ senderFrame: null })).rejects.toThrow(/untrusted/);
  });
});

describe('open document', () => {
  it('fetches the bytes from the gateway media route with a minted token, saves them in temp and has the OS open them', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% a tiny test document\n%%EOF\n');
    const seen: { url: string; auth: string | undefined }[] = [];
    // Plays the gateway's media route on the port the (fake) gateway reports.
    const server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization });
      res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="x"; filename*=UTF-8''..%2F..%2Fquarterly%20report.pdf` });
      res.end(pdf);
    });
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    try {
      await start({ argv: ['electron', '.', '--port', String(port)] });
      const handler = state.ipcMain.handlers.get(IPC_OPEN_DOCUMENT)!;
      const ref = { sessionId: '01JSESSION0000000000000000', scope: 'chat', jid: '15550001111@s.whatsapp.net', messageId: '3EB0AB' };
      await expect(handler({ senderFrame: { url: 'https://evil.com/' } }, ref)).rejects.toThrow(/untrusted/);
      expect(seen).toEqual([]);
      await expect(handler({ senderFrame: { url: `http://127.0.0.1:${port}/` } }, ref)).resolves.toEqual({ ok: true, fileName: 'quarterly report.pdf' });
      expect(seen).toEqual([
        { url: '/api/v1/sessions/01JSESSION0000000000000000/chats/15550001111%40s.whatsapp.net/messages/3EB0AB/media', auth: `Bearer ${TOKEN}` },
      ]);
      expect(state.openedPaths).toHaveLength(1);
      const opened = state.openedPaths[0]!;
      expect(opened.startsWith(join(state.app.temp, 'wagw-documents') + '/')).toBe(true);
      expect(opened.endsWith('/quarterly report.pdf')).toBe(true);
      expect(readFileSync(opened).equals(pdf)).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe('tray', () => {
  it('follows the connection summary', async () => {
    await start();
    const tray = FakeTray.created[0]!;
    expect(tray.image.path).toBe(join(paths.resources, 'tray', 'tray-disconnected.png'));
    created[0]!.emit({ sessions: 2, working: 1, needsAttention: 0 });
    expect(tray.image.path).toBe(join(paths.resources, 'tray', 'tray-connected.png'));
    expect(tray.tooltip).toBe('WhatsApp Gateway: 1 of 2 connected');
    created[0]!.emit({ sessions: 2, working: 1, needsAttention: 1 });
    expect(tray.image.path).toBe(join(paths.resources, 'tray', 'tray-attention.png'));
    expect(tray.menu!.template.map((i) => i.label ?? i.type)).toEqual(['Open WhatsApp Gateway', 'API documentation', 'separator', 'Quit']);
    tray.menu!.template[1]!.click!();
    expect(state.openedExternally).toEqual(['http://127.0.0.1:7480/api/v1/docs']);
  });

  it('closing the window hides it while the tray keeps the gateway running', async () => {
    await start();
    const window = FakeBrowserWindow.created[0]!;
    window.visible = true;
    expect(window.close()).toBe(false);
    expect(window.visible).toBe(false);
    expect(created[0]!.stops).toBe(0);
  });
});

describe('shutdown', () => {
  it('before-quit waits for gateway.stop(), then quits for real', async () => {
    let release!: () => void;
    const desktop = await start({ behaviours: [{ stop: () => new Promise<void>((r) => (release = r)) }] });
    const gateway = created[0]!;
    state.app.quit();
    expect(state.app.quitted).toBe(false);
    await vi.waitFor(() => expect(gateway.stops).toBe(1));
    // A second quit request while stopping is held too, and does not stop twice.
    state.app.quit();
    expect(state.app.quitted).toBe(false);
    release();
    await vi.waitFor(() => expect(state.app.quitted).toBe(true));
    expect(gateway.stops).toBe(1);
    expect(gateway.listenerCount()).toBe(0);
    expect(state.ipcMain.handlers.size).toBe(0);
    expect(FakeTray.created[0]!.destroyed).toBe(true);
    // Once quitting, closing the window is no longer turned into hide.
    expect(FakeBrowserWindow.created[0]!.close()).toBe(true);
    await desktop!.shutdown();
    expect(gateway.stops).toBe(1);
  });

  it('quits anyway when gateway.stop() hangs past the timeout', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await start({ behaviours: [{ stop: () => new Promise<void>(() => undefined) }], shutdownTimeoutMs: 50 });
    state.app.quit();
    await vi.waitFor(() => expect(state.app.quitted).toBe(true));
    expect(errors.mock.calls.flat().join(' ')).toMatch(/did not finish within 50 ms/);
    errors.mockRestore();
  });

  it('quits even when gateway.stop() fails', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await start({ behaviours: [{ stop: () => Promise.reject(new Error('disk gone')) }] });
    state.app.quit();
    await vi.waitFor(() => expect(state.app.quitted).toBe(true));
    expect(errors.mock.calls.flat().join(' ')).toMatch(/disk gone/);
    errors.mockRestore();
  });
});
