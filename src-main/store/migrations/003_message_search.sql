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
-- message_search (unicode61, remove_diacritics 2: case- and accent-insensitive words; prefix indexes of
-- 2 and 3 characters so short `pre*` queries read one doclist). It stores its own copy of the text
-- (an ordinary FTS5 table, not external content): external content needs content_rowid = the key, which
-- messages does not have, and contentless tables cannot produce snippets. The copy is the indexed text
-- only (~the body size), and deleting a key that is not in the table is a harmless no-op, which the
-- backfill below relies on.
--
-- message_search_cjk (trigram, case-insensitive, remove_diacritics 1): unicode61 keeps a run of CJK (or
-- Thai, Khmer, ...) characters as ONE token, so a word inside a sentence is not findable there. Only
-- messages whose text contains such characters are copied here (the GLOB below; same ranges as
-- CJK_CHARS in src-main/store/search-query.ts), so the table stays small for mostly-Latin archives. A query
-- containing such characters is answered from this table alone (any message matching it contains them).
--
-- Indexed: body (text and captions), media_filename (documents), sender_name, and search_text: a new,
-- nullable column for text that is not in those columns today (poll question/options, location names,
-- shared contact names live only in the raw payload). Ingestion fills it later; the triggers already
-- index it. Revoked messages (deleted = 1) are not indexed; editing replaces the indexed text; deleting
-- a row (one message, a whole chat, a session cascade) removes it.
--
-- Rows that exist before this migration are NOT indexed here (that would hold startup for minutes on a
-- large archive, inside the migration's transaction). search.backfill() indexes them in batches, newest
-- pk first, tracked in meta: search.backfill_below (rows with pk < it are still to do), .total, .done.
-- Rows written after the migration are indexed by the triggers, whatever their pk; the backfill uses
-- INSERT OR REPLACE, so a row indexed by both is indexed once.

ALTER TABLE messages ADD COLUMN search_text TEXT;

CREATE VIRTUAL TABLE message_search USING fts5(
  body, media_filename, sender_name, search_text,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

CREATE VIRTUAL TABLE message_search_cjk USING fts5(
  body, media_filename, sender_name, search_text,
  tokenize = 'trigram case_sensitive 0 remove_diacritics 1'
);

INSERT INTO meta (key, value) SELECT 'search.backfill_below', coalesce(max(pk), 0) + 1 FROM messages;
INSERT INTO meta (key, value) SELECT 'search.backfill_total', count(*) FROM messages;
INSERT INTO meta (key, value) VALUES ('search.backfill_done', '0');

CREATE TRIGGER message_search_ai AFTER INSERT ON messages WHEN new.deleted = 0 BEGIN
  INSERT OR REPLACE INTO message_search (rowid, body, media_filename, sender_name, search_text)
  VALUES ((new.timestamp / 1000) * 2147483648 + new.pk, new.body, new.media_filename, new.sender_name, new.search_text);
  INSERT OR REPLACE INTO message_search_cjk (rowid, body, media_filename, sender_name, search_text)
  SELECT (new.timestamp / 1000) * 2147483648 + new.pk, new.body, new.media_filename, new.sender_name, new.search_text
  WHERE coalesce(new.body, '') || ' ' || coalesce(new.media_filename, '') || ' ' || coalesce(new.sender_name, '') || ' ' || coalesce(new.search_text, '')
    GLOB '*[ก-໿က-႟ក-៿぀-ヿ㐀-䶿一-鿿가-힯豈-﫿𠀀-𯿿]*';
END;

CREATE TRIGGER message_search_ad AFTER DELETE ON messages BEGIN
  DELETE FROM message_search WHERE rowid = (old.timestamp / 1000) * 2147483648 + old.pk;
  DELETE FROM message_search_cjk WHERE rowid = (old.timestamp / 1000) * 2147483648 + old.pk;
END;

-- Only the indexed columns (and what decides indexing) fire it: receipts (ack_level) and the like do not.
CREATE TRIGGER message_search_au AFTER UPDATE OF body, media_filename, sender_name, search_text, deleted, timestamp
ON messages BEGIN
  DELETE FROM message_search WHERE rowid = (old.timestamp / 1000) * 2147483648 + old.pk;
  DELETE FROM message_search_cjk WHERE rowid = (old.timestamp / 1000) * 2147483648 + old.pk;
  INSERT OR REPLACE INTO message_search (rowid, body, media_filename, sender_name, search_text)
  SELECT (new.timestamp / 1000) * 2147483648 + new.pk, new.body, new.media_filename, new.sender_name, new.search_text
  WHERE new.deleted = 0;
  INSERT OR REPLACE INTO message_search_cjk (rowid, body, media_filename, sender_name, search_text)
  SELECT (new.timestamp / 1000) * 2147483648 + new.pk, new.body, new.media_filename, new.sender_name, new.search_text
  WHERE new.deleted = 0
    AND coalesce(new.body, '') || ' ' || coalesce(new.media_filename, '') || ' ' || coalesce(new.sender_name, '') || ' ' || coalesce(new.search_text, '')
      GLOB '*[ก-໿က-႟ក-៿぀-ヿ㐀-䶿一-鿿가-힯豈-﫿𠀀-𯿿]*';
END;
