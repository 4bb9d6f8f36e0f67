/**
 * The composition root, used by the headless CLI and the Electron entry alike:
 * createGateway(config, deps) -> { start, stop, ... }. It only composes: the data dir (data-dir.ts), the
 * secrets (secrets.ts), the HTTP server (http-server.ts) and the WhatsApp side (whatsapp-loader.ts).
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createApi, type GatewayApi } from '../api/create-api.js';
import { createAppServices } from '../app/index.js';
import { createApiKeyService } from '../auth/api-keys.js';
import { createLoginCodes } from '../auth/login-codes.js';
import { withStoredLoginCodes } from '../auth/stored-login-codes.js';
import { createRefreshTokens } from '../auth/refresh-tokens.js';
import { createFailureLimiter } from '../auth/rate-limit.js';
import { createFileStore } from '../media/file-store.js';
import type { Store } from '../store/index.js';
import type { DeliveryWorker } from '../webhooks/delivery-worker.js';
import { removeGatewayFile, writeGatewayFile } from './gateway-file.js';
import { lazyMcpHandler } from './mcp-http.js';
import type { GatewayConfig } from './config.js';
import { openDataDir } from './data-dir.js';
import { closeHttpServer, createHttpServer, httpAddress, listen } from './http-server.js';
import { createRealtimeHub, type RealtimeHub } from './realtime.js';
import { loadSecrets } from './secrets.js';
import { createSessionManager, type SessionManager } from './session-manager.js';
import { startSearchIndexer } from './search-indexer.js';
import { startWebhookDelivery } from './webhooks.js';
import type { ConnectionSummary, Gateway, GatewayDeps, GatewayInfo } from './types.js';
import { createWhatsAppLoader, ensureSandboxSession, forgettingOnLogout } from './whatsapp-loader.js';
import type { WhatsAppRuntime } from './whatsapp-runtime.js';

// Names the CLI, the Electron entry and the tests import from here.
export { DB_FILE } from './data-dir.js';
export { TOKEN_AUDIENCE, TOKEN_ISSUER } from './secrets.js';
export { StartupError } from './startup-error.js';

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
    const store = openDataDir(config.dataDir, config.nativeBinding);
    try {
      const secrets = await loadSecrets(store, { externalJwt: config.externalJwt, now });
      const { tokens, cursors } = secrets;
      const apiKeys = createApiKeyService({ store, now });
      const realtime = createRealtimeHub({ store, logger, now });
      const files = createFileStore(join(config.dataDir, 'media'));
      const whatsapp = createWhatsAppLoader({
        store,
        dataDir: config.dataDir,
        files,
        publisher: realtime,
        logger,
        now,
        sandbox: config.sandbox,
        baileysFactory: deps.baileysFactory,
        sandboxFactory: deps.sandboxFactory,
      });
      const manager = createSessionManager({
        store,
        publisher: realtime,
        logger,
        baileysFactory: whatsapp.baileysFactory,
        sandboxFactory: whatsapp.sandboxFactory,
        now,
        onDeleted: whatsapp.forgetSession,
      });
      const sessions = forgettingOnLogout(manager, whatsapp.forgetSession);
      sessions.onSummary((s) => summaryListeners.forEach((l) => l(s)));
      const address = httpAddress(config);
      const { allowedHosts, allowedOrigins } = address;

      // The worker starts with the server (below); the app services reach it through this late binding.
      let webhookWorker: DeliveryWorker | undefined;
      const app = createAppServices({
        store,
        sessions,
        sandbox: whatsapp.sandbox,
        apiKeys,
        cursors,
        publisher: realtime,
        webhookWorker: { wake: (id) => webhookWorker?.wake(id) },
        now,
        mediaFiles: files,
        media: whatsapp.media,
        sendMediaMaxBytes: config.sendMediaMaxBytes,
      });
      const api = createApi(
        {
          app,
          apiKeys,
          tokens,
          loginCodes: withStoredLoginCodes(loginCodes, store, now),
          refreshTokens: createRefreshTokens({
            repo: store.refreshTokens,
            transaction: (fn) => store.transaction(fn),
            now,
            onReuse: (family) => logger.warn({ family }, 'a used refresh token came back: that sign-in is revoked'),
          }),
          authLimiter: createFailureLimiter({ now }),
          realtime,
          logger,
          allowedHosts,
          allowedOrigins,
          rendererDir: config.rendererDir,
          trustedProxies: config.trustedProxies,
          now,
          mcp: lazyMcpHandler({ app, allowSend: config.mcpAllowSend ?? false, logger }),
          sendMediaMaxBytes: config.sendMediaMaxBytes,
        },
        { origin: address.origin, owner: secrets.owner },
      );
      const server = createHttpServer(api.app.callback());
      realtime.attach(server, { allowedHosts, allowedOrigins });
      webhookWorker = startWebhookDelivery({ store, logger, publisher: realtime, now, server });
      startSearchIndexer({ store, logger, server, ...(config.searchIndexIntervalMs ? { intervalMs: config.searchIndexIntervalMs } : {}) });
      const port = await listen(server, config.host, config.port);
      address.setPort(port);

      const info: GatewayInfo = { url: address.origin(), apiBase: `${address.origin()}/api/v1`, host: config.host, port, dataDir: config.dataDir };
      running = { store, sessions, realtime, server, api, info, organizationId: secrets.organizationId, whatsapp: whatsapp.runtime };
      // `wagw mcp` and `wagw login-link` find a running gateway through this file.
      const local = address.localOrigin();
      writeGatewayFile(config.dataDir, { url: local, apiBase: `${local}/api/v1`, publicUrl: config.publicUrl }, now());

      sessions.resumeAll();
      const sandboxSession = config.sandbox?.ensureSession ? ensureSandboxSession(store, sessions, secrets.organizationId) : null;
      // Now that HTTP answers, load the WhatsApp side (clients started above are waiting for it).
      whatsapp.load({ autoPairSandbox: sandboxSession });
      logger.info({ url: info.apiBase, dataDir: config.dataDir }, 'gateway listening');
      tokenMint = secrets.mintLoginToken;
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
      removeGatewayFile(config.dataDir);
      await r.sessions.stopAll();
      const runtime = await r.whatsapp.catch(() => undefined);
      runtime?.sandbox.stop();
      // Running downloads stop before the store closes; their jobs stay queued for the next start.
      await runtime?.media.stop();
      r.realtime.close();
      await closeHttpServer(r.server);
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
