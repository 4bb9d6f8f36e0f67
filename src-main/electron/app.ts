/**
 * The desktop app's lifecycle: one instance, the gateway in-process, one locked-down window on the gateway's
 * own URL, a tray icon, and a shutdown that waits for the gateway to close its sockets and database.
 *
 * Everything Electron-specific the rest of the code base must not see lives in src-main/electron and
 * src-main/preload; the gateway itself is the same one `wagw serve` runs headless.
 */
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGateway as defaultCreateGateway } from '../gateway/create-gateway.js';
import { DEFAULT_HOST, DEFAULT_PORT, defaultConfig, type GatewayConfig } from '../gateway/config.js';
import type { Gateway, GatewayDeps, GatewayInfo } from '../gateway/types.js';
import { parseDesktopArgs } from './args.js';
import { registerIpcHandlers } from './ipc.js';
import { openArchivedDocument, pruneDocumentCache } from './open-document.js';
import { missingNativeBindingMessage, resolveNativeBinding } from './native-binding.js';
import { normalizeGatewayOrigin } from './security.js';
import { createAppTray, type AppTray } from './tray.js';
import { createMainWindow, focusWindow, hardenWebContents, installSessionSecurity, openExternalSafely } from './window.js';

/** How long quitting waits for gateway.stop() before giving up on a clean close. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

export interface DesktopPaths {
  /** out/preload/index.cjs */
  preload: string;
  /** out/renderer (the built UI the gateway serves at '/') */
  renderer: string;
  /** resources/ (tray and window icons) */
  resources: string;
}

export interface DesktopAppOptions {
  createGateway?: (config: GatewayConfig, deps?: GatewayDeps) => Gateway;
  argv?: readonly string[];
  env?: Record<string, string | undefined>;
  paths?: DesktopPaths;
  /** Turn SIGINT/SIGTERM into a graceful quit (off in tests). */
  handleSignals?: boolean;
  shutdownTimeoutMs?: number;
}

export interface DesktopApp {
  info: GatewayInfo;
  gateway: Gateway;
  getWindow(): BrowserWindow | null;
  /** Resolves when the gateway has stopped (the app quits right after). */
  shutdown(): Promise<void>;
}

function defaultPaths(): DesktopPaths {
  // At runtime this module is bundled into out/main/index.js.
  const mainDir = dirname(fileURLToPath(import.meta.url));
  return {
    preload: join(mainDir, '..', 'preload', 'index.cjs'),
    renderer: join(mainDir, '..', 'renderer'),
    resources: join(app.getAppPath(), 'resources'),
  };
}

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout(promise: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.error(`${what} did not finish within ${ms} ms; quitting anyway`);
      resolve();
    }, ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creates and starts the gateway. The default port may be taken (e.g. by a headless `wagw serve`): then a
 * free port is used instead; an explicitly chosen port is never silently replaced. On failure whatever was
 * started is stopped again and the error is rethrown.
 */
export async function startGateway(
  createGateway: (config: GatewayConfig) => Gateway,
  config: GatewayConfig,
  portExplicit: boolean,
): Promise<{ gateway: Gateway; info: GatewayInfo }> {
  const first = createGateway(config);
  try {
    return { gateway: first, info: await first.start() };
  } catch (error) {
    await first.stop().catch(() => undefined);
    if (portExplicit || errorCode(error) !== 'EADDRINUSE') throw error;
    console.warn(`port ${config.port} is in use; starting on a free port instead`);
  }
  const second = createGateway({ ...config, port: 0 });
  try {
    return { gateway: second, info: await second.start() };
  } catch (error) {
    await second.stop().catch(() => undefined);
    throw error;
  }
}

/**
 * Starts the desktop app. Resolves to null when another instance already runs (this one quits and the other
 * focuses its window) or when the gateway could not start (an error box was shown and the app exits 1).
 */
export async function runDesktopApp(options: DesktopAppOptions = {}): Promise<DesktopApp | null> {
  const createGateway = options.createGateway ?? defaultCreateGateway;
  const env = options.env ?? process.env;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS;

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  // Every renderer sandboxed, whatever a future BrowserWindow forgets to say.
  app.enableSandbox();

  let window: BrowserWindow | null = null;
  let tray: AppTray | null = null;
  let gateway: Gateway | null = null;
  let gatewayOrigin: string | null = null;
  const cleanups: (() => void)[] = [];
  let phase: 'running' | 'stopping' | 'stopped' = 'running';
  let stopped: Promise<void> | null = null;

  const shutdown = (): Promise<void> => {
    stopped ??= (async () => {
      for (const cleanup of cleanups.splice(0).reverse()) {
        try {
          cleanup();
        } catch (error) {
          console.error(`cleanup failed: ${describe(error)}`);
        }
      }
      if (gateway !== null) {
        await withTimeout(
          gateway.stop().catch((error: unknown) => console.error(`gateway stop failed: ${describe(error)}`)),
          shutdownTimeoutMs,
          'gateway.stop()',
        );
      }
    })();
    return stopped;
  };

  app.on('second-instance', () => focusWindow(window));
  app.on('before-quit', (event) => {
    // Electron would quit right away; hold it until the gateway has closed the database and the sockets.
    if (phase === 'stopped') return;
    event.preventDefault();
    if (phase === 'stopping') return;
    phase = 'stopping';
    void shutdown().finally(() => {
      phase = 'stopped';
      app.quit();
    });
  });
  app.on('web-contents-created', (_event, contents) => {
    // Registered before any window exists; the origin is known by the time a window can load anything.
    if (gatewayOrigin !== null) hardenWebContents(contents, gatewayOrigin, !app.isPackaged);
    else contents.on('will-navigate', (e) => e.preventDefault());
  });
  app.on('window-all-closed', () => {
    // With a tray the gateway keeps serving the API; without one, closing the window is the only way out.
    if (tray === null) app.quit();
  });
  app.on('activate', () => focusWindow(window));
  if (options.handleSignals ?? true) {
    const onSignal = (): void => app.quit();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    cleanups.push(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
  }

  const fail = (title: string, message: string): null => {
    console.error(`${title}\n${message}`);
    dialog.showErrorBox(title, message);
    phase = 'stopped';
    app.exit(1);
    return null;
  };

  await app.whenReady();
  const paths = options.paths ?? defaultPaths();

  let args;
  try {
    args = parseDesktopArgs(options.argv ?? process.argv, env);
  } catch (error) {
    return fail('Invalid arguments', describe(error));
  }
  const native = resolveNativeBinding({
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
    electronVersion: process.versions.electron ?? 'unknown',
    platform: process.platform,
    arch: process.arch,
    env,
  });
  if (native.path === null) console.warn(missingNativeBindingMessage(native, process.versions.electron ?? 'unknown'));
  const rendererDir = existsSync(join(paths.renderer, 'index.html')) ? paths.renderer : null;
  if (rendererDir === null) console.warn(`no built UI in ${paths.renderer}; the window will show the API only`);

  const config = defaultConfig({
    dataDir: args.dataDir ?? app.getPath('userData'),
    host: DEFAULT_HOST,
    port: args.port ?? DEFAULT_PORT,
    rendererDir,
    nativeBinding: native.path,
  });

  let started: { gateway: Gateway; info: GatewayInfo };
  try {
    started = await startGateway(createGateway, config, args.port !== null);
  } catch (error) {
    const hint = native.path === null ? `\n\n${missingNativeBindingMessage(native, process.versions.electron ?? 'unknown')}` : '';
    return fail('WhatsApp Gateway could not start', `${describe(error)}${hint}`);
  }
  const { info } = started;
  const startedGateway = started.gateway;
  gateway = startedGateway;
  gatewayOrigin = normalizeGatewayOrigin(info.url);
  const origin = gatewayOrigin;

  installSessionSecurity(session.defaultSession, origin);
  // Documents opened with the OS default app are copied here (our own folder; yesterday's copies go at start).
  const documentCache = join(app.getPath('temp'), 'wagw-documents');
  void pruneDocumentCache(documentCache);
  cleanups.push(
    registerIpcHandlers(ipcMain, {
      gatewayOrigin: origin,
      mintLoginToken: () => startedGateway.mintLoginToken(),
      openDocument: (ref) =>
        openArchivedDocument(ref, {
          apiBase: info.apiBase,
          mintLoginToken: () => startedGateway.mintLoginToken(),
          cacheDir: documentCache,
          openPath: (path) => shell.openPath(path),
        }),
    }),
  );

  window = createMainWindow({
    gatewayUrl: `${origin}/`,
    apiBase: info.apiBase,
    preloadPath: paths.preload,
    devTools: !app.isPackaged,
    iconPath: join(paths.resources, 'icon.png'),
  });
  window.on('close', (event) => {
    // Closing the window hides it while the tray keeps the gateway (and its API) running.
    if (phase === 'running' && tray !== null) {
      event.preventDefault();
      window?.hide();
    }
  });
  window.on('closed', () => {
    window = null;
  });

  try {
    tray = createAppTray(paths.resources, {
      showWindow: () => focusWindow(window),
      // Our own loopback page: allowed as the gateway origin, not by the filter meant for message links.
      openApiDocs: () => openExternalSafely(`${info.apiBase}/docs`, console.warn, new URL(info.url).origin),
      quit: () => app.quit(),
    });
    cleanups.push(() => {
      tray?.destroy();
      tray = null;
    });
  } catch (error) {
    // Some Linux desktops have no tray; the app still works, closing the window then quits.
    console.warn(`no tray icon: ${describe(error)}`);
    tray = null;
  }
  cleanups.push(
    startedGateway.onConnectionSummary((summary) => {
      try {
        tray?.update(summary);
      } catch (error) {
        console.warn(`tray update failed: ${describe(error)}`);
      }
    }),
  );

  return { info, gateway: startedGateway, getWindow: () => window, shutdown };
}
