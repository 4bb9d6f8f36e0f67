/**
 * The WhatsApp side of the gateway: ingestion, the sandbox and the two client factories (real Baileys and
 * the simulated account). Baileys is large (about a quarter of a second to import), so createGateway loads this
 * module only after the HTTP server listens, and hands out clients that wait for it (lazy-client.ts).
 */
import type { Logger } from 'pino';
import type { EventPublisher } from '../core/events.js';
import type { WhatsAppClientFactory } from '../core/whatsapp-port.js';
import type { Store } from '../store/index.js';
import { createBaileysClientFactory } from '../whatsapp/baileys/adapter.js';
import { createRealSocketFactory, forgetSessionSocketCaches } from '../whatsapp/baileys/real-socket.js';
import { createIngestor } from '../whatsapp/ingest/index.js';
import { createSandbox, type SandboxController } from '../whatsapp/sandbox/index.js';
import type { SandboxConfig } from './config.js';

export interface WhatsAppRuntime {
  sandbox: SandboxController;
  baileysFactory: WhatsAppClientFactory;
  sandboxFactory: WhatsAppClientFactory;
  forgetSession(sessionId: string): void;
}

export function createWhatsAppRuntime(deps: {
  store: Store;
  publisher: EventPublisher;
  logger: Logger;
  now: () => number;
  sandbox: SandboxConfig | null;
}): WhatsAppRuntime {
  const { store, publisher, logger, now } = deps;
  const ingestor = createIngestor({ store, publisher, logger, now });
  const sandboxLogger = logger.child({ sandbox: true });
  const sandbox = createSandbox({
    seed: deps.sandbox?.seed ?? 1,
    ratePerMinute: deps.sandbox?.ratePerMinute ?? 3,
    logger: sandboxLogger,
    now,
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
    forgetSession: forgetSessionSocketCaches,
  };
}
