-- 009: what we asked to send (issue 13), so a failed send can be retried with the same content. One row per
-- message of ours sent through the API; the media bytes are in the media store (media_jobs.sha256 of the same
-- message), the row keeps what is needed to build the WhatsApp content again (JSON of OutboxSpec,
-- src-main/store/repositories/outbox.ts). Deleting the message deletes its row.
CREATE TABLE outbox (
  message_pk INTEGER PRIMARY KEY REFERENCES messages(pk) ON DELETE CASCADE,
  session_id TEXT NOT NULL,
  spec       TEXT NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
