/**
 * The composition root, used by the headless CLI and the Electron entry alike:
 * createGateway(config, deps) -> { start, stop, ... }.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { ulid } from 'ulid';
import { createApi, type GatewayApi } from '../api/create-api.js';
import { createAppServices } from '../app/index.js';
import { loopbackHosts } from '../api/middleware/host-guard.js';
import { LOGIN_TOKEN_TTL_SECONDS } from '../api/resources/auth.js';
import { createApiKeyService } from '../auth/api-keys.js';
import { createTokenService } from '../auth/jwt.js';
import { createLoginCodes } from '../auth/login-codes.js';
import { createFailureLimiter } from '../auth/rate-limit.js';
import { createCursorCodec } from '../core/cursor.js';
import type { WhatsAppClientFactory } from '../core/whatsapp-port.js';
import { openStore, type Store } from '../store/index.js';
import type { SandboxController } from '../whatsapp/sandbox/index.js';
import { removeGatewayFile, writeGatewayFile } from './gateway-file.js';
import { lazyFactory } from './lazy-client.js';
import { lazyMcpHandler } from './mcp-http.js';
import type { WhatsAppRuntime } from './whatsapp-runtime.js';
import type { GatewayConfig } from './config.js';
import { createRealtimeHub, type RealtimeHub } from './realtime.js';
import { createSessionManager, type SessionManager } from './session-manager.js';
import type { ConnectionSummary, Gateway, GatewayDeps, GatewayInfo } from './types.js';

export const DB_FILE = 'gateway.db';
export const TOKEN_ISSUER = 'wagw-desktop';
export const TOKEN_AUDIENCE = 'wagw-api';

/** A start-up failure a person can act on (bad data dir, port in use): printed without a stack trace. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export interface RunningGateway {
  store: Store;
  sessions: SessionManager;
  realtime: RealtimeHub;
  server: Server;
  api: GatewayApi;
  /** The WhatsApp side, loaded after the server listens. */
  whatsapp: Promise<WhatsAppRuntime>;
  info: GatewayInfo;
  organizationId: string;
}

function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK | constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new StartupError(`data directory ${dir} is not usable (${code}): choose another with --data-dir`);
  }
}

/** The sandbox session `serve --sandbox` wants: the existing one, or a new one; started either way. */
function ensureSandboxSession(store: Store, sessions: SessionManager, organizationId: string): string {
  const existing = store.sessions.listByOrg(organizationId).find((s) => s.sandbox === 1);
  const id = existing ? existing.id : sessions.create({ organizationId, sandbox: true, start: false, label: 'Sandbox' }).id;
  if (!existing || existing.desired_running !== 1 || existing.wa_jid === null) sessions.start(organizationId, id);
  return id;
}

/** Pairs a sandbox session as soon as its simulated socket shows a QR (gives up after 30 s). */
function autoPairSandbox(sandbox: SandboxController, sessionId: string, logger: Logger): void {
  const started = Date.now();
  const timer = setInterval(() => {
    const state = sandbox.state(sessionId);
    if (state.paired || Date.now() - started > 30_000) clearInterval(timer);
    else if (state.waitingForPairing && sandbox.pair(sessionId)) {
      logger.info({ session: sessionId, sandbox: true }, 'sandbox paired automatically');
      clearInterval(timer);
    }
  }, 100);
  timer.unref();
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new StartupError(`port ${port} on ${host} is already in use: choose another with --port`));
      else if (err.code === 'EACCES') reject(new StartupError(`not allowed to listen on ${host}:${port}: choose a port above 1024`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new StartupError(`cannot listen on host ${host}: not an address of this machine`));
      else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway & { running(): RunningGateway | undefined } {
  const logger: Logger = deps.logger ?? pino({ level: config.logLevel, base: { app: 'wagw' } });
  const now = deps.now ?? Date.now;
  const loginCodes = createLoginCodes({ now });
  const summaryListeners = new Set<(s: ConnectionSummary) => void>();
  let running: RunningGateway | undefined;
  let tokenMint: (() => Promise<string>) | undefined;
  let stopping: Promise<void> | undefined;

  async function start(): Promise<GatewayInfo> {
    if (running) return running.info;
    prepareDataDir(config.dataDir);
    let store: Store;
    try {
      store = openStore(join(config.dataDir, DB_FILE), { nativeBinding: config.nativeBinding ?? undefined });
    } catch (err) {
      const msg = (err as Error).message;
      if ((err as Error).name === 'MigrationError') throw new StartupError(`database: ${msg}`);
      if (/SQLITE_CANTOPEN|unable to open/i.test(msg)) throw new StartupError(`cannot open the database in ${config.dataDir}: ${msg}`);
      throw err;
    }
    try {
      const org = store.organizations.ensureDefault(ulid, now());
      const ownerSubject = store.meta.getOrCreate('owner_subject', () => `user_${ulid()}`);
      const cursors = createCursorCodec(store.meta.getOrCreate('cursor_secret', () => randomBytes(32).toString('base64url')));
      const tokens = await createTokenService({ store, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, external: config.externalJwt, now });
      const apiKeys = createApiKeyService({ store, now });
      const realtime = createRealtimeHub({ store, logger, now });
      // The WhatsApp side (Baileys, ingestion, sandbox) is imported once the server listens (see below):
      // until then, clients made by the factories wait for it.
      let resolveRuntime: (r: WhatsAppRuntime) => void = () => {};
      let rejectRuntime: (e: unknown) => void = () => {};
      const runtimeReady = new Promise<WhatsAppRuntime>((resolve, reject) => {
        resolveRuntime = resolve;
        rejectRuntime = reject;
      });
      runtimeReady.catch(() => {});
      let runtime: WhatsAppRuntime | undefined;
      const baileysFactory: WhatsAppClientFactory =
        deps.baileysFactory ?? lazyFactory(runtimeReady.then((r) => r.baileysFactory), false);
      const sandboxFactory: WhatsAppClientFactory =
        deps.sandboxFactory ?? lazyFactory(runtimeReady.then((r) => r.sandboxFactory), true);
      const sessions = createSessionManager({
        store,
        publisher: realtime,
        logger,
        baileysFactory,
        sandboxFactory,
        now,
        onDeleted: (id) => void runtimeReady.then((r) => r.forgetSession(id)),
      });
      sessions.onSummary((s) => summaryListeners.forEach((l) => l(s)));

      let port = config.port;
      const origin = () => `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
      const wildcard = config.host === '0.0.0.0' || config.host === '::';
      // Computed once the port is known (port 0 resolves at listen), not on every request.
      let hostsFor = -1;
      let hosts: string[] = [];
      let origins: string[] = [];
      const refreshAllowed = () => {
        if (hostsFor === port) return;
        hosts = loopbackHosts(port, wildcard || config.host === '127.0.0.1' ? [] : [`${config.host}:${port}`]);
        origins = [...hosts.map((h) => `http://${h}`), ...config.extraOrigins.map((o) => o.toLowerCase())];
        hostsFor = port;
      };
      const allowedHosts = () => {
        refreshAllowed();
        return hosts;
      };
      const allowedOrigins = () => {
        refreshAllowed();
        return origins;
      };

      // ---- issue 8: ApiDeps over the app services (src-main/app) -- begin --------------------------------
      const app = createAppServices({
        store,
        sessions,
        sandbox: {
          pair: (id) => runtime?.sandbox.pair(id) ?? false,
          state: (id) => runtime?.sandbox.state(id) ?? { paired: false, waitingForPairing: false, presence: [], sent: 0 },
        },
        apiKeys,
        cursors,
        publisher: realtime,
      });
      const api = createApi(
        {
          app,
          apiKeys,
          tokens,
          loginCodes,
          authLimiter: createFailureLimiter({ now }),
          realtime,
          logger,
          allowedHosts,
          allowedOrigins,
          rendererDir: config.rendererDir,
          now,
          mcp: lazyMcpHandler({ app, allowSend: config.mcpAllowSend ?? false, logger }), // issue 12
        },
        { origin, owner: () => ({ subject: ownerSubject, organizationId: org.id }) },
      );
      // ---- issue 8: ApiDeps over the app services -- end ----------------------------------------------------
      const server = createServer(api.app.callback());
      server.keepAliveTimeout = 65_000;
      realtime.attach(server, { allowedHosts, allowedOrigins });
      port = await listen(server, config.host, config.port);

      const info: GatewayInfo = { url: origin(), apiBase: `${origin()}/api/v1`, host: config.host, port, dataDir: config.dataDir };
      running = { store, sessions, realtime, server, api, info, organizationId: org.id, whatsapp: runtimeReady };
      writeGatewayFile(config.dataDir, info, now()); // issue 12: `wagw mcp` finds us here

      sessions.resumeAll();
      const sandboxSessionId = config.sandbox?.ensureSession ? ensureSandboxSession(store, sessions, org.id) : null;
      // Now that HTTP answers, load the WhatsApp side (clients started above are waiting for it).
      void import('./whatsapp-runtime.js')
        .then((m) => {
          runtime = m.createWhatsAppRuntime({ store, publisher: realtime, logger, now, sandbox: config.sandbox });
          resolveRuntime(runtime);
          if (sandboxSessionId) autoPairSandbox(runtime.sandbox, sandboxSessionId, logger);
        })
        .catch((err: unknown) => {
          logger.error({ err }, 'could not load the WhatsApp modules; sessions cannot connect');
          rejectRuntime(err);
        });
      logger.info({ url: info.apiBase, dataDir: config.dataDir }, 'gateway listening');
      tokenMint = () => tokens.mint({ sub: ownerSubject, organizationId: org.id, role: 'owner' }, LOGIN_TOKEN_TTL_SECONDS);
      return info;
    } catch (err) {
      store.close();
      throw err;
    }
  }

  async function stop(): Promise<void> {
    if (!running) return;
    if (stopping) return stopping;
    const r = running;
    stopping = (async () => {
      removeGatewayFile(config.dataDir); // issue 12
      await r.sessions.stopAll();
      (await r.whatsapp.catch(() => undefined))?.sandbox.stop();
      r.realtime.close();
      await new Promise<void>((resolve) => {
        r.server.close(() => resolve());
        r.server.closeAllConnections();
      });
      r.store.close();
      running = undefined;
      stopping = undefined;
      logger.info('gateway stopped');
    })();
    return stopping;
  }

  return {
    start,
    stop,
    running: () => running,
    async mintLoginToken() {
      if (!tokenMint || !running) throw new Error('gateway is not running');
      return tokenMint();
    },
    createLoginLink() {
      if (!running) throw new Error('gateway is not running');
      return `${running.info.url}/#login=${loginCodes.issue()}`;
    },
    onConnectionSummary(listener) {
      summaryListeners.add(listener);
      return () => summaryListeners.delete(listener);
    },
  };
}
