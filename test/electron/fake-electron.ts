/**
 * A stand-in for the 'electron' module (the binary cannot run here). It records what the app asks Electron
 * to do, and lets tests fire the events Electron would fire. Used through
 *   vi.mock('electron', async () => (await import('./fake-electron.js')).electronModule)
 * and reset with resetFakeElectron() before each test.
 */
import { EventEmitter } from 'node:events';

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function fakeEvent<T extends object>(extra: T = {} as T): FakeEvent & T {
  const event = {
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
    ...extra,
  };
  return event;
}

export class FakeApp extends EventEmitter {
  lock = true;
  isPackaged = false;
  quitCalls = 0;
  /** Set once a quit got past before-quit. */
  quitted = false;
  exitCode: number | null = null;
  sandboxEnabled = false;
  userData = '/tmp/fake-user-data';
  temp = '/tmp/fake-temp';
  appPath = '/tmp/fake-app';

  requestSingleInstanceLock(): boolean {
    return this.lock;
  }
  enableSandbox(): void {
    this.sandboxEnabled = true;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  getPath(name: string): string {
    if (name === 'userData') return this.userData;
    if (name === 'temp') return this.temp;
    throw new Error(`unexpected getPath(${name})`);
  }
  getAppPath(): string {
    return this.appPath;
  }
  quit(): void {
    this.quitCalls += 1;
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitted = true;
  }
  exit(code: number): void {
    this.exitCode = code;
  }
}

export class FakeWebContents extends EventEmitter {
  url = '';
  windowOpenHandler: ((details: { url: string }) => unknown) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly options: Record<string, unknown>;
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  destroyed = false;
  minimized = false;
  visible = false;
  focused = 0;
  restored = 0;

  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    FakeBrowserWindow.created.push(this);
    state.app.emit('web-contents-created', fakeEvent(), this.webContents);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.url = url;
    return Promise.resolve();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.restored += 1;
    this.minimized = false;
  }
  isVisible(): boolean {
    return this.visible;
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused += 1;
  }
  /** What Electron does when the person closes the window: 'close' (cancellable), then 'closed'. */
  close(): boolean {
    const event = fakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroyed = true;
    this.emit('closed');
    return true;
  }
}

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

export class FakeSession {
  headersListener: HeadersListener | null = null;
  permissionRequestHandler: ((wc: { getURL(): string }, permission: string, cb: (ok: boolean) => void) => void) | null = null;
  permissionCheckHandler: ((wc: unknown, permission: string, origin: string) => boolean) | null = null;
  devicePermissionHandler: (() => boolean) | null = null;
  webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: () => boolean): void {
    this.devicePermissionHandler = handler;
  }
}

export class FakeIpcMain {
  handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

export class FakeTray extends EventEmitter {
  static created: FakeTray[] = [];
  image: { path: string };
  tooltip = '';
  menu: { template: { label?: string; type?: string; click?: () => void }[] } | null = null;
  destroyed = false;
  constructor(image: { path: string }) {
    super();
    this.image = image;
    FakeTray.created.push(this);
  }
  setImage(image: { path: string }): void {
    this.image = image;
  }
  setToolTip(tooltip: string): void {
    this.tooltip = tooltip;
  }
  setContextMenu(menu: FakeTray['menu']): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

interface State {
  app: FakeApp;
  session: FakeSession;
  ipcMain: FakeIpcMain;
  openedExternally: string[];
  /** shell.openPath calls; openPathReply is what it answers ('' = opened). */
  openedPaths: string[];
  openPathReply: string;
  errorBoxes: { title: string; content: string }[];
  exposed: { key: string; api: unknown }[];
  /** ipcRenderer.invoke calls: the channel, then the arguments when there are any. */
  invoked: string[];
  invokedArgs: unknown[][];
  invokeReply: unknown;
}

/**
 * One set of instances for the whole test file (a mocked module's exports are bound once); reset() puts
 * each back to its initial state.
 */
export const state: State = {
  app: new FakeApp(),
  session: new FakeSession(),
  ipcMain: new FakeIpcMain(),
  openedExternally: [],
  openedPaths: [],
  openPathReply: '',
  errorBoxes: [],
  exposed: [],
  invoked: [],
  invokedArgs: [],
  invokeReply: undefined,
};

export function resetFakeElectron(): void {
  state.app.removeAllListeners();
  Object.assign(state.app, new FakeApp());
  Object.assign(state.session, new FakeSession());
  state.session.webRequest.onHeadersReceived = (listener) => {
    state.session.headersListener = listener;
  };
  state.ipcMain.handlers.clear();
  state.openedExternally.length = 0;
  state.openedPaths.length = 0;
  state.openPathReply = '';
  state.errorBoxes.length = 0;
  state.exposed.length = 0;
  state.invoked.length = 0;
  state.invokedArgs.length = 0;
  state.invokeReply = undefined;
  FakeBrowserWindow.created = [];
  FakeTray.created = [];
}

/** The module object handed to vi.mock('electron'). */
export const electronModule = {
  /** For tests that reset the module registry: reach the instance the mock is actually bound to. */
  __fake: { state, resetFakeElectron },
  app: state.app,
  session: { defaultSession: state.session },
  ipcMain: state.ipcMain,
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Menu: { buildFromTemplate: (template: unknown[]) => ({ template }) },
  nativeImage: { createFromPath: (path: string) => ({ path }) },
  shell: {
    openExternal: (url: string) => {
      state.openedExternally.push(url);
      return Promise.resolve();
    },
    openPath: (path: string) => {
      state.openedPaths.push(path);
      return Promise.resolve(state.openPathReply);
    },
  },
  dialog: {
    showErrorBox: (title: string, content: string) => {
      state.errorBoxes.push({ title, content });
    },
  },
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      state.exposed.push({ key, api });
    },
  },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => {
      state.invoked.push(channel);
      state.invokedArgs.push(args);
      return Promise.resolve(state.invokeReply);
    },
  },
};
