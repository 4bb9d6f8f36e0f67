/**
 * The store: repositories over one better-sqlite3 connection. Statements are prepared once, when
 * the store is created; multi-statement work runs in synchronous transactions (store.transaction).
 */
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { openDatabase, type Db, type OpenDatabaseOptions } from './database.js';
import { createApiKeysRepository } from './repositories/api-keys.js';
import { createAuditRepository } from './repositories/audit.js';
import { createAuthStateRepository } from './repositories/auth-state.js';
import { createChannelsRepository } from './repositories/channels.js';
import { createChatHistoryRepository } from './repositories/chat-history.js';
import { createChatsRepository } from './repositories/chats.js';
import { createContactsRepository } from './repositories/contacts.js';
import { createEventsRepository } from './repositories/events.js';
import { createExportsRepository } from './repositories/exports.js';
import { createGroupsRepository } from './repositories/groups.js';
import { createLidMappingsRepository } from './repositories/lid-mappings.js';
import { createMediaRepository } from './repositories/media.js';
import { createMessagesRepository } from './repositories/messages.js';
import { createMetaRepository } from './repositories/meta.js';
import { createOrganizationsRepository } from './repositories/organizations.js';
import { createOutboxRepository } from './repositories/outbox.js';
import { createRefreshTokensRepository } from './repositories/refresh-tokens.js';
import { createSearchRepository } from './repositories/search.js';
import { createSessionsRepository } from './repositories/sessions.js';
import { createSigningKeysRepository } from './repositories/signing-keys.js';
import { createWebhooksRepository } from './repositories/webhooks.js';

export type Store = ReturnType<typeof createStore>;

export interface CreateStoreOptions {
  /** Background WAL checkpoints for this connection (see checkpointer.ts); stopped by close(). */
  checkpointer?: Checkpointer | undefined;
}

export function createStore(db: Db, options: CreateStoreOptions = {}) {
  const checkpointer = options.checkpointer;
  // Two plain statements: about half the cost of one SELECT over the pragma_data_version table function.
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  return {
    db,
    meta: createMetaRepository(db),
    organizations: createOrganizationsRepository(db),
    sessions: createSessionsRepository(db),
    chats: createChatsRepository(db),
    chatHistory: createChatHistoryRepository(db),
    channels: createChannelsRepository(db),
    messages: createMessagesRepository(db),
    contacts: createContactsRepository(db),
    lidMappings: createLidMappingsRepository(db),
    apiKeys: createApiKeysRepository(db),
    signingKeys: createSigningKeysRepository(db),
    refreshTokens: createRefreshTokensRepository(db),
    authState: createAuthStateRepository(db),
    events: createEventsRepository(db),
    search: createSearchRepository(db),
    /**
     * [total_changes(), data_version] of this connection: both move on any write, through this connection or
     * committed by another one. Lets caches above the store (verified API keys) know nothing changed since they read.
     */
    changeVersion(): [number, number] {
      return [totalChanges.get() as number, dataVersion.get() as number];
    },
    webhooks: createWebhooksRepository(db),
    media: createMediaRepository(db),
    exports: createExportsRepository(db),
    audit: createAuditRepository(db),
    groups: createGroupsRepository(db),
    outbox: createOutboxRepository(db), // issue 13: retries of failed sends
    /** Runs fn in one synchronous transaction (nested calls become savepoints). */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    /** True while WAL checkpoints run on a worker thread (openStore on a file), false otherwise. */
    backgroundCheckpoints(): boolean {
      return checkpointer?.running() ?? false;
    },
    close(): void {
      checkpointer?.stop();
      if (db.open) {
        try {
          db.pragma('wal_checkpoint(TRUNCATE)');
        } catch {
          // A checkpoint is an optimisation at shutdown; closing is what matters.
        }
        db.close();
      }
    },
  };
}

export interface OpenStoreOptions extends OpenDatabaseOptions {
  /** Run WAL checkpoints on a worker thread (default true for a writable file database). */
  backgroundCheckpoints?: boolean;
}

export function openStore(file: string, options: OpenStoreOptions = {}): Store {
  const db = openDatabase(file, options);
  const wanted = options.backgroundCheckpoints ?? true;
  const onDisk = file !== ':memory:' && file !== '' && !file.startsWith('file::memory:');
  const checkpointer =
    wanted && onDisk && !options.readonly ? startCheckpointer(db, file, { nativeBinding: options.nativeBinding }) : undefined;
  return createStore(db, { checkpointer });
}

export type { Db } from './database.js';
