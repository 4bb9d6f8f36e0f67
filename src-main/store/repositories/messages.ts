/**
 * The messages table: the row and API shapes (`rowToMessage`), the ingestion hot path (positional prepared
 * inserts, one unique index: migration 002), keyset pages both ways, and the per-row updates receipts, edits,
 * revokes and sends make.
 *
 * Size (~490 lines): one repository over one table whose ~40 statements are prepared together once per
 * connection; the row types and mappers above it are what those statements return. The other queries on
 * messages live where their reader is (exports.ts, search.ts).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../database.js';
import { inListStatements } from '../in-list.js';
import type { MessageRecord, Message, MessageType } from '../../core/types.js';
import { ackStatus } from '../../core/types.js';

/** Position of a message in the newest-first keyset order. */
export interface MessageKey {
  timestamp: number;
  pk: number;
}

export interface MessageRow {
  pk: number;
  session_id: string;
  chat_jid: string;
  wa_message_id: string;
  from_me: number;
  sender_jid: string | null;
  sender_lid: string | null;
  sender_name: string | null;
  type: string;
  body: string;
  media_filename: string | null;
  media_mimetype: string | null;
  media_size: number | null;
  has_media: number;
  mentions: string | null;
  mention_names: string | null;
  quoted_message_id: string | null;
  timestamp: number;
  created_at: number;
  ack_level: number;
  error: string | null;
  edited: number;
  deleted: number;
  placeholder: number;
  raw: string | null;
}

const COLUMNS = `pk, session_id, chat_jid, wa_message_id, from_me, sender_jid, sender_lid, sender_name, type, body,
  media_filename, media_mimetype, media_size, has_media, mentions, mention_names, quoted_message_id, timestamp,
  created_at, ack_level, error, edited, deleted, placeholder`;

export function rowToMessage(r: MessageRow): Message {
  const hasMedia = r.has_media === 1;
  return {
    id: r.wa_message_id,
    waMessageId: r.wa_message_id,
    sessionId: r.session_id,
    chatJid: r.chat_jid,
    direction: r.from_me ? 'out' : 'in',
    fromMe: r.from_me === 1,
    senderJid: r.sender_jid,
    senderLid: r.sender_lid,
    senderName: r.sender_name,
    type: r.type as MessageType,
    body: r.body,
    hasMedia,
    media: hasMedia ? { filename: r.media_filename, mimetype: r.media_mimetype, size: r.media_size } : null,
    mentions: r.mentions ? (JSON.parse(r.mentions) as string[]) : [],
    mentionNames: r.mention_names ? (JSON.parse(r.mention_names) as Record<string, string>) : {},
    quotedMessageId: r.quoted_message_id,
    timestamp: r.timestamp,
    createdAt: r.created_at,
    ackLevel: r.ack_level,
    status: ackStatus(r.ack_level),
    error: r.error,
    edited: r.edited === 1,
    deleted: r.deleted === 1,
  };
}

/** COLUMNS of a page: the chat's own session_id and chat_jid are known from the query, not read per row. */
const PAGE_COLUMNS = `pk, wa_message_id, from_me, sender_jid, sender_lid, sender_name, type, body, media_filename,
  media_mimetype, media_size, has_media, mentions, mention_names, quoted_message_id, timestamp, created_at, ack_level,
  error, edited, deleted, placeholder`;

/**
 * A page row read in raw (array) mode. better-sqlite3 builds an object row by setting each column by name,
 * about 3.5 us per row of 24 columns; reading arrays and building the object here with one literal (one
 * hidden class) costs a fraction of that. A 51-row page went from ~320 us to ~140 us (docs/BENCHMARKS.md,
 * paging and http). Like the object rows it replaces, it has no `raw` property.
 */
function pageRow(a: unknown[], sessionId: string, chatJid: string): MessageRow {
  return {
    pk: a[0],
    session_id: sessionId,
    chat_jid: chatJid,
    wa_message_id: a[1],
    from_me: a[2],
    sender_jid: a[3],
    sender_lid: a[4],
    sender_name: a[5],
    type: a[6],
    body: a[7],
    media_filename: a[8],
    media_mimetype: a[9],
    media_size: a[10],
    has_media: a[11],
    mentions: a[12],
    mention_names: a[13],
    quoted_message_id: a[14],
    timestamp: a[15],
    created_at: a[16],
    ack_level: a[17],
    error: a[18],
    edited: a[19],
    deleted: a[20],
    placeholder: a[21],
  } as MessageRow;
}

function recordParams(sessionId: string, m: MessageRecord, createdAt: number) {
  const hasMedia = m.media !== null;
  return {
    session_id: sessionId,
    chat_jid: m.chatJid,
    wa_message_id: m.waMessageId,
    from_me: m.fromMe ? 1 : 0,
    sender_jid: m.senderJid,
    sender_lid: m.senderLid,
    sender_name: m.senderName,
    type: m.type,
    body: m.body,
    media_filename: m.media?.filename ?? null,
    media_mimetype: m.media?.mimetype ?? null,
    media_size: m.media?.size ?? null,
    has_media: hasMedia ? 1 : 0,
    mentions: m.mentions.length ? JSON.stringify(m.mentions) : null,
    mention_names: Object.keys(m.mentionNames).length ? JSON.stringify(m.mentionNames) : null,
    quoted_message_id: m.quotedMessageId,
    timestamp: m.timestamp,
    created_at: createdAt,
    ack_level: m.ackLevel,
    error: m.error,
    edited: m.edited ? 1 : 0,
    deleted: m.deleted ? 1 : 0,
    placeholder: m.placeholder ? 1 : 0,
    raw: m.raw,
  };
}

/** What ingestion needs to know about a stored message to merge a new copy of it into the row (narrow read). */
export interface MessageSummary {
  pk: number;
  chat_jid: string;
  from_me: number;
  sender_jid: string | null;
  sender_lid: string | null;
  body: string;
  ack_level: number;
  edited: number;
  deleted: number;
  placeholder: number;
}
const SUMMARY_COLUMNS = 'pk, chat_jid, from_me, sender_jid, sender_lid, body, ack_level, edited, deleted, placeholder';

/** Whose reactions to a message a new reaction (or a removal) supersedes: one reaction per person per message. */
export interface ReactionAuthor {
  chatJid: string;
  targetId: string;
  /** The reaction to keep (the new one); '' keeps none. */
  keepId: string;
  fromMe: boolean;
  senderJid: string | null;
  senderLid: string | null;
}

/** JSON of a non-empty object, else null (checked without building the key list). */
function objectJson(o: Record<string, string>): string | null {
  for (const key in o) if (Object.hasOwn(o, key)) return JSON.stringify(o);
  return null;
}

/** A stored reaction as the API shows it on its target message. */
export interface ReactionRow {
  quoted_message_id: string;
  body: string;
  from_me: number;
  sender_jid: string | null;
  sender_lid: string | null;
  timestamp: number;
}

/** An incoming message a read receipt names (issue 13). */
export interface UnreadRow {
  pk: number;
  wa_message_id: string;
  sender_jid: string | null;
  sender_lid: string | null;
  raw: string | null;
}

export type MessagesRepository = ReturnType<typeof createMessagesRepository>;

/** Messages of chats and channel posts. Statements are prepared once; callers wrap batches in db.transaction. */
export function createMessagesRepository(db: Db) {
  const insertIgnore = db.prepare(`INSERT OR IGNORE INTO messages (session_id, chat_jid, wa_message_id, from_me,
      sender_jid, sender_lid, sender_name, type, body, media_filename, media_mimetype, media_size, has_media, mentions,
      mention_names, quoted_message_id, timestamp, created_at, ack_level, error, edited, deleted, placeholder, raw)
    VALUES (@session_id, @chat_jid, @wa_message_id, @from_me, @sender_jid, @sender_lid, @sender_name, @type, @body,
      @media_filename, @media_mimetype, @media_size, @has_media, @mentions, @mention_names, @quoted_message_id,
      @timestamp, @created_at, @ack_level, @error, @edited, @deleted, @placeholder, @raw)`);
  // Replaces a placeholder's content with the real message; keeps pk (so its place in paging) and created_at.
  const replaceContent = db.prepare(`UPDATE messages SET from_me = @from_me, sender_jid = @sender_jid,
      sender_lid = @sender_lid, sender_name = @sender_name, type = @type, body = @body,
      media_filename = @media_filename, media_mimetype = @media_mimetype, media_size = @media_size,
      has_media = @has_media, mentions = @mentions, mention_names = @mention_names,
      quoted_message_id = @quoted_message_id, ack_level = max(ack_level, @ack_level), error = @error,
      placeholder = 0, raw = @raw
    WHERE pk = @pk`);
  const byChatAndId = db.prepare(
    `SELECT ${COLUMNS} FROM messages WHERE session_id = ? AND chat_jid = ? AND wa_message_id = ?`,
  );
  // By id alone: the oldest row when several chats hold the id (the unique index orders them by chat, not pk).
  const byId = db.prepare(
    `SELECT ${COLUMNS} FROM messages WHERE session_id = ? AND wa_message_id = ? ORDER BY pk LIMIT 1`,
  );
  const rawById = db.prepare(
    'SELECT raw FROM messages WHERE session_id = ? AND wa_message_id = ? AND raw IS NOT NULL ORDER BY pk LIMIT 1',
  );
  const byPk = db.prepare(`SELECT ${COLUMNS} FROM messages WHERE pk = ?`);
  // The hot path of history sync: positional parameters (no per-row parameter object). Same columns and
  // semantics as insertIgnore above (INSERT OR IGNORE on the unique key).
  const insertPositional = db.prepare(
    `INSERT OR IGNORE INTO messages (session_id, chat_jid, wa_message_id, from_me, sender_jid, sender_lid,
       sender_name, type, body, media_filename, media_mimetype, media_size, has_media, mentions, mention_names,
       quoted_message_id, timestamp, created_at, ack_level, error, edited, deleted, placeholder, raw)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const summaryInChat = db.prepare(
    `SELECT ${SUMMARY_COLUMNS} FROM messages WHERE session_id = ? AND chat_jid = ? AND wa_message_id = ?`,
  );
  const summaryById = db.prepare(
    `SELECT ${SUMMARY_COLUMNS} FROM messages WHERE session_id = ? AND wa_message_id = ? ORDER BY pk LIMIT 1`,
  );
  const setRaw = db.prepare('UPDATE messages SET raw = ? WHERE pk = ?');
  // search_text (migration 003) is set apart from the insert: only polls and shared contacts have any. Prepared
  // on first use, so the repository still opens old-schema databases (tests and the bench build those).
  let setSearchTextStmt: ReturnType<Db['prepare']> | undefined;
  const setSearchText = (text: string, pk: number | bigint) =>
    (setSearchTextStmt ??= db.prepare('UPDATE messages SET search_text = ? WHERE pk = ?')).run(text, pk);
  const fillRaw = db.prepare('UPDATE messages SET raw = ? WHERE pk = ? AND raw IS NULL');
  const removeReactions = db.prepare(
    `DELETE FROM messages WHERE session_id = @sessionId AND chat_jid = @chatJid AND type = 'reaction'
       AND quoted_message_id = @targetId AND wa_message_id <> @keepId
       AND ((@fromMe = 1 AND from_me = 1)
         OR (@fromMe = 0 AND from_me = 0 AND (sender_jid = @senderJid OR sender_lid = @senderLid)))`,
  );
  // Pages are read as arrays (see pageRow): they are the hot read path of the API.
  const firstPage = db
    .prepare(
      `SELECT ${PAGE_COLUMNS} FROM messages WHERE session_id = ? AND chat_jid = ?
     ORDER BY timestamp DESC, pk DESC LIMIT ?`,
    )
    .raw(true);
  const nextPage = db
    .prepare(
      `SELECT ${PAGE_COLUMNS} FROM messages WHERE session_id = ? AND chat_jid = ? AND (timestamp, pk) < (?, ?)
     ORDER BY timestamp DESC, pk DESC LIMIT ?`,
    )
    .raw(true);
  const latest = db.prepare(
    `SELECT ${COLUMNS} FROM messages WHERE session_id = ? AND chat_jid = ? ORDER BY timestamp DESC, pk DESC LIMIT 1`,
  );
  // Paging newer (search "open at message", chats ?around=): the rows right after a key, oldest first.
  const newerPage = db
    .prepare(
      `SELECT ${PAGE_COLUMNS} FROM messages WHERE session_id = ? AND chat_jid = ? AND (timestamp, pk) > (?, ?)
     ORDER BY timestamp ASC, pk ASC LIMIT ?`,
    )
    .raw(true);
  const setAck = db.prepare(
    // A receipt only ever raises the level; an error (0) is recorded separately by setError.
    'UPDATE messages SET ack_level = ? WHERE pk = ? AND ack_level < ? AND ack_level <> 0',
  );
  const setError = db.prepare('UPDATE messages SET ack_level = 0, error = ? WHERE pk = ?');
  const setEdited = db.prepare('UPDATE messages SET body = ?, edited = 1 WHERE pk = ?');
  const setDeleted = db.prepare('UPDATE messages SET deleted = 1 WHERE pk = ?');
  // issue 13: a retried send is pending again; the unread incoming messages a read receipt names.
  const setPending = db.prepare('UPDATE messages SET ack_level = 1, error = NULL WHERE pk = ?');
  const unreadIncoming = db.prepare(`SELECT pk, wa_message_id, sender_jid, sender_lid, raw FROM messages
    WHERE session_id = ? AND chat_jid = ? AND from_me = 0 AND placeholder = 0 AND deleted = 0
      AND type NOT IN ('system', 'reaction')
    ORDER BY timestamp DESC, pk DESC LIMIT ?`);
  const deleteOne = db.prepare('DELETE FROM messages WHERE pk = ?');
  // The tombstone that keeps a message deleted "for me" from coming back (migration 013). Prepared on first use:
  // tests of older migrations open a partly migrated database with these repositories.
  let tombstone: Statement | undefined;
  const tombstoneOf = () =>
    (tombstone ??= db.prepare(
      'INSERT OR IGNORE INTO removed_messages (session_id, wa_message_id, chat_jid, removed_at) SELECT session_id, wa_message_id, chat_jid, ? FROM messages WHERE pk = ?',
    ));
  const deleteChat = db.prepare('DELETE FROM messages WHERE session_id = ? AND chat_jid = ?');
  const moveChat = db.prepare(
    // Merge a LID-form conversation into its phone-form chat; a duplicate id already there wins.
    'UPDATE OR IGNORE messages SET chat_jid = ? WHERE session_id = ? AND chat_jid = ?',
  );
  // Reactions and payloads of one page at a time (the API's Message details); IN lists are built per page size.
  const reactionsSql = (n: number) =>
    `SELECT quoted_message_id, body, from_me, sender_jid, sender_lid, timestamp FROM messages
      WHERE session_id = ? AND chat_jid = ? AND type = 'reaction' AND quoted_message_id IN (${'?,'.repeat(n - 1)}?)`;
  const rawsSql = (n: number) => `SELECT pk, raw FROM messages WHERE raw IS NOT NULL AND pk IN (${'?,'.repeat(n - 1)}?)`;
  const reactionsStmt = inListStatements(db, reactionsSql);
  const rawsStmt = inListStatements(db, rawsSql);
  const countChat = db.prepare('SELECT count(*) AS n FROM messages WHERE session_id = ? AND chat_jid = ?');
  const fixSender = db.prepare(
    // Served by messages_unresolved_sender (migration 007): only rows still lacking a phone JID.
    'UPDATE messages SET sender_jid = ? WHERE session_id = ? AND sender_lid = ? AND sender_jid IS NULL RETURNING pk',
  );

  /**
   * The same insert with positional parameters, for ingestion's hot path (history sync: one call per
   * message). The new row's pk, or null when (session, chat, waMessageId) already existed (or was removed).
   */
  function insertFast(sessionId: string, m: MessageRecord, createdAt: number): number | null {
    const media = m.media;
    const res = insertPositional.run(
        sessionId,
        m.chatJid,
        m.waMessageId,
        m.fromMe ? 1 : 0,
        m.senderJid,
        m.senderLid,
        m.senderName,
        m.type,
        m.body,
        media ? media.filename : null,
        media ? media.mimetype : null,
        media ? media.size : null,
        media ? 1 : 0,
        m.mentions.length ? JSON.stringify(m.mentions) : null,
        objectJson(m.mentionNames),
        m.quotedMessageId,
        m.timestamp,
        createdAt,
        m.ackLevel,
        m.error,
        m.edited ? 1 : 0,
        m.deleted ? 1 : 0,
        m.placeholder ? 1 : 0,
        m.raw,
      );
    if (res.changes !== 1) return null;
    if (m.searchText) setSearchText(m.searchText, res.lastInsertRowid);
    return Number(res.lastInsertRowid);
  }

  return {
    /** Inserts unless (session, chat, waMessageId) exists. Returns the new pk, or null if it was already there. */
    insert(sessionId: string, m: MessageRecord, createdAt: number = Date.now()): number | null {
      const res = insertIgnore.run(recordParams(sessionId, m, createdAt));
      if (res.changes !== 1) return null;
      if (m.searchText) setSearchText(m.searchText, res.lastInsertRowid);
      return Number(res.lastInsertRowid);
    },
    insertFast,
    /** Many records in one transaction (nested in the caller's, if any); returns how many rows were added. */
    insertMany(sessionId: string, records: readonly MessageRecord[], createdAt: number): number {
      let added = 0;
      db.transaction(() => {
        for (const m of records) if (insertFast(sessionId, m, createdAt) !== null) added++;
      })();
      return added;
    },
    replacePlaceholder(pk: number, sessionId: string, m: MessageRecord): void {
      const p = recordParams(sessionId, m, 0);
      replaceContent.run({ ...p, pk });
      if (m.searchText) setSearchText(m.searchText, pk);
    },
    find(sessionId: string, chatJid: string, waMessageId: string): MessageRow | undefined {
      return byChatAndId.get(sessionId, chatJid, waMessageId) as MessageRow | undefined;
    },
    /** By WhatsApp id alone, for updates whose key names the chat in another form (LID vs phone). */
    findById(sessionId: string, waMessageId: string): MessageRow | undefined {
      return byId.get(sessionId, waMessageId) as MessageRow | undefined;
    },
    /** By primary key. */
    get(pk: number): MessageRow | undefined {
      return byPk.get(pk) as MessageRow | undefined;
    },
    /** The merge summary of (session, chat, id); with chatJid null or no such row, of the oldest row with the id. */
    findSummary(sessionId: string, chatJid: string | null, waMessageId: string): MessageSummary | undefined {
      return (
        ((chatJid ? summaryInChat.get(sessionId, chatJid, waMessageId) : undefined) as MessageSummary | undefined) ??
        (summaryById.get(sessionId, waMessageId) as MessageSummary | undefined)
      );
    },
    /** The merge summary of (session, chat, id) only. */
    findSummaryInChat(sessionId: string, chatJid: string, waMessageId: string): MessageSummary | undefined {
      return summaryInChat.get(sessionId, chatJid, waMessageId) as MessageSummary | undefined;
    },
    /** Stores the raw payload (whatsapp/raw-message.ts writes it) of a row. */
    setRaw(pk: number, raw: string): void {
      setRaw.run(raw, pk);
    },
    /** Stores the raw payload only where none is kept yet. */
    fillRaw(pk: number, raw: string): void {
      fillRaw.run(raw, pk);
    },
    /** Deletes the author's other reactions to the target message (all of them when keepId is ''). */
    removeReactions(sessionId: string, a: ReactionAuthor): void {
      removeReactions.run({
        sessionId,
        chatJid: a.chatJid,
        targetId: a.targetId,
        keepId: a.keepId,
        fromMe: a.fromMe ? 1 : 0,
        senderJid: a.senderJid,
        senderLid: a.senderLid,
      });
    },
    raw(sessionId: string, waMessageId: string): string | undefined {
      return (rawById.get(sessionId, waMessageId) as { raw: string } | undefined)?.raw;
    },
    /** Newest first; `after` is the key of the last item of the previous page. */
    page(sessionId: string, chatJid: string, limit: number, after?: MessageKey): MessageRow[] {
      const rows = (
        after ? nextPage.all(sessionId, chatJid, after.timestamp, after.pk, limit) : firstPage.all(sessionId, chatJid, limit)
      ) as unknown[][];
      return rows.map((a) => pageRow(a, sessionId, chatJid));
    },
    /** The `limit` messages right after `after` (newer), OLDEST first: the caller reverses them. */
    pageNewer(sessionId: string, chatJid: string, limit: number, after: MessageKey): MessageRow[] {
      const rows = newerPage.all(sessionId, chatJid, after.timestamp, after.pk, limit) as unknown[][];
      return rows.map((a) => pageRow(a, sessionId, chatJid));
    },
    latest(sessionId: string, chatJid: string): MessageRow | undefined {
      return latest.get(sessionId, chatJid) as MessageRow | undefined;
    },
    raiseAck(pk: number, ackLevel: number): boolean {
      return setAck.run(ackLevel, pk, ackLevel).changes === 1;
    },
    setError(pk: number, error: string): void {
      setError.run(error, pk);
    },
    setEdited(pk: number, body: string): void {
      setEdited.run(body, pk);
    },
    setDeleted(pk: number): void {
      setDeleted.run(pk);
    },
    /** A failed send of ours goes out again: pending, no error (issue 13). */
    setPending(pk: number): void {
      setPending.run(pk);
    },
    /** The newest `limit` incoming messages of a chat that count as unread (what a read receipt names). */
    unreadIncoming(sessionId: string, chatJid: string, limit: number): UnreadRow[] {
      return limit > 0 ? (unreadIncoming.all(sessionId, chatJid, limit) as UnreadRow[]) : [];
    },
    /** Deletes one stored message for good: a later delivery of the same message is not stored again. */
    remove(pk: number, now: number = Date.now()): void {
      db.transaction(() => {
        tombstoneOf().run(now, pk);
        deleteOne.run(pk);
      })();
    },
    removeChat(sessionId: string, chatJid: string): number {
      return deleteChat.run(sessionId, chatJid).changes;
    },
    moveChat(sessionId: string, fromJid: string, toJid: string): void {
      moveChat.run(toJid, sessionId, fromJid);
      deleteChat.run(sessionId, fromJid); // leftovers were duplicates of rows already in the target chat
    },
    /**
     * Reaction rows to the given messages of one chat, newest first (one per person: ingestion keeps the last).
     * Sorted here, not in SQL: an ORDER BY timestamp would make SQLite walk the chat's page index instead of
     * messages_reactions (migration 006).
     */
    reactionsTo(sessionId: string, chatJid: string, targetIds: readonly string[]): ReactionRow[] {
      const out: ReactionRow[] = [];
      for (let i = 0; i < targetIds.length; i += 500) {
        const part = targetIds.slice(i, i + 500);
        out.push(...(reactionsStmt(part.length).all(sessionId, chatJid, ...part) as ReactionRow[]));
      }
      return out.sort((a, b) => b.timestamp - a.timestamp);
    },
    /** Stored payloads of the given rows (pk -> raw); rows without one are absent. */
    rawsOf(pks: readonly number[]): Map<number, string> {
      const out = new Map<number, string>();
      for (let i = 0; i < pks.length; i += 500) {
        const part = pks.slice(i, i + 500);
        for (const r of rawsStmt(part.length).all(...part) as { pk: number; raw: string }[]) out.set(r.pk, r.raw);
      }
      return out;
    },
    /** Gives the messages sent under a LID only its phone JID (a mapping learned later); their pks. */
    setSenderJidForLid(sessionId: string, lid: string, pn: string): number[] {
      return (fixSender.all(pn, sessionId, lid) as { pk: number }[]).map((r) => r.pk);
    },
    count(sessionId: string, chatJid: string): number {
      return (countChat.get(sessionId, chatJid) as { n: number }).n;
    },
  };
}
