-- 011: group metadata (issue 13). Two tables rather than a JSON column on chats: participant events
-- (add, remove, promote, demote) change single rows, and the name resolver and the API read participants
-- one by one; a JSON blob would need a read-modify-write per event and could not be queried.
CREATE TABLE groups (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  jid         TEXT NOT NULL,                  -- ...@g.us
  subject     TEXT,
  description TEXT,
  owner       TEXT,                           -- creator's JID as WhatsApp gave it (phone or LID form)
  created_at  INTEGER,                        -- epoch ms, null when unknown
  updated_at  INTEGER NOT NULL,               -- when the gateway last stored metadata for it
  PRIMARY KEY (session_id, jid)
) WITHOUT ROWID;

CREATE TABLE group_participants (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  group_jid  TEXT NOT NULL,
  jid        TEXT NOT NULL,                   -- the participant as WhatsApp addressed them (phone or LID form)
  lid        TEXT,                            -- the LID form, when known
  pn         TEXT,                            -- the phone form, when known
  role       TEXT NOT NULL DEFAULT 'member',  -- 'member' | 'admin' | 'superadmin'
  PRIMARY KEY (session_id, group_jid, jid)
) WITHOUT ROWID;
