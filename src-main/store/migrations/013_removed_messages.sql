-- 013: a message deleted "for me" stays deleted. WhatsApp can deliver a message again after it was removed
-- here: the echo of our own send (Baileys emits it on a later tick, so it can land after the HTTP answer and
-- after an immediate delete), a reconnect's backlog, a history chunk. One tombstone per removed message makes
-- inserting it again a no-op (RAISE(IGNORE) skips the row, as INSERT OR IGNORE does for a duplicate).
CREATE TABLE removed_messages (
  session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  wa_message_id TEXT NOT NULL,
  chat_jid      TEXT NOT NULL,
  removed_at    INTEGER NOT NULL,
  PRIMARY KEY (session_id, wa_message_id, chat_jid)
) WITHOUT ROWID;

CREATE TRIGGER messages_stay_removed BEFORE INSERT ON messages
WHEN EXISTS (
  SELECT 1 FROM removed_messages r
  WHERE r.session_id = NEW.session_id AND r.wa_message_id = NEW.wa_message_id AND r.chat_jid = NEW.chat_jid
)
BEGIN
  SELECT RAISE(IGNORE);
END;
