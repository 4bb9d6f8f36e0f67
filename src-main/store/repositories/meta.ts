import type { Db } from '../database.js';

export type MetaRepository = ReturnType<typeof createMetaRepository>;

/** Small gateway-wide settings and secrets (e.g. the cursor signing secret). */
export function createMetaRepository(db: Db) {
  const get = db.prepare('SELECT value FROM meta WHERE key = ?');
  const insertIgnore = db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)');
  const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  return {
    get(key: string): string | undefined {
      return (get.get(key) as { value: string } | undefined)?.value;
    },
    set(key: string, value: string): void {
      put.run(key, value);
    },
    /** Returns the stored value, creating it with make() the first time. */
    getOrCreate(key: string, make: () => string): string {
      insertIgnore.run(key, make());
      return (get.get(key) as { value: string }).value;
    },
  };
}
