import type { Db } from '../database.js';

/** One row of the contacts listing: a contact with both JID forms filled from lid_mappings where known. */
export interface ContactListRow {
  jid: string;
  lid: string | null;
  /** Phone-number JID, when known. */
  pn: string | null;
  name: string | null;
  notify: string | null;
  verified_name: string | null;
  /** Sort key: the folded display name; people with no name sort last, by number. */
  k: string;
}

export interface ContactKey {
  k: string;
  jid: string;
}

/** Lower case without accents ("Zoë" -> "zoe"): contacts sort and match the way people read names. */
export function foldText(s: string): string {
  return s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

const nonEmpty = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

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
  // Sort key of the listing: the folded name a person shows (saved > push > verified), else '~' + number, so
  // named people come first, alphabetically. A scan per page: a few thousand contacts cost well under a
  // millisecond, and no index could hold an accent fold that follows the three name columns.
  db.function('contact_sort_key', { deterministic: true }, (name: unknown, notify: unknown, verified: unknown, jid: unknown) => {
    const shown = nonEmpty(name) ?? nonEmpty(notify) ?? nonEmpty(verified);
    return shown ? foldText(shown) : `~${typeof jid === 'string' ? jid : ''}`;
  });
  db.function('fold_text', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? foldText(v) : null));
  // A LID-form row whose phone form has its own row is the same person (stored before the mapping was known):
  // listed once, under the phone form.
  const LISTING = `SELECT * FROM (
      SELECT c.jid,
        coalesce(c.lid, CASE WHEN c.jid LIKE '%@lid' THEN c.jid END,
          (SELECT m.lid FROM lid_mappings m WHERE m.session_id = c.session_id AND m.pn = c.jid LIMIT 1)) AS lid,
        coalesce(c.phone_number, CASE WHEN c.jid LIKE '%@s.whatsapp.net' THEN c.jid END, mp.pn) AS pn,
        c.name, c.notify, c.verified_name,
        contact_sort_key(c.name, c.notify, c.verified_name, c.jid) AS k
      FROM contacts c
      LEFT JOIN lid_mappings mp ON mp.session_id = c.session_id AND mp.lid = c.jid
      WHERE c.session_id = @sessionId
        AND NOT (mp.pn IS NOT NULL AND EXISTS (SELECT 1 FROM contacts d WHERE d.session_id = c.session_id AND d.jid = mp.pn))
    )
    WHERE (k, jid) > (@k, @jid)
      AND (@q IS NULL OR fold_text(name) LIKE @q ESCAPE '\\' OR fold_text(notify) LIKE @q ESCAPE '\\'
        OR fold_text(verified_name) LIKE @q ESCAPE '\\' OR (@digits IS NOT NULL AND pn LIKE @digits ESCAPE '\\'))
    ORDER BY k, jid LIMIT @limit`;
  const listing = db.prepare(LISTING);
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
    /**
     * The contacts listing (GET /contacts): alphabetical by shown name, keyset on (k, jid). `q` matches the
     * saved, push and verified names (case- and accent-insensitive) and, when it has digits, the phone number.
     */
    page(sessionId: string, limit: number, after?: ContactKey, q?: string): ContactListRow[] {
      const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const query = q ? foldText(q) : null;
      const digits = q ? q.replace(/[\s+()-]/g, '') : '';
      return listing.all({
        sessionId,
        limit,
        k: after?.k ?? '',
        jid: after?.jid ?? '',
        q: query ? like(query) : null,
        digits: /^[0-9]{3,}$/.test(digits) ? like(digits) : null,
      }) as ContactListRow[];
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
