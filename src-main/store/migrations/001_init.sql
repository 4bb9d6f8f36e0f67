-- 001: the whole initial schema. Timestamps are epoch milliseconds. Booleans are 0/1.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE organizations (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE sessions (
  id                TEXT PRIMARY KEY,
  organization_id   TEXT NOT NULL REFERENCES organizations(id),
  label             TEXT NOT NULL,
  status            TEXT NOT NULL DEFAULT 'stopped',
  sandbox           INTEGER NOT NULL DEFAULT 0,
  sandbox_seed      INTEGER,
  full_history      INTEGER NOT NULL DEFAULT 0,
  phone_number      TEXT,
  wa_jid            TEXT,
  wa_lid            TEXT,
  auto_read         INTEGER NOT NULL DEFAULT 0,
  presence_typing   INTEGER NOT NULL DEFAULT 0,
  -- 1 while the person wants it running: a gateway restart reconnects such sessions.
  desired_running   INTEGER NOT NULL DEFAULT 0,
  sync_state        TEXT NOT NULL DEFAULT 'idle',
  sync_progress     INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  last_connected_at INTEGER
) WITHOUT ROWID;
CREATE INDEX sessions_org ON sessions(organization_id, created_at);

CREATE TABLE chats (
  session_id      TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  jid             TEXT NOT NULL,
  name            TEXT,
  type            TEXT NOT NULL,              -- 'dm' | 'group'
  last_message_at INTEGER NOT NULL DEFAULT 0, -- epoch ms of the newest activity; 0 = none (API shows null)
  unread_count    INTEGER NOT NULL DEFAULT 0,
  archived        INTEGER NOT NULL DEFAULT 0,
  pinned          INTEGER NOT NULL DEFAULT 0,
  muted_until     INTEGER,
  PRIMARY KEY (session_id, jid)
) WITHOUT ROWID;
-- Chat list: newest activity first, keyset on (last_message_at, jid).
CREATE INDEX chats_activity ON chats(session_id, last_message_at DESC, jid DESC);

CREATE TABLE channels (
  session_id      TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  jid             TEXT NOT NULL,
  name            TEXT,
  description     TEXT,
  subscribers     INTEGER,
  following       INTEGER NOT NULL DEFAULT 0,
  invite          TEXT,
  last_message_at INTEGER NOT NULL DEFAULT 0, -- 0 = no posts yet (API shows null)
  created_at      INTEGER,
  PRIMARY KEY (session_id, jid)
) WITHOUT ROWID;
CREATE INDEX channels_activity ON channels(session_id, last_message_at DESC, jid DESC);

-- Messages of chats AND channel posts (chat_jid ending in @newsletter).
CREATE TABLE messages (
  pk                INTEGER PRIMARY KEY,      -- tiebreaker of the keyset (timestamp, pk)
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
  mentions          TEXT,                     -- JSON array or NULL when empty
  mention_names     TEXT,                     -- JSON object or NULL when empty
  quoted_message_id TEXT,
  timestamp         INTEGER NOT NULL,
  created_at        INTEGER NOT NULL,
  ack_level         INTEGER NOT NULL,
  error             TEXT,
  edited            INTEGER NOT NULL DEFAULT 0,
  deleted           INTEGER NOT NULL DEFAULT 0,
  placeholder       INTEGER NOT NULL DEFAULT 0,
  raw               TEXT,                     -- WebMessageInfo as BufferJSON, for getMessage and replies
  UNIQUE (session_id, chat_jid, wa_message_id)
);
-- Keyset paging newest-first: the index carries the rowid (pk), so (timestamp, pk) is fully indexed.
CREATE INDEX messages_page ON messages(session_id, chat_jid, timestamp);
-- Lookups by WhatsApp id alone (receipts, edits, getMessage: the key's remoteJid may be the LID form).
CREATE INDEX messages_wa_id ON messages(session_id, wa_message_id);

CREATE TABLE contacts (
  session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  jid           TEXT NOT NULL,
  lid           TEXT,
  phone_number  TEXT,
  name          TEXT,                         -- saved address-book name
  notify        TEXT,                         -- push name
  verified_name TEXT,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (session_id, jid)
) WITHOUT ROWID;

CREATE TABLE lid_mappings (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  lid        TEXT NOT NULL,                   -- 123@lid
  pn         TEXT NOT NULL,                   -- 456@s.whatsapp.net
  PRIMARY KEY (session_id, lid)
) WITHOUT ROWID;
CREATE INDEX lid_mappings_pn ON lid_mappings(session_id, pn);

CREATE TABLE api_keys (
  id              TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  name            TEXT NOT NULL,
  prefix          TEXT NOT NULL,              -- the first characters of the key, to recognise it in lists
  secret_hash     TEXT NOT NULL UNIQUE,       -- SHA-256 of the whole key; the key itself is never stored
  capabilities    TEXT NOT NULL,              -- comma-separated subset of read,send,manage
  created_at      INTEGER NOT NULL,
  last_used_at    INTEGER,
  revoked_at      INTEGER
) WITHOUT ROWID;
CREATE INDEX api_keys_org ON api_keys(organization_id, created_at);

-- The gateway's own login-token signing keys (JWKS at /.well-known/jwks.json).
CREATE TABLE signing_keys (
  kid         TEXT PRIMARY KEY,
  alg         TEXT NOT NULL,
  private_jwk TEXT NOT NULL,
  public_jwk  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- Baileys auth state (BAILEYS.md section 2): one creds row and many signal keys per session.
CREATE TABLE wa_auth_creds (
  session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE wa_auth_keys (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  type       TEXT NOT NULL,
  id         TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (session_id, type, id)
) WITHOUT ROWID;

-- Bounded log of realtime events, so a WebSocket client can resume with after=<event id>.
CREATE TABLE events (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,       -- evt_<ULID>
  organization_id TEXT NOT NULL,
  session_id      TEXT,
  event           TEXT NOT NULL,
  payload         TEXT NOT NULL,
  timestamp       INTEGER NOT NULL
);
CREATE INDEX events_org ON events(organization_id, seq);
