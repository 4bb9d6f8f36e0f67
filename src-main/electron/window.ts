/**
 * Electron wiring of the policy in security.ts: the main window, the session's CSP and permission handlers,
 * and the navigation guards every web contents gets.
 */
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import {
  buildCsp,
  buildWebPreferences,
  isAllowedNavigation,
  isPermissionAllowed,
  isSafeExternalUrl,
  withCspHeader,
} from './security.js';

/**
 * The app's only way to hand a URL to the OS browser. Reviewed: its one caller is openExternalSafely, and the
 * URL must pass isSafeExternalUrl (public http/https only; see its tests) or, for the gateway's own pages (API
 * docs), be on the gateway origin. Electronegativity's OPEN_EXTERNAL check flags every `openExternal` with a
 * non-literal URL for review; this is the reviewed line, marked with the tool's own annotation
 * (test/electron/electronegativity.test.ts allows no other annotation).
 */
const openInOsBrowser = (url: string): Promise<void> => shell.openExternal(url); /* eng-disable OPEN_EXTERNAL_JS_CHECK */

/** Opens a link in the OS browser if, and only if, it passes isSafeExternalUrl (or is on `ownOrigin`). Never throws. */
export function openExternalSafely(
  url: string,
  log: (message: string) => void = console.warn,
  ownOrigin: string | null = null,
): boolean {
  const own = ownOrigin !== null && isAllowedNavigation(url, ownOrigin);
  if (!own && !isSafeExternalUrl(url)) {
    log(`refused to open external URL ${JSON.stringify(url.slice(0, 200))}`);
    return false;
  }
  openInOsBrowser(url).catch((error: unknown) => log(`could not open ${url}: ${String(error)}`));
  return true;
}

/**
 * Applies to every web contents of the app (main window, any same-origin child window, DevTools excluded by
 * origin checks only where they matter): navigation and redirects stay on the gateway origin, anything else
 * is refused and, if it is a safe web link, handed to the OS browser; <webview> can never be attached.
 */
export function hardenWebContents(contents: WebContents, gatewayOrigin: string, devTools: boolean): void {
  const guardNavigation = (event: { preventDefault(): void; url: string }): void => {
    if (isAllowedNavigation(event.url, gatewayOrigin)) return;
    event.preventDefault();
    openExternalSafely(event.url);
  };
  contents.on('will-navigate', (event) => guardNavigation(event));
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url, gatewayOrigin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedNavigation(url, gatewayOrigin)) {
      // A same-origin page in its own window (e.g. the API docs): same sandbox, but no preload, so it gets no
      // token bridge.
      return {
        action: 'allow',
        overrideBrowserWindowOptions: {
          webPreferences: buildWebPreferences({ preloadPath: null, apiBase: null, devTools }),
        },
      };
    }
    openExternalSafely(url);
    return { action: 'deny' };
  });
}

/** CSP on every response, permission requests refused (see isPermissionAllowed), device access refused. */
export function installSessionSecurity(session: Session, gatewayOrigin: string): void {
  const csp = buildCsp(gatewayOrigin);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders, csp) });
  });
  session.setPermissionRequestHandler((webContents, permission, callback) => {
    callback(isPermissionAllowed(permission, webContents.getURL(), gatewayOrigin));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, gatewayOrigin),
  );
  session.setDevicePermissionHandler(() => false);
}

export interface MainWindowOptions {
  /** The gateway's URL: the window loads the UI the gateway serves at '/'. */
  gatewayUrl: string;
  apiBase: string;
  preloadPath: string;
  devTools: boolean;
  iconPath?: string;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'WhatsApp Gateway Desktop',
    backgroundColor: '#111b21',
    autoHideMenuBar: true,
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      ...buildWebPreferences({
        preloadPath: options.preloadPath,
        apiBase: options.apiBase,
        devTools: options.devTools,
      }),
      // The same values buildWebPreferences sets, spelled out at the construction site so that static
      // checkers (electronegativity) and readers see them where the window is made.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  window.loadURL(options.gatewayUrl).catch((error: unknown) => {
    console.error(`could not load ${options.gatewayUrl}: ${String(error)}`);
  });
  return window;
}

/** Second instance, tray click, dock click: bring the one window to the front. */
export function focusWindow(window: BrowserWindow | null): void {
  if (window === null || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
}
