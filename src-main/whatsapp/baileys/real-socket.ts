/**
 * The real SocketFactory: makeWASocket with the settings a gateway needs (BAILEYS.md section 1).
 * Nothing here can be exercised against WhatsApp on the build machines; the config is built by a pure
 * function (buildSocketConfig) so its choices are unit-tested.
 */
import makeWASocket, {
  Browsers,
  type CacheStore,
  type GroupMetadata,
  type UserFacingSocketConfig,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { SocketFactory, SocketFactoryOptions } from '../socket.js';

/**
 * A small in-memory TTL cache with a size bound, implementing Baileys' CacheStore. Expired entries are dropped
 * on read; when full, the oldest insertion goes first.
 */
export class TtlCache implements CacheStore {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get<T>(key: string): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value as T;
  }

  set<T>(key: string, value: T): void {
    this.entries.delete(key); // re-insert so the Map order is insertion-recency
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  del(key: string): void {
    this.entries.delete(key);
  }

  flushAll(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** State that must outlive one socket: Baileys' retry counters (BAILEYS.md: one per session across restarts). */
export interface SessionSocketCaches {
  msgRetryCounterCache: TtlCache;
  groupMetadata: TtlCache;
}

const MSG_RETRY_TTL_MS = 60 * 60 * 1000; // Baileys' own default (DEFAULT_CACHE_TTLS.MSG_RETRY)
const GROUP_METADATA_TTL_MS = 5 * 60 * 1000;

const cachesBySession = new Map<string, SessionSocketCaches>();

export function sessionSocketCaches(sessionId: string): SessionSocketCaches {
  let caches = cachesBySession.get(sessionId);
  if (!caches) {
    caches = {
      msgRetryCounterCache: new TtlCache(MSG_RETRY_TTL_MS, 10_000),
      groupMetadata: new TtlCache(GROUP_METADATA_TTL_MS, 500),
    };
    cachesBySession.set(sessionId, caches);
  }
  return caches;
}

/** Drops a session's caches (session deleted or logged out). */
export function forgetSessionSocketCaches(sessionId: string): void {
  cachesBySession.delete(sessionId);
}

export interface SocketConfigExtras {
  caches: SessionSocketCaches;
  /** Fetches group metadata on a cache miss (the live socket's groupMetadata); undefined before it exists. */
  fetchGroupMetadata: (jid: string) => Promise<GroupMetadata | undefined>;
}

/** The makeWASocket config for one session. Pure apart from the closures it returns. */
export function buildSocketConfig(options: SocketFactoryOptions, extras: SocketConfigExtras): UserFacingSocketConfig {
  const { caches } = extras;
  const config: UserFacingSocketConfig = {
    auth: options.auth,
    logger: options.logger,
    // A gateway must not mark the account online: the phone would stop showing notifications.
    markOnlineOnConnect: false,
    getMessage: options.getMessage,
    msgRetryCounterCache: caches.msgRetryCounterCache,
    cachedGroupMetadata: async (jid: string) => {
      const hit = caches.groupMetadata.get<GroupMetadata>(jid);
      if (hit) return hit;
      try {
        const fetched = await extras.fetchGroupMetadata(jid);
        if (fetched) caches.groupMetadata.set(jid, fetched);
        return fetched;
      } catch {
        // Baileys fetches on its own when this returns undefined, and reports the error to the sender then.
        return undefined;
      }
    },
    // Ignore nothing: channels (@newsletter) and everything else are stored.
    shouldIgnoreJid: () => false,
    // Only ask for the whole history when the user chose it (it is decided at pairing time).
    syncFullHistory: options.fullHistory,
  };
  if (options.fullHistory) {
    // The phone only sends the full history to a "desktop" companion (validate-connection: webSubPlatform).
    config.browser = Browsers.macOS('Desktop');
    config.shouldSyncHistoryMessage = () => true;
  }
  // Otherwise Baileys' defaults: Browsers.macOS('Chrome') and its history filter, which skips FULL syncs but
  // keeps the initial bootstrap (needed for the LID mappings).
  return config;
}

/** Invalidates cached group metadata when the group changes, so the next send fetches the new participants. */
export function bindGroupMetadataRefresh(sock: Pick<WASocket, 'ev'>, caches: SessionSocketCaches): void {
  sock.ev.on('groups.update', (updates) => {
    for (const u of updates) if (u.id) caches.groupMetadata.del(u.id);
  });
  sock.ev.on('group-participants.update', ({ id }) => {
    caches.groupMetadata.del(id);
  });
}

export interface RealSocketFactoryOptions {
  /** Level of Baileys' own logging (it is chatty at info). Never more verbose than the parent logger. */
  baileysLogLevel?: string;
}

export function createRealSocketFactory(factoryOptions: RealSocketFactoryOptions = {}): SocketFactory {
  return (options) => {
    const caches = sessionSocketCaches(options.sessionId);
    let sock: WASocket | undefined;
    const logger = baileysLogger(options.logger, factoryOptions.baileysLogLevel ?? 'warn');
    const config = buildSocketConfig(
      { ...options, logger },
      {
        caches,
        fetchGroupMetadata: async (jid) => (sock ? await sock.groupMetadata(jid) : undefined),
      },
    );
    sock = makeWASocket(config);
    bindGroupMetadataRefresh(sock, caches);
    return sock;
  };
}

function baileysLogger(parent: Logger, wanted: string): Logger {
  const values = parent.levels.values;
  const wantedValue = values[wanted];
  // A child may be more verbose than its parent in pino; keep the stricter of the two.
  const level = wantedValue !== undefined && wantedValue >= parent.levelVal ? wanted : parent.level;
  return parent.child({ component: 'baileys' }, { level });
}
