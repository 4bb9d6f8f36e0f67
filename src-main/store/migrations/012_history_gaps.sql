-- 012: gaps in a chat's stored history (issue 14). The gateway records, per chat, the stretches of time it
-- knows it holds without a hole ("segments"), and coverage reports the holes between them
-- (src-main/app/history-gaps.ts has the rule and its reasoning). A segment is named by where its evidence
-- came from: one connection's realtime traffic ('c:...'), one pairing's history sync (the connection it
-- arrived on, so the snapshot and the realtime that follows it are one stretch), one backfill answer
-- ('b:<anchor id>'), or what was stored before this migration ('legacy').
CREATE TABLE chat_segments (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  chat_jid   TEXT NOT NULL,
  segment    TEXT NOT NULL,
  from_at    INTEGER NOT NULL,               -- epoch ms of the oldest message of the stretch
  from_id    TEXT NOT NULL,                  -- its waMessageId
  to_at      INTEGER NOT NULL,               -- epoch ms of the newest message of the stretch
  to_id      TEXT NOT NULL,
  PRIMARY KEY (session_id, chat_jid, segment)
) WITHOUT ROWID;

-- The segment a pairing's history sync belongs to: set by its INITIAL_BOOTSTRAP chunk, kept so chunks that
-- arrive after a restart (an interrupted sync resumes) still join the snapshot rather than the new connection.
CREATE TABLE history_sync_runs (
  session_id TEXT NOT NULL PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  segment    TEXT NOT NULL
) WITHOUT ROWID;

-- The message a backfill was anchored on: the phone's answer is the stretch just before it.
ALTER TABLE chat_history ADD COLUMN backfill_anchor_id TEXT;
ALTER TABLE chat_history ADD COLUMN backfill_anchor_at INTEGER;

-- Archives from before this migration: one stretch per chat over what is stored (what coverage assumed until
-- now); a hole between it and later traffic is reported like any other. Reactions are not timeline messages.
-- (SQLite: with a single min() the bare column comes from the row holding the minimum.)
INSERT INTO chat_segments (session_id, chat_jid, segment, from_at, from_id, to_at, to_id)
SELECT session_id, chat_jid, 'legacy', min(timestamp), wa_message_id, 0, ''
FROM messages WHERE type <> 'reaction' GROUP BY session_id, chat_jid;

UPDATE chat_segments SET (to_at, to_id) = (
  SELECT m.timestamp, m.wa_message_id FROM messages m
  WHERE m.session_id = chat_segments.session_id AND m.chat_jid = chat_segments.chat_jid AND m.type <> 'reaction'
  ORDER BY m.timestamp DESC, m.pk DESC LIMIT 1
) WHERE segment = 'legacy';
