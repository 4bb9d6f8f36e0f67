/**
 * Full-text search over stored messages (issue 10): the FTS5 tables of migrations/003_message_search.sql,
 * queried newest first with a keyset cursor, and the indexing step (backfill) that indexes queued rows (the
 * triggers queue what is stored or changed) and rows older than the migration, in key order.
 *
 * Order and paging. The FTS rowid is the search key (timestamp / 1000) * 2^31 + pk, so FTS5 returns matches
 * newest first straight from its doclists (`ORDER BY rowid DESC`) and a page stops after `limit` rows, for a
 * word in 10 % of a million messages as for a rare one (docs/BENCHMARKS.md, search). The cursor is the
 * (timestamp, pk) of the last row, like every message list; it becomes `rowid < key(timestamp, pk)`, which
 * FTS5 applies inside the index. Keys are computed in SQL only (they exceed 2^53). A message arriving
 * while someone pages is either above the cursor (not seen, never duplicated) or below it (seen once).
 *
 * The plan is forced with CROSS JOIN: FTS5 outer (by key, descending), then messages by primary key
 * (pk = rowid % 2^31), then the chat's name. Chat and sender filters are filter tokens in the FTS tables
 * (chat_key, sender_key), intersected by FTS5 before any row lookup; the other filters (type, media, time,
 * channels) are checked on the joined message row; before/after also bound the key range.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../database.js';
import type { Statement } from 'better-sqlite3';
import { renderSnippet, type ParsedQuery } from '../search-query.js';
import type { MessageKey, MessageRow } from './messages.js';

export interface SearchFilters {
  chatJid?: string | undefined;
  /** Sender JID (phone or LID form). */
  senderJid?: string | undefined;
  type?: string | undefined;
  hasMedia?: boolean | undefined;
  /** Only messages with timestamp < before (epoch ms). */
  before?: number | undefined;
  /** Only messages with timestamp > after (epoch ms). */
  after?: number | undefined;
  /** Channel posts (chat_jid ending in @newsletter) only when true: callers pass true for principals with `send`. */
  includeChannels: boolean;
}

export interface SearchHit {
  message: MessageRow;
  chat: { jid: string; name: string | null; type: string };
  /** HTML: escaped text with <mark></mark> around hits. */
  snippet: string;
}

export interface BackfillProgress {
  /** Rows of the pre-migration archive looked at so far. */
  done: number;
  /** Rows the archive held when search was added. */
  total: number;
  /** Rows stored or changed since the last indexing step, waiting to be indexed. */
  queued: number;
  /** True once every pre-migration row has been looked at and nothing is queued. */
  finished: boolean;
}

/** What a search could not see yet (the `index` of a search answer). */
export interface SearchIndexState {
  /** True when every stored message is indexed: the answer is complete. */
  complete: boolean;
  /** Messages not indexed yet (pre-migration rows left + queued rows), so not findable by this search. */
  pending: number;
}

/**
 * The filter token of a JID in chat_key / sender_key (migrations/003_message_search.sql): the prefix, 16 hex
 * digits of its SHA-256, 'z'. Short, because FTS5 keeps a copy of every column per row (the JID's own hex
 * doubled the index); fixed length and framed by non-hex letters, so in the trigram table too it matches a
 * whole key only. A collision (2^-64) could not leak a row: the chat and sender are checked on the row too.
 */
export const filterKey = (prefix: 'c' | 's', jid: string): string =>
  `${prefix}${createHash('sha256').update(jid, 'utf8').digest('hex').slice(0, 16)}z`;
const TEXT_COLUMNS = '{body media_filename sender_name search_text}';

/**
 * The MATCH expression: the user's terms restricted to the text columns (so they can never match a filter
 * token), AND the chat / sender tokens asked for, which FTS5 intersects inside the index.
 */
function searchMatch(query: ParsedQuery, filters: SearchFilters): string | null {
  const parts: string[] = [];
  if (query.match !== null) parts.push(`${TEXT_COLUMNS} : (${query.match})`);
  if (filters.chatJid !== undefined) parts.push(`{chat_key} : "${filterKey('c', filters.chatJid)}"`);
  if (filters.senderJid !== undefined) parts.push(`{sender_key} : "${filterKey('s', filters.senderJid)}"`);
  return parts.length ? parts.join(' AND ') : null;
}

const KEY = (ts: string, pk: string) => `((${ts}) / 1000) * 2147483648 + (${pk})`;
const SNIPPET_TOKENS = 12;
/**
 * Queued rows a search indexes before it runs, so it sees what was stored before it. The background indexer
 * (search-backfill.ts) keeps the queue far below this; only during a large history sync or the first indexing
 * of an old archive can a search miss the newest part of what is still queued.
 */
export const SEARCH_INDEXES_FIRST = 5000;

const COLUMNS = `m.pk, m.session_id, m.chat_jid, m.wa_message_id, m.from_me, m.sender_jid, m.sender_lid, m.sender_name,
  m.type, m.body, m.media_filename, m.media_mimetype, m.media_size, m.has_media, m.mentions, m.mention_names,
  m.quoted_message_id, m.timestamp, m.created_at, m.ack_level, m.error, m.edited, m.deleted, m.placeholder`;

type HitRow = MessageRow & { chat_name: string | null; chat_type: string; snippet_raw: string | null };

export type SearchRepository = ReturnType<typeof createSearchRepository>;

export function createSearchRepository(db: Db) {
  // Used by the indexing statements below (not by the migration's triggers, which only queue pks).
  db.function('search_key', { deterministic: true }, (prefix: unknown, jid: unknown) =>
    typeof jid === 'string' && (prefix === 'c' || prefix === 's') ? filterKey(prefix, jid) : '',
  );
  const statements = new Map<string, Statement>();
  const prepared = (sql: string): Statement => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };

  const metaGet = db.prepare('SELECT value FROM meta WHERE key = ?');
  const metaSet = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const metaInt = (key: string): number => Number((metaGet.get(key) as { value: string } | undefined)?.value ?? 0);
  const queued = db.prepare('SELECT count(*) FROM message_search_queue').pluck();
  const anyQueued = db.prepare('SELECT 1 FROM message_search_queue LIMIT 1').pluck();
  const batchLow = db.prepare('SELECT pk FROM messages WHERE pk < ? ORDER BY pk DESC LIMIT 1 OFFSET ?').pluck();
  const countRange = db.prepare('SELECT count(*) FROM messages WHERE pk >= ? AND pk < ?').pluck();
  // Rows go to FTS5 sorted by key: it flushes a segment whenever a rowid is not above the previous one.
  const cols = `${KEY('m.timestamp', 'm.pk')} AS k, m.body, m.media_filename, m.sender_name, m.search_text,
    search_key('c', m.chat_jid) AS chat_key,
    trim(search_key('s', m.sender_jid) || ' ' || search_key('s', m.sender_lid)) AS sender_key`;
  const target = '(rowid, body, media_filename, sender_name, search_text, chat_key, sender_key)';
  const insertWords = `INSERT OR REPLACE INTO message_search ${target}`;
  const insertCjk = `INSERT OR REPLACE INTO message_search_cjk ${target}`;
  // Same ranges as CJK_CHARS of search-query.ts.
  const hasCjk = `coalesce(m.body, '') || ' ' || coalesce(m.media_filename, '') || ' ' || coalesce(m.sender_name, '') || ' ' ||
    coalesce(m.search_text, '') GLOB '*[ก-໿က-႟ក-៿぀-ヿ㐀-䶿一-鿿가-힯豈-﫿𠀀-𯿿]*'`;
  const queueBatch = 'SELECT pk FROM message_search_queue ORDER BY pk DESC LIMIT ?';
  const fillQueuedWords = db.prepare(
    `${insertWords} SELECT ${cols} FROM messages m WHERE m.pk IN (${queueBatch}) AND m.deleted = 0 ORDER BY k`,
  );
  const fillQueuedCjk = db.prepare(
    `${insertCjk} SELECT ${cols} FROM messages m WHERE m.pk IN (${queueBatch}) AND m.deleted = 0 AND ${hasCjk} ORDER BY k`,
  );
  const dropQueued = db.prepare(`DELETE FROM message_search_queue WHERE pk IN (${queueBatch})`);
  const fillRangeWords = db.prepare(
    `${insertWords} SELECT ${cols} FROM messages m WHERE m.pk >= ? AND m.pk < ? AND m.deleted = 0 ORDER BY k`,
  );
  const fillRangeCjk = db.prepare(
    `${insertCjk} SELECT ${cols} FROM messages m WHERE m.pk >= ? AND m.pk < ? AND m.deleted = 0 AND ${hasCjk} ORDER BY k`,
  );

  /** Indexes up to `n` queued rows (newest pk first); returns how many queue entries it took. */
  const indexQueued = (n: number): number => {
    fillQueuedWords.run(n);
    fillQueuedCjk.run(n);
    return dropQueued.run(n).changes;
  };

  const hasPending = (): boolean => anyQueued.get() !== undefined || metaInt('search.backfill_below') > 1;

  const progress = (): BackfillProgress => {
    const below = metaInt('search.backfill_below');
    const total = metaInt('search.backfill_total');
    const pending = queued.get() as number;
    return { done: Math.min(total, metaInt('search.backfill_done')), total, queued: pending, finished: below <= 1 && pending === 0 };
  };

  return {
    /**
     * One page of messages matching `query` in a session, newest first (see the file comment for the order).
     * `after` is the (timestamp, pk) of the last hit of the previous page.
     */
    search(sessionId: string, query: ParsedQuery, filters: SearchFilters, limit: number, after?: MessageKey): SearchHit[] {
      // A read-only connection (`wagw mcp` with no gateway running) cannot index: it finds what is indexed.
      if (!db.readonly && anyQueued.get() !== undefined) db.transaction(() => indexQueued(SEARCH_INDEXES_FIRST))();
      const table = query.index === 'cjk' ? 'message_search_cjk' : 'message_search';
      const where: string[] = [];
      const params: unknown[] = [];
      const match = searchMatch(query, filters);
      if (match !== null) {
        where.push(`${table} MATCH ?`);
        params.push(match);
      }
      for (const pattern of query.like) {
        where.push(
          `(coalesce(s.body, '') || ' ' || coalesce(s.media_filename, '') || ' ' || coalesce(s.sender_name, '') || ' ' || coalesce(s.search_text, '')) LIKE ? ESCAPE '\\'`,
        );
        params.push(pattern);
      }
      if (after) {
        where.push(`s.rowid < ${KEY('CAST(? AS INTEGER)', 'CAST(? AS INTEGER)')}`);
        params.push(Math.floor(after.timestamp), Math.floor(after.pk));
      }
      if (filters.before !== undefined) {
        // timestamp < before  =>  whole second <= (before - 1) / 1000, then exactly on the row.
        where.push('s.rowid < ((CAST(? AS INTEGER) - 1) / 1000 + 1) * 2147483648', 'm.timestamp < ?');
        params.push(Math.floor(filters.before), filters.before);
      }
      if (filters.after !== undefined) {
        where.push('s.rowid >= ((CAST(? AS INTEGER) + 1) / 1000) * 2147483648', 'm.timestamp > ?');
        params.push(Math.floor(filters.after), filters.after);
      }
      where.push('m.session_id = ?', 'm.deleted = 0');
      params.push(sessionId);
      if (filters.chatJid !== undefined) {
        where.push('m.chat_jid = ?');
        params.push(filters.chatJid);
      }
      if (filters.senderJid !== undefined) {
        where.push('(m.sender_jid = ? OR m.sender_lid = ?)');
        params.push(filters.senderJid, filters.senderJid);
      }
      if (filters.type !== undefined) {
        where.push('m.type = ?');
        params.push(filters.type);
      }
      if (filters.hasMedia !== undefined) {
        where.push('m.has_media = ?');
        params.push(filters.hasMedia ? 1 : 0);
      }
      if (!filters.includeChannels) where.push("m.chat_jid NOT LIKE '%@newsletter'");
      params.push(Math.max(1, Math.floor(limit)));

      const sql = `SELECT ${COLUMNS},
          coalesce(c.name, ch.name) AS chat_name,
          coalesce(c.type, CASE WHEN m.chat_jid LIKE '%@newsletter' THEN 'channel'
                                WHEN m.chat_jid LIKE '%@g.us' THEN 'group' ELSE 'dm' END) AS chat_type,
          snippet(${table}, -1, char(1), char(2), '…', ${SNIPPET_TOKENS}) AS snippet_raw
        FROM ${table} AS s
        CROSS JOIN messages AS m ON m.pk = s.rowid % 2147483648
        LEFT JOIN chats AS c ON c.session_id = m.session_id AND c.jid = m.chat_jid
        LEFT JOIN channels AS ch ON ch.session_id = m.session_id AND ch.jid = m.chat_jid
        WHERE ${where.join(' AND ')}
        ORDER BY s.rowid DESC
        LIMIT ?`;
      const rows = prepared(sql).all(...params) as HitRow[];
      return rows.map(({ chat_name, chat_type, snippet_raw, ...message }) => ({
        message: message as MessageRow,
        chat: { jid: message.chat_jid, name: chat_name, type: chat_type },
        snippet: renderSnippet(snippet_raw),
      }));
    },

    /**
     * One step of indexing, in one transaction: up to `batchSize` queued rows (stored or changed since the
     * last step), then up to `batchSize` rows that existed before migration 003 (newest pk first). Call
     * repeatedly (search-backfill.ts) until `finished`; a call with nothing to do is a cheap no-op. Safe while
     * messages keep arriving (they are queued by the triggers; INSERT OR REPLACE indexes a row once).
     */
    backfill(batchSize = 2000): BackfillProgress {
      const n = Math.max(1, Math.floor(batchSize));
      return db.transaction((): BackfillProgress => {
        indexQueued(n);
        const below = metaInt('search.backfill_below');
        if (below > 1) {
          const low = (batchLow.get(below, n - 1) as number | undefined) ?? 1;
          const scanned = countRange.get(low, below) as number;
          fillRangeWords.run(low, below);
          fillRangeCjk.run(low, below);
          metaSet.run('search.backfill_below', String(low));
          metaSet.run('search.backfill_done', String(metaInt('search.backfill_done') + scanned));
        }
        return progress();
      })();
    },

    /** True when some work is left (queued rows or pre-migration rows): one cheap lookup, for a poller. */
    pending: hasPending,

    /**
     * Whether a search now sees every stored message: two cheap lookups when nothing is pending (the usual
     * case), the counts only while the indexer has work left.
     */
    indexState(): SearchIndexState {
      if (!hasPending()) return { complete: true, pending: 0 };
      const p = progress();
      return { complete: p.finished, pending: Math.max(0, p.total - p.done) + p.queued };
    },

    /** Backfill progress without doing any work. */
    backfillProgress(): BackfillProgress {
      return progress();
    },
  };
}
