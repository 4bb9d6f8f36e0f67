-- 006: history you can complete and one identity per person (issue 14).

-- Messages whose sender is known only by LID: when the LID's phone number arrives later, ingestion gives
-- them their phone JID (MessagesRepository.setSenderJidForLid). Partial, so it holds only the unresolved.
CREATE INDEX messages_unresolved_sender ON messages (session_id, sender_lid) WHERE sender_jid IS NULL;

-- What the gateway knows about the extent of a chat's history beyond the stored messages: the phone said
-- there is nothing older (start_known), when a backfill was last asked for (src-main/app/history.ts).
CREATE TABLE chat_history (
  session_id       TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  chat_jid         TEXT NOT NULL,
  start_known      INTEGER NOT NULL DEFAULT 0,
  last_backfill_at INTEGER,
  PRIMARY KEY (session_id, chat_jid)
) WITHOUT ROWID;
