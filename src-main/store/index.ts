/**
 * The store: repositories over one better-sqlite3 connection. Statements are prepared once, when
 * the store is created; multi-statement work runs in synchronous transactions (store.transaction).
 */
import { openDatabase, type Db, type OpenDatabaseOptions } from './database.js';
import { createApiKeysRepository } from './repositories/api-keys.js';
import { createAuthStateRepository } from './repositories/auth-state.js';
import { createChannelsRepository } from './repositories/channels.js';
import { createChatsRepository } from './repositories/chats.js';
import { createContactsRepository } from './repositories/contacts.js';
import { createEventsRepository } from './repositories/events.js';
import { createLidMappingsRepository } from './repositories/lid-mappings.js';
import { createMessagesRepository } from './repositories/messages.js';
import { createMetaRepository } from './repositories/meta.js';
import { createOrganizationsRepository } from './repositories/organizations.js';
import { createSessionsRepository } from './repositories/sessions.js';
import { createSigningKeysRepository } from './repositories/signing-keys.js';

export type Store = ReturnType<typeof createStore>;

export function createStore(db: Db) {
  return {
    db,
    meta: createMetaRepository(db),
    organizations: createOrganizationsRepository(db),
    sessions: createSessionsRepository(db),
    chats: createChatsRepository(db),
    channels: createChannelsRepository(db),
    messages: createMessagesRepository(db),
    contacts: createContactsRepository(db),
    lidMappings: createLidMappingsRepository(db),
    apiKeys: createApiKeysRepository(db),
    signingKeys: createSigningKeysRepository(db),
    authState: createAuthStateRepository(db),
    events: createEventsRepository(db),
    /** Runs fn in one synchronous transaction (nested calls become savepoints). */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    close(): void {
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

export function openStore(file: string, options: OpenDatabaseOptions = {}): Store {
  return createStore(openDatabase(file, options));
}

export type { Db } from './database.js';
