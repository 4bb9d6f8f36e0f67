/**
 * The WhatsApp side of the gateway: ingestion, the sandbox and the two client factories (real Baileys and
 * the simulated account). Baileys is large (about a quarter of a second to import), so whatsapp-loader.ts
 * imports this module only after the HTTP server listens, and hands out clients that wait for it (lazy-client.ts).
 */
import type { Logger } from 'pino';
import type { EventPublisher } from '../core/events.js';
import type { WhatsAppClientFactory } from '../core/whatsapp-port.js';
import type { Store } from '../store/index.js';
import { createBaileysClientFactory } from '../whatsapp/baileys/adapter.js';
import { createRealSocketFactory, forgetSessionSocketCaches } from '../whatsapp/baileys/real-socket.js';
import { createIngestor, type GatewayIngestor } from '../whatsapp/ingest/index.js';
import { createSandbox, type SandboxController } from '../whatsapp/sandbox/index.js';
import type { SandboxConfig } from './config.js';

export interface WhatsAppRuntime {
  sandbox: SandboxController;
  baileysFactory: WhatsAppClientFactory;
  sandboxFactory: WhatsAppClientFactory;
  /**
   * Drops every per-session cache of the WhatsApp side (session deleted or logged out): the ingestor's
   * state, the real sockets' retry / group caches and the sandbox's simulated phone. Call it once the
   * session's client is closed.
   */
  forgetSession(sessionId: string): void;
}

export function createWhatsAppRuntime(deps: {
  store: Store;
  publisher: EventPublisher;
  logger: Logger;
  now: () => number;
  sandbox: SandboxConfig | null;
  /** Asked when a sandbox session's socket shows its first QR: true pairs it at once (see createSandbox). */
  autoPairSandbox?: (sessionId: string) => boolean;
  /** Replaces the ingestor (tests). */
  ingestor?: GatewayIngestor;
}): WhatsAppRuntime {
  const { store, publisher, logger, now } = deps;
  const ingestor = deps.ingestor ?? createIngestor({ store, publisher, logger, now });
  const sandboxLogger = logger.child({ sandbox: true });
  const sandbox = createSandbox({
    seed: deps.sandbox?.seed ?? 1,
    // Each sandbox session is its own simulated account (sessions.sandbox_seed, session-manager.ts); the
    // configured seed (`serve --sandbox-seed`) fixes the first sandbox session, as it always did.
    seedFor(sessionId) {
      const row = store.sessions.get(sessionId);
      if (!row || row.sandbox !== 1) return undefined;
      const first = store.sessions.listAll().find((s) => s.sandbox === 1);
      if (first?.id === sessionId && deps.sandbox) return deps.sandbox.seed;
      return row.sandbox_seed ?? undefined;
    },
    ratePerMinute: deps.sandbox?.ratePerMinute ?? 3,
    logger: sandboxLogger,
    now,
    ...(deps.autoPairSandbox ? { autoPair: deps.autoPairSandbox } : {}),
  });
  return {
    sandbox,
    baileysFactory: createBaileysClientFactory({
      store,
      ingestor,
      logger,
      socketFactory: createRealSocketFactory(),
      sandbox: false,
      now,
      publisher,
    }),
    sandboxFactory: createBaileysClientFactory({
      store,
      ingestor,
      logger: sandboxLogger,
      socketFactory: sandbox.socketFactory,
      sandbox: true,
      now,
      publisher,
    }),
    forgetSession(sessionId) {
      ingestor.forget(sessionId);
      forgetSessionSocketCaches(sessionId);
      sandbox.forget(sessionId);
    },
  };
}
