/**
 * The extent of a chat's stored history (GET /sessions/{s}/chats/{cid}/coverage, src-main/app/history.ts):
 * what the stored messages say (oldest, newest, count) and what only the phone can say (that nothing older
 * exists: chat_history.start_known, migration 007).
 */
import type { Db } from '../database.js';

export interface ChatExtent {
  count: number;
  oldestMessageId: string | null;
  oldestFromMe: boolean;
  oldestMessageAt: number | null;
  newestMessageAt: number | null;
}

export interface ChatHistoryMarks {
  startKnown: boolean;
  lastBackfillAt: number | null;
}

export function createChatHistoryRepository(db: Db) {
  // Both ends through messages_page (session_id, chat_jid, timestamp): no scan of the chat.
  const oldest = db.prepare(
    `SELECT wa_message_id, from_me, timestamp FROM messages WHERE session_id = ? AND chat_jid = ?
     ORDER BY timestamp ASC, pk ASC LIMIT 1`,
  );
  const newest = db.prepare(
    'SELECT timestamp FROM messages WHERE session_id = ? AND chat_jid = ? ORDER BY timestamp DESC, pk DESC LIMIT 1',
  );
  const count = db.prepare('SELECT count(*) AS n FROM messages WHERE session_id = ? AND chat_jid = ?');
  const marks = db.prepare('SELECT start_known, last_backfill_at FROM chat_history WHERE session_id = ? AND chat_jid = ?');
  const startKnown = db.prepare(
    `INSERT INTO chat_history (session_id, chat_jid, start_known) VALUES (?, ?, 1)
     ON CONFLICT (session_id, chat_jid) DO UPDATE SET start_known = 1`,
  );
  const asked = db.prepare(
    `INSERT INTO chat_history (session_id, chat_jid, last_backfill_at) VALUES (?, ?, ?)
     ON CONFLICT (session_id, chat_jid) DO UPDATE SET last_backfill_at = excluded.last_backfill_at`,
  );
  return {
    extent(sessionId: string, chatJid: string): ChatExtent {
      const o = oldest.get(sessionId, chatJid) as { wa_message_id: string; from_me: number; timestamp: number } | undefined;
      const n = newest.get(sessionId, chatJid) as { timestamp: number } | undefined;
      return {
        count: (count.get(sessionId, chatJid) as { n: number }).n,
        oldestMessageId: o?.wa_message_id ?? null,
        oldestFromMe: o?.from_me === 1,
        oldestMessageAt: o?.timestamp ?? null,
        newestMessageAt: n?.timestamp ?? null,
      };
    },
    marks(sessionId: string, chatJid: string): ChatHistoryMarks {
      const r = marks.get(sessionId, chatJid) as { start_known: number; last_backfill_at: number | null } | undefined;
      return { startKnown: r?.start_known === 1, lastBackfillAt: r?.last_backfill_at ?? null };
    },
    /** The phone said there is nothing older than what it sent. */
    markStartKnown(sessionId: string, chatJid: string): void {
      startKnown.run(sessionId, chatJid);
    },
    markAsked(sessionId: string, chatJid: string, at: number): void {
      asked.run(sessionId, chatJid, at);
    },
  };
}
