-- 002: one unique index on messages instead of two random-order indexes.
-- 001 had UNIQUE (session_id, chat_jid, wa_message_id) plus messages_wa_id (session_id, wa_message_id): two
-- indexes keyed by random WhatsApp ids, so every history-sync chunk dirtied (and its commit rewrote to the WAL)
-- pages of both (docs/BENCHMARKS.md, ingest). UNIQUE (session_id, wa_message_id, chat_jid) keeps the same
-- uniqueness - per session AND chat, so posts of two channels may share an id - and also serves the lookups by
-- (session, id) alone. Those lookups now say ORDER BY pk where several chats hold one id (repositories/messages.ts).
-- A unique constraint cannot be dropped in place: the table is rebuilt with the same columns and pks.

CREATE TABLE messages_new (
  pk                INTEGER PRIMARY KEY,
  session_id        TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  chat_jid          TEXT NOT NULL,
  wa_message_id     TEXT NOT NULL,
  from_me           INTEGER NOT NULL,
  sender_jid        TEXT,
  sender_lid        TEXT,
  sender_name       TEXT,
  type              TEXT NOT NULL,
  body              TEXT NOT NULL DEFAULT '',
  media_filename    TEXT,
  media_mimetype    TEXT,
  media_size        INTEGER,
  has_media         INTEGER NOT NULL DEFAULT 0,
  mentions          TEXT,
  mention_names     TEXT,
  quoted_message_id TEXT,
  timestamp         INTEGER NOT NULL,
  created_at        INTEGER NOT NULL,
  ack_level         INTEGER NOT NULL,
  error             TEXT,
  edited            INTEGER NOT NULL DEFAULT 0,
  deleted           INTEGER NOT NULL DEFAULT 0,
  placeholder       INTEGER NOT NULL DEFAULT 0,
  raw               TEXT,
  UNIQUE (session_id, wa_message_id, chat_jid)
);

INSERT INTO messages_new (pk, session_id, chat_jid, wa_message_id, from_me, sender_jid, sender_lid, sender_name, type,
    body, media_filename, media_mimetype, media_size, has_media, mentions, mention_names, quoted_message_id, timestamp,
    created_at, ack_level, error, edited, deleted, placeholder, raw)
  SELECT pk, session_id, chat_jid, wa_message_id, from_me, sender_jid, sender_lid, sender_name, type,
    body, media_filename, media_mimetype, media_size, has_media, mentions, mention_names, quoted_message_id, timestamp,
    created_at, ack_level, error, edited, deleted, placeholder, raw
  FROM messages ORDER BY pk;

DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;

-- Keyset paging newest-first, as in 001 (the index carries the rowid, so (timestamp, pk) is fully indexed).
CREATE INDEX messages_page ON messages(session_id, chat_jid, timestamp);
