-- 009 (issue 13): why a session last failed to connect, and the refresh tokens that keep a browser signed in.

-- The session's last connection error (null once it connects): a code of ours, a readable reason, when.
ALTER TABLE sessions ADD COLUMN last_error_code   TEXT;
ALTER TABLE sessions ADD COLUMN last_error_reason TEXT;
ALTER TABLE sessions ADD COLUMN last_error_at     INTEGER;
-- 1 when the gateway chose the label (nobody gave one): it becomes the phone number once paired.
ALTER TABLE sessions ADD COLUMN label_auto        INTEGER NOT NULL DEFAULT 0;

-- Browser sign-ins (auth/refresh-tokens.ts): one row per refresh token, only its SHA-256 kept. A sign-in is a
-- family; each use rotates the token (used_at set, a new row in the family); a used token presented again
-- revokes the whole family.
CREATE TABLE refresh_tokens (
  token_hash        TEXT PRIMARY KEY,         -- sha256 hex of the opaque token
  family_id         TEXT NOT NULL,
  organization_id   TEXT NOT NULL,
  subject           TEXT NOT NULL,
  role              TEXT NOT NULL,
  family_started_at INTEGER NOT NULL,         -- the sign-in: the absolute lifetime counts from here
  created_at        INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,         -- idle expiry of this token
  used_at           INTEGER,                  -- rotated (a second use is a reuse)
  revoked_at        INTEGER
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens(expires_at);
