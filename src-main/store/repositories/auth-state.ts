import type { Db } from '../database.js';

export type AuthStateRepository = ReturnType<typeof createAuthStateRepository>;

/**
 * Raw storage of Baileys auth state (BAILEYS.md section 2). Values are opaque strings here
 * (BufferJSON-serialised by the adapter); this repository only guarantees atomicity.
 */
export function createAuthStateRepository(db: Db) {
  const getCreds = db.prepare('SELECT value FROM wa_auth_creds WHERE session_id = ?');
  const putCreds = db.prepare(
    `INSERT INTO wa_auth_creds (session_id, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (session_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const getKey = db.prepare('SELECT value FROM wa_auth_keys WHERE session_id = ? AND type = ? AND id = ?');
  const putKey = db.prepare(
    `INSERT INTO wa_auth_keys (session_id, type, id, value) VALUES (?, ?, ?, ?)
     ON CONFLICT (session_id, type, id) DO UPDATE SET value = excluded.value`,
  );
  const delKey = db.prepare('DELETE FROM wa_auth_keys WHERE session_id = ? AND type = ? AND id = ?');
  const clearCreds = db.prepare('DELETE FROM wa_auth_creds WHERE session_id = ?');
  const clearKeys = db.prepare('DELETE FROM wa_auth_keys WHERE session_id = ?');

  /** One transaction per set: Baileys commits a key transaction with one set, so each commit is all-or-nothing. */
  const setKeysTx = db.transaction(
    (sessionId: string, entries: { type: string; id: string; value: string | null }[]) => {
      for (const e of entries) {
        if (e.value === null) delKey.run(sessionId, e.type, e.id);
        else putKey.run(sessionId, e.type, e.id, e.value);
      }
    },
  );
  const clearTx = db.transaction((sessionId: string) => {
    clearKeys.run(sessionId);
    clearCreds.run(sessionId);
  });

  return {
    getCreds(sessionId: string): string | undefined {
      return (getCreds.get(sessionId) as { value: string } | undefined)?.value;
    },
    saveCreds(sessionId: string, value: string, now: number = Date.now()): void {
      putCreds.run(sessionId, value, now);
    },
    getKeys(sessionId: string, type: string, ids: string[]): Map<string, string> {
      const out = new Map<string, string>();
      for (const id of ids) {
        const row = getKey.get(sessionId, type, id) as { value: string } | undefined;
        if (row) out.set(id, row.value);
      }
      return out;
    },
    setKeys(sessionId: string, entries: { type: string; id: string; value: string | null }[]): void {
      setKeysTx(sessionId, entries);
    },
    clear(sessionId: string): void {
      clearTx(sessionId);
    },
  };
}
