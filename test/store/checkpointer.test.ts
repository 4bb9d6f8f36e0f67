import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_AUTOCHECKPOINT_PAGES,
  SAFETY_AUTOCHECKPOINT_PAGES,
  startCheckpointer,
} from '../../src-main/store/checkpointer.js';
import { openDatabase } from '../../src-main/store/database.js';
import { openStore } from '../../src-main/store/index.js';

const autocheckpoint = (db: { pragma(s: string, o: { simple: true }): unknown }) =>
  db.pragma('wal_autocheckpoint', { simple: true }) as number;

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return condition();
}

describe('background WAL checkpoints', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wagw-checkpointer-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the WAL into the database file from the worker, below the main connection\'s threshold', async () => {
    const file = join(dir, 'gateway.db');
    const store = openStore(file);
    try {
      expect(store.backgroundCheckpoints()).toBe(true);
      expect(autocheckpoint(store.db)).toBe(SAFETY_AUTOCHECKPOINT_PAGES);
      const before = statSync(file).size;
      store.db.exec('CREATE TABLE filler (x BLOB)');
      const insert = store.db.prepare('INSERT INTO filler VALUES (randomblob(3500))');
      // ~3,000 pages: far below the main connection's automatic checkpoint, so only the worker moves them.
      store.transaction(() => {
        for (let i = 0; i < 3000; i++) insert.run();
      });
      const copied = await until(() => statSync(file).size > before + 8 * 2 ** 20, 10_000);
      expect(copied).toBe(true);
    } finally {
      store.close();
    }
    // Closing stops the worker; the file reopens intact with every row.
    const again = openStore(file);
    try {
      expect(again.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(again.db.prepare('SELECT count(*) FROM filler').pluck().get()).toBe(3000);
    } finally {
      again.close();
    }
  });

  it('falls back to automatic checkpoints when the worker cannot run', async () => {
    const file = join(dir, 'gateway.db');
    const db = openDatabase(file);
    try {
      const errors: unknown[] = [];
      const checkpointer = startCheckpointer(db, file, {
        nativeBinding: join(dir, 'no-such-binding.node'),
        onError: (e) => errors.push(e),
      });
      expect(await until(() => errors.length > 0, 10_000)).toBe(true);
      expect(checkpointer.running()).toBe(false);
      expect(autocheckpoint(db)).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
      checkpointer.stop(); // harmless after a failure
    } finally {
      db.close();
    }
  });

  it('is off for in-memory, read-only and opted-out stores, which keep SQLite\'s automatic checkpoint', () => {
    const memory = openStore(':memory:');
    expect(memory.backgroundCheckpoints()).toBe(false);
    memory.close();

    const file = join(dir, 'gateway.db');
    const optedOut = openStore(file, { backgroundCheckpoints: false });
    expect(optedOut.backgroundCheckpoints()).toBe(false);
    expect(autocheckpoint(optedOut.db)).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
    optedOut.close();

    const readonly = openStore(file, { readonly: true });
    expect(readonly.backgroundCheckpoints()).toBe(false);
    readonly.close();
  });
});
