/**
 * The WhatsApp side of the gateway: ingestion, the sandbox and the two client factories (real Baileys and
 * the simulated account). Baileys is large (about a quarter of a second to import), so whatsapp-loader.ts
 * imports this module only after the HTTP server listens, and hands out clients that wait for it (lazy-client.ts).
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { EventPublisher } from '../core/events.js';
import type { WhatsAppClientFactory } from '../core/whatsapp-port.js';
import type { Store } from '../store/index.js';
import { createBaileysClientFactory } from '../whatsapp/baileys/adapter.js';
import { createRealSocketFactory, forgetSessionSocketCaches } from '../whatsapp/baileys/real-socket.js';
import type { FileStore } from '../media/file-store.js';
import { createMediaQueue, mediaLivePortOf, type MediaLivePort, type MediaQueue } from '../media/queue.js';
import type { PayloadDetails } from '../core/types.js';
import { createIngestor, type GatewayIngestor } from '../whatsapp/ingest/index.js';
import { readPayloadDetails } from '../whatsapp/message-details.js';
import { createSandbox, type SandboxController } from '../whatsapp/sandbox/index.js';
import { createSandboxMedia, type SandboxMedia } from '../whatsapp/sandbox/media-assets.js';
import type { SandboxConfig } from './config.js';

export interface WhatsAppRuntime {
  sandbox: SandboxController;
  /** The media download queue (started here; stopped by the gateway before the store closes). */
  media: MediaQueue;
  /** Message details from a stored payload (whatsapp/message-details.ts). */
  readDetails(raw: string): PayloadDetails;
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
  /** The content-addressed media files (<data-dir>/media). */
  files: FileStore;
  /** Real media for the sandbox (startSandboxMedia), or null. */
  sandboxMedia?: SandboxMedia | null;
}): WhatsAppRuntime {
  const { store, publisher, logger, now } = deps;
  // Sessions with a socket attached to ingestion can ask their phone to re-upload expired media.
  const live = new Map<string, MediaLivePort>();
  const queue = createMediaQueue({
    store,
    files: deps.files,
    events: publisher,
    live: (sessionId) => live.get(sessionId),
    onError: (err) => logger.warn({ err }, 'media queue error'),
  });
  // stop() waits for a start() still sweeping the file store, so a shutdown never races a late start.
  const starting = queue.start().catch((err: unknown) => logger.error({ err }, 'the media queue could not start'));
  const media: MediaQueue = {
    ...queue,
    async stop() {
      await starting;
      await queue.stop();
    },
  };
  const base =
    deps.ingestor ??
    createIngestor({ store, publisher, logger, now, onMediaStored: (sessionId, items) => media.onMessagesStored(sessionId, items) });
  const ingestor: GatewayIngestor = {
    ...base,
    attach(sessionId, sock) {
      const detach = base.attach(sessionId, sock);
      const updatable = sock as { updateMediaMessage?: MediaLivePort['reupload'] };
      const port = typeof updatable.updateMediaMessage === 'function' ? mediaLivePortOf(updatable as never) : undefined;
      if (port) live.set(sessionId, port);
      return () => {
        if (port && live.get(sessionId) === port) live.delete(sessionId);
        detach();
      };
    },
  };
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
    media: deps.sandboxMedia ?? null,
  });
  return {
    sandbox,
    media,
    readDetails: readPayloadDetails,
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

/**
 * The sandbox's real media (encrypted sample files on a loopback CDN), its keys kept in
 * <data-dir>/sandbox-media.json so media stored by an earlier run still downloads. Null (with a warning)
 * when the sample files are missing: sandbox media messages then carry fake fields.
 */
export async function startSandboxMedia(dataDir: string, logger: Logger): Promise<SandboxMedia | null> {
  try {
    return await createSandboxMedia({ stateFile: join(dataDir, 'sandbox-media.json') });
  } catch (err) {
    logger.warn({ err }, 'sandbox media unavailable (resources/sandbox-media missing?); sandbox media cannot be downloaded');
    return null;
  }
}
