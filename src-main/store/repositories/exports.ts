import type { Db } from '../database.js';
import type { MessageKey, MessageRow } from './messages.js';

/** A message row with its downloaded media file, if any (media_jobs state 'done'). */
export interface ExportRow extends MessageRow {
  media_sha256: string | null;
  media_file_mimetype: string | null;
}

export type ExportsRepository = ReturnType<typeof createExportsRepository>;

/**
 * Reads for exporting a whole chat: oldest first, in keyset batches, so an export holds one batch in memory
 * whatever the size of the chat (src-main/app/export.ts drives it and awaits the writer between batches).
 * Kept apart from messages.ts: the API pages newest first, an export walks the other way.
 */
export function createExportsRepository(db: Db) {
  const SELECT = `SELECT m.pk, m.session_id, m.chat_jid, m.wa_message_id, m.from_me, m.sender_jid, m.sender_lid,
      m.sender_name, m.type, m.body, m.media_filename, m.media_mimetype, m.media_size, m.has_media, m.mentions,
      m.mention_names, m.quoted_message_id, m.timestamp, m.created_at, m.ack_level, m.error, m.edited, m.deleted,
      m.placeholder, CASE WHEN j.state = 'done' THEN j.sha256 END AS media_sha256, f.mimetype AS media_file_mimetype
    FROM messages m LEFT JOIN media_jobs j ON j.message_pk = m.pk LEFT JOIN media_files f ON f.sha256 = j.sha256`;
  const first = db.prepare(`${SELECT} WHERE m.session_id = ? AND m.chat_jid = ? ORDER BY m.timestamp, m.pk LIMIT ?`);
  const next = db.prepare(
    `${SELECT} WHERE m.session_id = ? AND m.chat_jid = ? AND (m.timestamp, m.pk) > (?, ?) ORDER BY m.timestamp, m.pk LIMIT ?`,
  );
  // Distinct downloaded files of a chat, by hash (a keyset on sha256), for the media/ folder of a zip.
  const files = db.prepare(`SELECT DISTINCT j.sha256 AS sha256, f.mimetype AS mimetype
    FROM messages m JOIN media_jobs j ON j.message_pk = m.pk JOIN media_files f ON f.sha256 = j.sha256
    WHERE m.session_id = ? AND m.chat_jid = ? AND j.state = 'done' AND j.sha256 > ? ORDER BY j.sha256 LIMIT ?`);

  /** Oldest first; `after` is the key of the last row of the previous batch. */
  const batch = (sessionId: string, chatJid: string, limit: number, after?: MessageKey): ExportRow[] =>
    (after ? next.all(sessionId, chatJid, after.timestamp, after.pk, limit) : first.all(sessionId, chatJid, limit)) as ExportRow[];

  return {
    batch,
    /** Every row of the chat, oldest first, read `size` rows at a time. */
    *iterateChat(sessionId: string, chatJid: string, size = 500): Generator<ExportRow[]> {
      let after: MessageKey | undefined;
      for (;;) {
        const rows = batch(sessionId, chatJid, size, after);
        if (rows.length) yield rows;
        if (rows.length < size) return;
        const last = rows[rows.length - 1]!;
        after = { timestamp: last.timestamp, pk: last.pk };
      }
    },
    /** Downloaded files of the chat after hash `after` ('' for the first), in hash order. */
    mediaFiles(sessionId: string, chatJid: string, after: string, limit: number): { sha256: string; mimetype: string | null }[] {
      return files.all(sessionId, chatJid, after, limit) as { sha256: string; mimetype: string | null }[];
    },
  };
}
