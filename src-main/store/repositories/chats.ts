import type { Db } from '../database.js';
import type { Chat, ChatType } from '../../core/types.js';
import { rowToMessage, type MessageRow } from './messages.js';

export interface ChatKey {
  lastMessageAt: number;
  jid: string;
}

export interface ChatRow {
  session_id: string;
  jid: string;
  name: string | null;
  type: string;
  last_message_at: number;
  unread_count: number;
  archived: number;
  pinned: number;
  muted_until: number | null;
}

export interface ChatPatch {
  name?: string | null | undefined;
  unreadCount?: number | undefined;
  archived?: boolean | undefined;
  pinned?: boolean | undefined;
  mutedUntil?: number | null | undefined;
  lastMessageAt?: number | undefined;
}

const COLUMNS = 'session_id, jid, name, type, last_message_at, unread_count, archived, pinned, muted_until';

export function rowToChat(r: ChatRow, last: MessageRow | undefined): Chat {
  return {
    jid: r.jid,
    name: r.name,
    type: r.type as ChatType,
    lastMessageAt: r.last_message_at > 0 ? r.last_message_at : null,
    lastMessage: last ? rowToMessage(last) : null,
    unreadCount: r.unread_count,
    archived: r.archived === 1,
    pinned: r.pinned === 1,
    mutedUntil: r.muted_until,
    sessionId: r.session_id,
  };
}

/** A whole new chat row (ingestion creates chats with their activity and flags at once). */
export interface NewChat {
  jid: string;
  name: string | null;
  type: ChatType;
  lastMessageAt: number;
  unreadCount: number;
  archived: boolean;
  pinned: boolean;
  mutedUntil: number | null;
}

export type ChatsRepository = ReturnType<typeof createChatsRepository>;

export function createChatsRepository(db: Db) {
  const ensure = db.prepare(
    `INSERT INTO chats (session_id, jid, name, type) VALUES (?, ?, ?, ?)
     ON CONFLICT (session_id, jid) DO UPDATE SET name = coalesce(excluded.name, chats.name)`,
  );
  const get = db.prepare(`SELECT ${COLUMNS} FROM chats WHERE session_id = ? AND jid = ?`);
  const touch = db.prepare(
    `UPDATE chats SET last_message_at = max(last_message_at, ?), unread_count = unread_count + ?
     WHERE session_id = ? AND jid = ?`,
  );
  const firstPage = db.prepare(
    `SELECT ${COLUMNS} FROM chats WHERE session_id = ? ORDER BY last_message_at DESC, jid DESC LIMIT ?`,
  );
  const nextPage = db.prepare(
    `SELECT ${COLUMNS} FROM chats WHERE session_id = ? AND (last_message_at, jid) < (?, ?)
     ORDER BY last_message_at DESC, jid DESC LIMIT ?`,
  );
  const search = db.prepare(
    `SELECT ${COLUMNS} FROM chats WHERE session_id = ? AND (name LIKE ? ESCAPE '\\' OR jid LIKE ? ESCAPE '\\')
       AND (last_message_at, jid) < (?, ?)
     ORDER BY last_message_at DESC, jid DESC LIMIT ?`,
  );
  const lastMessage = db.prepare(
    `SELECT pk, session_id, chat_jid, wa_message_id, from_me, sender_jid, sender_lid, sender_name, type, body,
       media_filename, media_mimetype, media_size, has_media, mentions, mention_names, quoted_message_id, timestamp,
       created_at, ack_level, error, edited, deleted, placeholder
     FROM messages WHERE session_id = ? AND chat_jid = ? AND type <> 'reaction'
     ORDER BY timestamp DESC, pk DESC LIMIT 1`,
  );
  // The one rule for reactions (as WhatsApp's chat list): never the preview, never moving the chat
  // (ingest/chats.ts touch() gives them no activity time; the renderer's applyMessageToChats skips them).
  const remove = db.prepare('DELETE FROM chats WHERE session_id = ? AND jid = ?');
  const removeMessages = db.prepare('DELETE FROM messages WHERE session_id = ? AND chat_jid = ?');
  const markRead = db.prepare('UPDATE chats SET unread_count = 0 WHERE session_id = ? AND jid = ?');
  const patchStmt = db.prepare(
    `UPDATE chats SET
       name = CASE WHEN @setName THEN @name ELSE name END,
       unread_count = coalesce(@unreadCount, unread_count),
       archived = coalesce(@archived, archived),
       pinned = coalesce(@pinned, pinned),
       muted_until = CASE WHEN @setMuted THEN @mutedUntil ELSE muted_until END,
       last_message_at = max(last_message_at, coalesce(@lastMessageAt, 0))
     WHERE session_id = @sessionId AND jid = @jid`,
  );
  const insertIfMissing = db.prepare(
    `INSERT INTO chats (session_id, jid, name, type, last_message_at, unread_count, archived, pinned, muted_until)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, jid) DO NOTHING`,
  );
  const nameIfMissing = db.prepare('UPDATE chats SET name = ? WHERE session_id = ? AND jid = ? AND name IS NULL');
  const savedName = db.prepare(
    `UPDATE chats SET name = ? WHERE session_id = ? AND jid = ? AND type = 'dm' AND (name IS NULL OR name <> ?)`,
  );
  const markUnread = db.prepare('UPDATE chats SET unread_count = max(unread_count, 1) WHERE session_id = ? AND jid = ?');
  // Merge a LID-form conversation into its phone-form chat; a duplicate id already there wins.
  const moveMessages = db.prepare('UPDATE OR IGNORE messages SET chat_jid = ? WHERE session_id = ? AND chat_jid = ?');
  // The LID chat's stretches of history (chat_segments, migration 012) go with its messages: the same
  // segment under both forms widens into one.
  const moveSegments = db.prepare(
    `INSERT INTO chat_segments (session_id, chat_jid, segment, from_at, from_id, to_at, to_id)
     SELECT session_id, ?, segment, from_at, from_id, to_at, to_id FROM chat_segments WHERE session_id = ? AND chat_jid = ? AND true
     ON CONFLICT (session_id, chat_jid, segment) DO UPDATE SET
       from_id = CASE WHEN excluded.from_at < from_at THEN excluded.from_id ELSE from_id END,
       from_at = min(from_at, excluded.from_at),
       to_id = CASE WHEN excluded.to_at > to_at THEN excluded.to_id ELSE to_id END,
       to_at = max(to_at, excluded.to_at)`,
  );
  const removeSegments = db.prepare('DELETE FROM chat_segments WHERE session_id = ? AND chat_jid = ?');
  const insertChat = (sessionId: string, c: NewChat): boolean =>
    insertIfMissing.run(
      sessionId,
      c.jid,
      c.name,
      c.type,
      c.lastMessageAt,
      c.unreadCount,
      c.archived ? 1 : 0,
      c.pinned ? 1 : 0,
      c.mutedUntil,
    ).changes === 1;
  const patch = (sessionId: string, jid: string, p: ChatPatch): void => {
    patchStmt.run({
      sessionId,
      jid,
      setName: p.name !== undefined ? 1 : 0,
      name: p.name ?? null,
      unreadCount: p.unreadCount ?? null,
      archived: p.archived === undefined ? null : p.archived ? 1 : 0,
      pinned: p.pinned === undefined ? null : p.pinned ? 1 : 0,
      setMuted: p.mutedUntil !== undefined ? 1 : 0,
      mutedUntil: p.mutedUntil ?? null,
      lastMessageAt: p.lastMessageAt ?? null,
    });
  };
  /**
   * Files the conversation stored under `lid` under its phone chat `pn`: messages move (duplicates already
   * there win), the phone chat is created from the LID chat or takes its counters and name, the LID row goes.
   * True when a LID chat row existed (callers announce its deletion); without one, nothing is touched.
   */
  const mergeLidTx = db.transaction((sessionId: string, lid: string, pn: string): boolean => {
    const lidRow = get.get(sessionId, lid) as ChatRow | undefined;
    if (!lidRow) return false;
    moveMessages.run(pn, sessionId, lid);
    removeMessages.run(sessionId, lid); // leftovers were duplicates of rows already in the phone chat
    moveSegments.run(pn, sessionId, lid);
    removeSegments.run(sessionId, lid);
    const pnRow = get.get(sessionId, pn) as ChatRow | undefined;
    if (!pnRow) {
      insertChat(sessionId, {
        jid: pn,
        name: lidRow.name,
        type: 'dm',
        lastMessageAt: lidRow.last_message_at,
        unreadCount: lidRow.unread_count,
        archived: lidRow.archived === 1,
        pinned: lidRow.pinned === 1,
        mutedUntil: lidRow.muted_until,
      });
    } else {
      patch(sessionId, pn, {
        unreadCount: pnRow.unread_count + lidRow.unread_count,
        lastMessageAt: lidRow.last_message_at,
        ...(pnRow.name === null && lidRow.name !== null ? { name: lidRow.name } : {}),
      });
    }
    remove.run(sessionId, lid);
    return true;
  });
  const deleteTx = db.transaction((sessionId: string, jid: string) => {
    removeMessages.run(sessionId, jid);
    removeSegments.run(sessionId, jid);
    return remove.run(sessionId, jid).changes === 1;
  });

  const toChat = (r: ChatRow) => rowToChat(r, lastMessage.get(r.session_id, r.jid) as MessageRow | undefined);

  return {
    /** Creates the chat if missing; a non-null name replaces the stored one. */
    ensure(sessionId: string, jid: string, type: ChatType, name: string | null = null): void {
      ensure.run(sessionId, jid, name, type);
    },
    getRow(sessionId: string, jid: string): ChatRow | undefined {
      return get.get(sessionId, jid) as ChatRow | undefined;
    },
    get(sessionId: string, jid: string): Chat | undefined {
      const r = get.get(sessionId, jid) as ChatRow | undefined;
      return r ? toChat(r) : undefined;
    },
    exists(sessionId: string, jid: string): boolean {
      return get.get(sessionId, jid) !== undefined;
    },
    /**
     * Records activity: last_message_at only moves forward; unread grows by `unreadDelta`.
     * False when there is no such chat (nothing changed).
     */
    touch(sessionId: string, jid: string, timestamp: number, unreadDelta = 0): boolean {
      return touch.run(timestamp, unreadDelta, sessionId, jid).changes === 1;
    },
    /** Creates the chat with all its fields unless it exists; true when created. */
    insert: insertChat,
    patch,
    /** Sets a name only on a chat that has none (a push name never replaces a saved one). */
    setNameIfMissing(sessionId: string, jid: string, name: string): void {
      nameIfMissing.run(name, sessionId, jid);
    },
    /** A saved contact name: the name of the person's DM chat. */
    setSavedName(sessionId: string, jid: string, name: string): void {
      savedName.run(name, sessionId, jid, name);
    },
    /** Marked unread on the phone: at least one unread. */
    markUnread(sessionId: string, jid: string): void {
      markUnread.run(sessionId, jid);
    },
    mergeLidInto(sessionId: string, lid: string, pn: string): boolean {
      return mergeLidTx(sessionId, lid, pn);
    },
    /** Newest activity first. `query` filters by name or JID substring (case-insensitive for ASCII). */
    page(sessionId: string, limit: number, after?: ChatKey, query?: string): ChatRow[] {
      if (query) {
        const like = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        return search.all(
          sessionId,
          like,
          like,
          after?.lastMessageAt ?? Number.MAX_SAFE_INTEGER,
          after?.jid ?? '\uffff',
          limit,
        ) as ChatRow[];
      }
      return (
        after ? nextPage.all(sessionId, after.lastMessageAt, after.jid, limit) : firstPage.all(sessionId, limit)
      ) as ChatRow[];
    },
    /** The API's Chat for a row, with its newest message as the preview. */
    toChat,
    /** Local delete: the chat row and all its stored messages, atomically. False if no such chat. */
    delete(sessionId: string, jid: string): boolean {
      return deleteTx(sessionId, jid);
    },
    markRead(sessionId: string, jid: string): void {
      markRead.run(sessionId, jid);
    },
    removeRowOnly(sessionId: string, jid: string): void {
      remove.run(sessionId, jid);
    },
  };
}
