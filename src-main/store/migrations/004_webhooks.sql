-- 004: webhooks (issue 11). Endpoints, and the durable outbox of deliveries: one row per (endpoint, event),
-- written in the same transaction as the event (store/repositories/events.ts append -> webhooks.ts fan-out).

CREATE TABLE webhook_endpoints (
  id                   TEXT PRIMARY KEY,          -- wh_<ULID>
  organization_id      TEXT NOT NULL REFERENCES organizations(id),
  url                  TEXT NOT NULL,             -- http(s) only, <= 2,048 characters (webhooks/endpoints.ts)
  -- whsec_<base64>: a signing key, not a password; HMAC needs it in the clear. Returned only by create and
  -- rotate, never logged.
  secret               TEXT NOT NULL,
  events               TEXT NOT NULL DEFAULT '["*"]', -- JSON array of event names, or ["*"]
  sessions             TEXT,                      -- JSON array of session ids; NULL = every session
  enabled              INTEGER NOT NULL DEFAULT 1,
  description          TEXT,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  -- Health
  last_success_at      INTEGER,
  last_failure_at      INTEGER,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  failing_since        INTEGER,                   -- first failure of the current streak; NULL while healthy
  disabled_reason      TEXT,                      -- set when the gateway disabled it (auto-disable)
  disabled_at          INTEGER
) WITHOUT ROWID;
-- The fan-out reads the enabled endpoints of one organization for every event.
CREATE INDEX webhook_endpoints_fanout ON webhook_endpoints(organization_id, enabled);

CREATE TABLE webhook_deliveries (
  seq                INTEGER PRIMARY KEY,          -- insertion order = event order per endpoint; log cursor
  id                 TEXT NOT NULL UNIQUE,         -- whd_<ULID>
  endpoint_id        TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  event_id           TEXT NOT NULL,                -- evt_<ULID>: the webhook-id header, stable across retries
  event              TEXT NOT NULL,
  session_id         TEXT,
  -- The frame JSON sent as the body. Kept here because the event log (events) is pruned to its newest
  -- 20,000 rows while a delivery may stay pending for 24 h, and a retry may come later still.
  body               TEXT NOT NULL,
  status             TEXT NOT NULL DEFAULT 'pending', -- pending | failed (retry scheduled) | succeeded | dead
  attempt            INTEGER NOT NULL DEFAULT 0,   -- attempts made so far
  -- Bumped by a manual retry: an attempt that was in flight meanwhile records its outcome but leaves the
  -- row due (it does not close the retry the person asked for).
  generation         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at    INTEGER,                      -- when the next attempt is due (pending/failed); NULL otherwise
  first_attempt_at   INTEGER,
  last_attempt_at    INTEGER,
  http_status        INTEGER,                      -- of the last attempt
  duration_ms        INTEGER,
  response_snippet   TEXT,                         -- first 1 KB of the last response body
  error              TEXT,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  UNIQUE (endpoint_id, event_id)
);
-- The outbox: only undelivered rows are in this index, so it stays as small as the backlog. The worker reads
-- each endpoint's head (lowest seq) from it.
CREATE INDEX webhook_deliveries_outbox ON webhook_deliveries(endpoint_id, seq) WHERE status IN ('pending', 'failed');
-- The delivery log of one endpoint, newest first, keyset on seq.
CREATE INDEX webhook_deliveries_log ON webhook_deliveries(endpoint_id, seq DESC);
