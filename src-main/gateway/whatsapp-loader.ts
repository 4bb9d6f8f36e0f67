/**
 * Loading the WhatsApp side (Baileys, ingestion, the sandbox: whatsapp-runtime.ts) after the HTTP server
 * listens. Until load() has imported it, the client factories hand out clients that wait for it
 * (lazy-client.ts), so sessions can be started before Baileys is in memory.
 */
import type { Logger } from 'pino';
import type { MediaPort } from '../app/index.js';
import type { EventPublisher } from '../core/events.js';
import type { FileStore } from '../media/file-store.js';
import type { WhatsAppClientFactory } from '../core/whatsapp-port.js';
import type { Store } from '../store/index.js';
import type { SandboxSessionState } from '../whatsapp/sandbox/index.js';
import type { SandboxConfig } from './config.js';
import { lazyFactory } from './lazy-client.js';
import type { SessionManager } from './session-manager.js';
import type { WhatsAppRuntime } from './whatsapp-runtime.js';

export interface WhatsAppLoader {
  baileysFactory: WhatsAppClientFactory;
  sandboxFactory: WhatsAppClientFactory;
  /** Resolves once load() has imported the WhatsApp side; rejects if the import failed. */
  runtime: Promise<WhatsAppRuntime>;
  /** The sandbox controls the API offers (pair / state / network), inert until the runtime is loaded. */
  sandbox: {
    pair(sessionId: string): boolean;
    state(sessionId: string): SandboxSessionState;
    setReachable(sessionId: string, reachable: boolean): void;
  };
  /** Drops every per-session cache of the WhatsApp side (once it is loaded). */
  forgetSession(sessionId: string): void;
  /** The media archive for the app layer: queue and payload reader once loaded. */
  media: MediaPort;
  /**
   * Imports the WhatsApp side. `autoPairSandbox`: a sandbox session to pair as soon as its simulated
   * socket shows its first QR (`wagw serve --sandbox`), once.
   */
  load(options?: { autoPairSandbox?: string | null }): void;
}

export interface WhatsAppLoaderDeps {
  store: Store;
  publisher: EventPublisher;
  logger: Logger;
  now: () => number;
  sandbox: SandboxConfig | null;
  /** Replacement client factories (tests); the runtime is still loaded for the sandbox controls. */
  baileysFactory?: WhatsAppClientFactory | undefined;
  sandboxFactory?: WhatsAppClientFactory | undefined;
  /** The data directory: media files live in <data-dir>/media, the sandbox media keys in sandbox-media.json. */
  dataDir: string;
  files: FileStore;
}

export function createWhatsAppLoader(deps: WhatsAppLoaderDeps): WhatsAppLoader {
  let resolveRuntime: (r: WhatsAppRuntime) => void = () => {};
  let rejectRuntime: (e: unknown) => void = () => {};
  const runtime = new Promise<WhatsAppRuntime>((resolve, reject) => {
    resolveRuntime = resolve;
    rejectRuntime = reject;
  });
  runtime.catch(() => {});
  let loaded: WhatsAppRuntime | undefined;
  const pendingReachable = new Map<string, boolean>();
  let loading = false;

  return {
    baileysFactory: deps.baileysFactory ?? lazyFactory(runtime.then((r) => r.baileysFactory), false),
    sandboxFactory: deps.sandboxFactory ?? lazyFactory(runtime.then((r) => r.sandboxFactory), true),
    runtime,
    sandbox: {
      pair: (id) => loaded?.sandbox.pair(id) ?? false,
      state: (id) =>
        loaded?.sandbox.state(id) ?? { paired: false, waitingForPairing: false, reachable: pendingReachable.get(id) ?? true, presence: [], sent: 0, received: [], readReceipts: [] },
      setReachable(id, reachable) {
        if (loaded) loaded.sandbox.setReachable(id, reachable);
        // Before the WhatsApp side is loaded: kept, and applied when it is (clients wait for it too).
        else pendingReachable.set(id, reachable);
      },
    },
    media: {
      files: deps.files,
      queue: () => loaded?.media,
      readDetails: (raw) => loaded?.readDetails(raw),
    },
    forgetSession(id) {
      void runtime.then(
        (r) => r.forgetSession(id),
        () => {},
      );
    },
    load(options = {}) {
      if (loading) return;
      loading = true;
      const autoPairId = options.autoPairSandbox ?? null;
      let autoPaired = false;
      const autoPair = (sessionId: string) => {
        if (autoPaired || sessionId !== autoPairId) return false;
        autoPaired = true;
        return true;
      };
      void import('./whatsapp-runtime.js')
        .then(async (m) => {
          const sandboxMedia = await m.startSandboxMedia(deps.dataDir, deps.logger);
          loaded = m.createWhatsAppRuntime({
            files: deps.files,
            sandboxMedia,
            store: deps.store,
            publisher: deps.publisher,
            logger: deps.logger,
            now: deps.now,
            sandbox: deps.sandbox,
            ...(autoPairId ? { autoPairSandbox: autoPair } : {}),
          });
          for (const [id, reachable] of pendingReachable) loaded.sandbox.setReachable(id, reachable);
          pendingReachable.clear();
          resolveRuntime(loaded);
        })
        .catch((err: unknown) => {
          deps.logger.error({ err }, 'could not load the WhatsApp modules; sessions cannot connect');
          rejectRuntime(err);
        });
    },
  };
}

/** The sandbox session `serve --sandbox` wants: the existing one, or a new one; started either way. */
export function ensureSandboxSession(store: Store, sessions: SessionManager, organizationId: string): string {
  const existing = store.sessions.listByOrg(organizationId).find((s) => s.sandbox === 1);
  const id = existing ? existing.id : sessions.create({ organizationId, sandbox: true, start: false }).id;
  if (!existing || existing.desired_running !== 1 || existing.wa_jid === null) sessions.start(organizationId, id);
  return id;
}

/**
 * The session manager with logout also dropping the session's WhatsApp-side caches (delete does it
 * through the manager's onDeleted hook).
 */
export function forgettingOnLogout(sessions: SessionManager, forget: (sessionId: string) => void): SessionManager {
  return {
    ...sessions,
    async logout(organizationId, id) {
      const session = await sessions.logout(organizationId, id);
      forget(id);
      return session;
    },
  };
}
