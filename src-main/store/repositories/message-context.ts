import type { Db } from '../database.js';
import { rowToMessage, type MessageRow } from './messages.js';
import type { Message } from '../../core/types.js';

const COLUMNS = `pk, session_id, chat_jid, wa_message_id, from_me, sender_jid, sender_lid, sender_name, type, body,
  media_filename, media_mimetype, media_size, has_media, mentions, mention_names, quoted_message_id, timestamp,
  created_at, ack_level, error, edited, deleted, placeholder`;

export type MessageContextRepository = ReturnType<typeof createMessageContextRepository>;

/**
 * A message and its neighbours in the chat's (timestamp, pk) order (MCP get_message_context, issue 12). Kept
 * apart from repositories/messages.ts, which another branch restructures; both use the messages_page index.
 */
export function createMessageContextRepository(db: Db) {
  const target = db.prepare(`SELECT ${COLUMNS} FROM messages WHERE session_id = ? AND chat_jid = ? AND wa_message_id = ?`);
  const older = db.prepare(
    `SELECT ${COLUMNS} FROM messages WHERE session_id = ? AND chat_jid = ? AND (timestamp, pk) < (?, ?)
     ORDER BY timestamp DESC, pk DESC LIMIT ?`,
  );
  const newer = db.prepare(
    `SELECT ${COLUMNS} FROM messages WHERE session_id = ? AND chat_jid = ? AND (timestamp, pk) > (?, ?)
     ORDER BY timestamp ASC, pk ASC LIMIT ?`,
  );
  const raw = db.prepare('SELECT raw FROM messages WHERE session_id = ? AND chat_jid = ? AND wa_message_id = ?');
  return {
    /** The message with up to n older and n newer ones, oldest first; undefined when the message is not stored. */
    around(sessionId: string, chatJid: string, waMessageId: string, n: number): { messages: Message[]; index: number } | undefined {
      const t = target.get(sessionId, chatJid, waMessageId) as MessageRow | undefined;
      if (!t) return undefined;
      const before = (older.all(sessionId, chatJid, t.timestamp, t.pk, n) as MessageRow[]).reverse();
      const after = newer.all(sessionId, chatJid, t.timestamp, t.pk, n) as MessageRow[];
      return { messages: [...before, t, ...after].map(rowToMessage), index: before.length };
    },
    /** The stored message with its raw payload (BufferJSON text or null). */
    withRaw(sessionId: string, chatJid: string, waMessageId: string): { message: Message; raw: string | null } | undefined {
      const t = target.get(sessionId, chatJid, waMessageId) as MessageRow | undefined;
      if (!t) return undefined;
      const r = raw.get(sessionId, chatJid, waMessageId) as { raw: string | null } | undefined;
      return { message: rowToMessage(t), raw: r?.raw ?? null };
    },
  };
}
