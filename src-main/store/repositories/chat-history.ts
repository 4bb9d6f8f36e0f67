/**
 * The extent of a chat's stored history (GET /sessions/{s}/chats/{cid}/coverage, src-main/app/history.ts):
 * what the stored messages say (oldest, newest, count) and what only the phone can say (that nothing older
 * exists: chat_history.start_known, migration 007), and the stretches known to be held without a hole
 * (chat_segments, migration 012; the rule is in src-main/app/history-gaps.ts).
 */
import type { Db } from '../database.js';

/** One stretch of a chat's history held without a hole (a chat_segments row). */
export interface SegmentRow {
  segment: string;
  fromAt: number;
  fromId: string;
  toAt: number;
  toId: string;
}

/** What a backfill was anchored on: the phone's answer ends just before it. */
export interface BackfillAnchor {
  waMessageId: string;
  at: number;
}

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
  // Widens a stretch: the older start and the newer end win (SET reads the row's values before the update).
  const extend = db.prepare(
    `INSERT INTO chat_segments (session_id, chat_jid, segment, from_at, from_id, to_at, to_id) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (session_id, chat_jid, segment) DO UPDATE SET
       from_id = CASE WHEN excluded.from_at < from_at THEN excluded.from_id ELSE from_id END,
       from_at = min(from_at, excluded.from_at),
       to_id = CASE WHEN excluded.to_at > to_at THEN excluded.to_id ELSE to_id END,
       to_at = max(to_at, excluded.to_at)`,
  );
  const segments = db.prepare(
    `SELECT segment, from_at AS fromAt, from_id AS fromId, to_at AS toAt, to_id AS toId FROM chat_segments
     WHERE session_id = ? AND chat_jid = ? ORDER BY from_at`,
  );
  const syncRun = db.prepare('SELECT segment FROM history_sync_runs WHERE session_id = ?');
  const setSyncRun = db.prepare(
    `INSERT INTO history_sync_runs (session_id, segment) VALUES (?, ?)
     ON CONFLICT (session_id) DO UPDATE SET segment = excluded.segment`,
  );
  const anchor = db.prepare('SELECT backfill_anchor_id AS id, backfill_anchor_at AS at FROM chat_history WHERE session_id = ? AND chat_jid = ?');
  const askedAt = db.prepare(
    `INSERT INTO chat_history (session_id, chat_jid, last_backfill_at, backfill_anchor_id, backfill_anchor_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (session_id, chat_jid) DO UPDATE SET last_backfill_at = excluded.last_backfill_at,
       backfill_anchor_id = excluded.backfill_anchor_id, backfill_anchor_at = excluded.backfill_anchor_at`,
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
    /** A backfill was asked for; with an anchor, the answer is the stretch that ends on it. */
    markAsked(sessionId: string, chatJid: string, at: number, anchorOn?: BackfillAnchor | null): void {
      if (anchorOn) askedAt.run(sessionId, chatJid, at, anchorOn.waMessageId, anchorOn.at);
      else asked.run(sessionId, chatJid, at);
    },
    backfillAnchor(sessionId: string, chatJid: string): BackfillAnchor | null {
      const r = anchor.get(sessionId, chatJid) as { id: string | null; at: number | null } | undefined;
      return r?.id && r.at !== null ? { waMessageId: r.id, at: r.at } : null;
    },
    /** Widens (or starts) the stretch `segment` of a chat to include [from, to]. */
    extendSegment(sessionId: string, chatJid: string, segment: string, from: { at: number; id: string }, to: { at: number; id: string }): void {
      extend.run(sessionId, chatJid, segment, from.at, from.id, to.at, to.id);
    },
    segments(sessionId: string, chatJid: string): SegmentRow[] {
      return segments.all(sessionId, chatJid) as SegmentRow[];
    },
    /** The segment the session's current history sync joins (set by its INITIAL_BOOTSTRAP chunk). */
    syncRun(sessionId: string): string | null {
      return (syncRun.get(sessionId) as { segment: string } | undefined)?.segment ?? null;
    },
    setSyncRun(sessionId: string, segment: string): void {
      setSyncRun.run(sessionId, segment);
    },
  };
}
