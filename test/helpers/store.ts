/**
 * A real SQLite store in a temp directory, with the default organization and (optionally) one seeded
 * session, so tests stop hand-building session rows. `cleanup()` closes the store and removes the dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src-main/store/index.js';
import type { NewSession, SessionPatch, SessionRow } from '../../src-main/store/repositories/sessions.js';

export const TEST_ORG = 'org_test';

export interface TempStore {
  store: Store;
  dir: string;
  dbPath: string;
  organizationId: string;
  /** Adds a session row (defaults: a non-sandbox session of TEST_ORG). */
  seedSession(overrides?: Partial<NewSession> & { patch?: SessionPatch }): SessionRow;
  cleanup(): void;
}

let seq = 0;

/**
 * Adds a session row to any store (a temp store, a test gateway's, a data dir's) with the defaults of a plain
 * non-sandbox session; `fields` names what the test cares about.
 */
export function seedSessionRow(store: Store, fields: Partial<NewSession> & { organizationId: string }): SessionRow {
  return store.sessions.create({
    id: `sess_test_${++seq}`,
    label: 'test',
    sandbox: false,
    sandboxSeed: null,
    fullHistory: false,
    autoRead: false,
    presenceTyping: false,
    now: 1,
    ...fields,
  });
}

export function tempStore(options: { organizationId?: string; now?: number } = {}): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'wagw-store-'));
  const dbPath = join(dir, 'gateway.db');
  const store = openStore(dbPath);
  const organizationId = options.organizationId ?? TEST_ORG;
  const now = options.now ?? 1;
  store.organizations.create(organizationId, 'Personal', now);
  return {
    store,
    dir,
    dbPath,
    organizationId,
    seedSession(overrides = {}) {
      const { patch, ...fields } = overrides;
      const row = seedSessionRow(store, { organizationId, now, ...fields });
      return patch ? (store.sessions.update(row.id, patch, now) ?? row) : row;
    },
    cleanup() {
      try {
        store.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A temp store with one seeded session: the common case. */
export function tempStoreWithSession(
  session: Partial<NewSession> & { patch?: SessionPatch } = {},
  options: { organizationId?: string; now?: number } = {},
): TempStore & { session: SessionRow } {
  const t = tempStore(options);
  return { ...t, session: t.seedSession(session) };
}
