-- 006: the media archive (issue 9; src-main/media/). Files live in <data-dir>/media/<aa>/<sha256>; these
-- tables say which message has which file and what is left to download. Timestamps are epoch milliseconds.

-- One row per stored file (content-addressed: the same bytes from many messages are one row, one file).
-- References are computed (media_jobs.sha256), not counted, so no counter can drift: a file with no job
-- pointing at it is garbage (MediaRepository.orphanFiles).
CREATE TABLE media_files (
  sha256     TEXT PRIMARY KEY,                -- lower-case hex of the bytes = the file-store name
  size       INTEGER NOT NULL,
  mimetype   TEXT,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- The media state of one message. No row = 'none' (not asked for: history media under the lazy policy,
-- a kind or size the policy does not auto-download). Deleting the message (chat or session deletion)
-- deletes its row through the cascade, which is what releases its file.
CREATE TABLE media_jobs (
  message_pk      INTEGER PRIMARY KEY REFERENCES messages(pk) ON DELETE CASCADE,
  session_id      TEXT NOT NULL,
  kind            TEXT NOT NULL,              -- image | video | audio | document | sticker
  state           TEXT NOT NULL,              -- queued | done | failed | expired
  sha256          TEXT,                       -- set when done
  expected_size   INTEGER,                    -- the message's fileLength
  priority        INTEGER NOT NULL DEFAULT 0, -- 1: asked for by a person or script; 0: background
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  error           TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX media_jobs_due ON media_jobs(priority DESC, next_attempt_at) WHERE state = 'queued';
CREATE INDEX media_jobs_sha ON media_jobs(sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX media_jobs_session ON media_jobs(session_id, state);

-- Per-session download policy (JSON of MediaPolicy in src-main/media/policy.ts); no row = the defaults.
CREATE TABLE media_policies (
  session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  policy     TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
