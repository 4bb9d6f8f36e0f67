import type { Db } from '../database.js';

export interface ContactRow {
  session_id: string;
  jid: string;
  lid: string | null;
  phone_number: string | null;
  name: string | null;
  notify: string | null;
  verified_name: string | null;
  updated_at: number;
}

export interface ContactUpsert {
  jid: string;
  lid?: string | null | undefined;
  phoneNumber?: string | null | undefined;
  name?: string | null | undefined;
  notify?: string | null | undefined;
  verifiedName?: string | null | undefined;
}

export type ContactsRepository = ReturnType<typeof createContactsRepository>;

export function createContactsRepository(db: Db) {
  // Fields left undefined/null keep what is stored: contact updates arrive partial.
  const upsert = db.prepare(
    `INSERT INTO contacts (session_id, jid, lid, phone_number, name, notify, verified_name, updated_at)
     VALUES (@sessionId, @jid, @lid, @phoneNumber, @name, @notify, @verifiedName, @now)
     ON CONFLICT (session_id, jid) DO UPDATE SET
       lid = coalesce(excluded.lid, contacts.lid),
       phone_number = coalesce(excluded.phone_number, contacts.phone_number),
       name = coalesce(excluded.name, contacts.name),
       notify = coalesce(excluded.notify, contacts.notify),
       verified_name = coalesce(excluded.verified_name, contacts.verified_name),
       updated_at = excluded.updated_at`,
  );
  const get = db.prepare('SELECT * FROM contacts WHERE session_id = ? AND jid = ?');
  const byLid = db.prepare('SELECT * FROM contacts WHERE session_id = ? AND lid = ? LIMIT 1');
  return {
    upsert(sessionId: string, c: ContactUpsert, now: number = Date.now()): void {
      upsert.run({
        sessionId,
        jid: c.jid,
        lid: c.lid ?? null,
        phoneNumber: c.phoneNumber ?? null,
        name: c.name ?? null,
        notify: c.notify ?? null,
        verifiedName: c.verifiedName ?? null,
        now,
      });
    },
    get(sessionId: string, jid: string): ContactRow | undefined {
      return get.get(sessionId, jid) as ContactRow | undefined;
    },
    getByLid(sessionId: string, lid: string): ContactRow | undefined {
      return byLid.get(sessionId, lid) as ContactRow | undefined;
    },
    /** The best display name for a JID (phone or LID form): saved name, then push name, then verified name. */
    displayName(sessionId: string, jid: string): string | null {
      const c =
        (get.get(sessionId, jid) as ContactRow | undefined) ??
        (jid.endsWith('@lid') ? (byLid.get(sessionId, jid) as ContactRow | undefined) : undefined);
      return c ? (c.name ?? c.notify ?? c.verified_name ?? null) : null;
    },
  };
}
