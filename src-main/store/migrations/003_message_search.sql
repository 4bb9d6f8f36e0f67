-- 003: full-text search over messages (issue 10). See src-main/store/repositories/search.ts for the queries.
--
-- Two FTS5 tables, both keyed by a TIME-ORDERED rowid instead of messages.pk:
--
--   search key = (timestamp / 1000) * 2^31 + pk        (seconds since the epoch, then pk)
--
-- Why: results are listed newest first. With rowid = pk, a frequent word (10 % of a million messages) has
-- 100,000 matches that SQLite would have to look up in `messages` and sort by timestamp before the first
-- page (pk does not follow time: history sync inserts old messages late). With a time-ordered rowid,
-- FTS5 walks its doclists in rowid DESC order and the query stops after `limit` rows, whatever the number
-- of matches; the keyset cursor becomes a rowid bound (`rowid < key`) that FTS5 applies inside the index.
-- pk is recovered as `rowid % 2^31` (one primary-key lookup per returned row). Limits: pk < 2^31 and
-- timestamps < 2^32 s (year 2106). The order is (whole second, pk): the same as the (timestamp, pk) order
-- of message lists for WhatsApp's own timestamps, which are whole seconds; a sub-second timestamp (a local
-- fallback clock) can sort differently within its second. Keys exceed 2^53: never read them into JS
-- (numbers would round); the repository computes them in SQL from (timestamp, pk).
--
-- message_search (unicode61, remove_diacritics 2: case- and accent-insensitive words). No prefix index
-- (`prefix='2 3'`): it made every insert write up to three entries per word (index 40 -> 24 MiB per 200,000
-- messages without it) while `pre*` of 2+ letters stays within target without (docs/BENCHMARKS.md, search).
-- It stores its own copy of the text (an ordinary FTS5 table, not external content): external content needs content_rowid = the key, which
-- messages does not have, and contentless tables cannot produce snippets. The copy is the indexed text
-- only (~the body size), and deleting a key that is not in the table is a harmless no-op, which the
-- backfill below relies on.
--
-- message_search_cjk (trigram, case-insensitive, remove_diacritics 1): unicode61 keeps a run of CJK (or
-- Thai, Khmer, ...) characters as ONE token, so a word inside a sentence is not findable there. Only
-- messages whose text contains such characters are copied here (a GLOB in repositories/search.ts; the
-- same ranges as CJK_CHARS in src-main/store/search-query.ts), so the table stays small for mostly-Latin archives. A query
-- containing such characters is answered from this table alone (any message matching it contains them).
--
-- Indexed: body (text and captions), media_filename (documents), sender_name, and search_text: a new,
-- nullable column for text that is not in those columns today (poll question/options, location names,
-- shared contact names live only in the raw payload). Ingestion fills it (whatsapp/content.ts); it is indexed like the
-- others already. Revoked messages (deleted = 1) are not indexed; editing replaces the indexed text; deleting
-- a row (one message, a whole chat, a session cascade) removes it.
--
-- Indexing happens outside the writer's statement, in key order. FTS5 flushes its pending in-memory index
-- to a new segment whenever a rowid is not larger than the previous one of the transaction; history sync
-- stores messages in no particular time order, so indexing in the triggers wrote one segment per message
-- (measured: 3.4-4.4x the FTS cost of ascending rowids, 20,000 rows). So the insert trigger only queues the pk
-- (message_search_queue, an append in pk order), and search.backfill() indexes queued rows in batches
-- sorted by key: one flush per batch. search.search() first indexes what is queued (bounded; the gateway's
-- background indexer, search-backfill.ts, keeps the queue short), so a search sees what was stored before.
-- Edits and revokes remove the old key at once and queue the row again (a revoked row is then skipped);
-- deleting a row removes its key and its queue entry at once.
--
-- Rows that exist before this migration are not queued either (a million inserts here would hold startup,
-- inside the migration's transaction): search.backfill() indexes them after the queue, in batches, newest pk
-- first, tracked in meta: search.backfill_below (rows with pk < it are still to do), .total, .done. A row
-- indexed both ways (queued after an edit, and reached by the backfill) is indexed once: INSERT OR REPLACE.

-- chat_key and sender_key: filter tokens, so "in this chat" / "from this person" is answered inside FTS5
-- (a doclist intersection) instead of checking the chat of every match (a chat holding 1 in 300 messages
-- meant ~15,000 row lookups per page). chat_key = 'c' + 16 hex digits of the JID's SHA-256 + 'z';
-- sender_key = the same with 's' for sender_jid and for sender_lid (filterKey() and the search_key SQL
-- function in repositories/search.ts, which fill them). One unicode61 token each; in the trigram table the
-- fixed length and the non-hex frame letters make the string match only a whole key. User text never reaches these columns: the
-- query parser quotes every term, and the repository restricts user terms to the four text columns with a
-- column filter. They are the LAST columns so snippet() prefers a text column on a tie.
ALTER TABLE messages ADD COLUMN search_text TEXT;

CREATE VIRTUAL TABLE message_search USING fts5(
  body, media_filename, sender_name, search_text, chat_key, sender_key,
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE message_search_cjk USING fts5(
  body, media_filename, sender_name, search_text, chat_key, sender_key,
  tokenize = 'trigram case_sensitive 0 remove_diacritics 1'
);

CREATE TABLE message_search_queue (pk INTEGER PRIMARY KEY);

INSERT INTO meta (key, value) SELECT 'search.backfill_below', coalesce(max(pk), 0) + 1 FROM messages;
INSERT INTO meta (key, value) SELECT 'search.backfill_total', count(*) FROM messages;
INSERT INTO meta (key, value) VALUES ('search.backfill_done', '0');

CREATE TRIGGER message_search_ai AFTER INSERT ON messages WHEN new.deleted = 0 BEGIN
  INSERT OR IGNORE INTO message_search_queue (pk) VALUES (new.pk);
END;

CREATE TRIGGER message_search_ad AFTER DELETE ON messages BEGIN
  DELETE FROM message_search WHERE rowid = (old.timestamp / 1000) * 2147483648 + old.pk;
  DELETE FROM message_search_cjk WHERE rowid = (old.timestamp / 1000) * 2147483648 + old.pk;
  DELETE FROM message_search_queue WHERE pk = old.pk;
END;

-- Only the indexed columns (and what decides indexing) fire it: receipts (ack_level) and the like do not.
CREATE TRIGGER message_search_au AFTER UPDATE OF body, media_filename, sender_name, search_text, deleted, timestamp, chat_jid, sender_jid, sender_lid
ON messages BEGIN
  DELETE FROM message_search WHERE rowid = (old.timestamp / 1000) * 2147483648 + old.pk;
  DELETE FROM message_search_cjk WHERE rowid = (old.timestamp / 1000) * 2147483648 + old.pk;
  INSERT OR IGNORE INTO message_search_queue (pk) SELECT new.pk WHERE new.deleted = 0;
END;
