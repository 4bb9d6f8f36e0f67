import type { Db } from '../database.js';

export type LidMappingsRepository = ReturnType<typeof createLidMappingsRepository>;

/** LID <-> phone-number JID pairs, so one person's conversation never splits into two chats. */
export function createLidMappingsRepository(db: Db) {
  const put = db.prepare(
    `INSERT INTO lid_mappings (session_id, lid, pn) VALUES (?, ?, ?)
     ON CONFLICT (session_id, lid) DO UPDATE SET pn = excluded.pn`,
  );
  const pnForLid = db.prepare('SELECT pn FROM lid_mappings WHERE session_id = ? AND lid = ?');
  const lidForPn = db.prepare('SELECT lid FROM lid_mappings WHERE session_id = ? AND pn = ? LIMIT 1');
  return {
    /** Returns true when the pair is new or changed. */
    put(sessionId: string, lid: string, pn: string): boolean {
      const current = (pnForLid.get(sessionId, lid) as { pn: string } | undefined)?.pn;
      if (current === pn) return false;
      put.run(sessionId, lid, pn);
      return true;
    },
    pnForLid(sessionId: string, lid: string): string | undefined {
      return (pnForLid.get(sessionId, lid) as { pn: string } | undefined)?.pn;
    },
    lidForPn(sessionId: string, pn: string): string | undefined {
      return (lidForPn.get(sessionId, pn) as { lid: string } | undefined)?.lid;
    },
  };
}
