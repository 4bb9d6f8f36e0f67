-- 005: the audit log of MCP tool calls (issue 12). One row per call, whatever its outcome.
CREATE TABLE audit_log (
  seq             INTEGER PRIMARY KEY,        -- keyset of GET /audit (newest first)
  id              TEXT NOT NULL UNIQUE,       -- aud_<ULID>
  organization_id TEXT NOT NULL,
  at              INTEGER NOT NULL,           -- epoch ms when the call started
  principal       TEXT NOT NULL,              -- 'api_key:<id>', 'user:<subject>' or 'local:mcp-stdio'
  transport       TEXT NOT NULL,              -- 'stdio' | 'http'
  tool            TEXT NOT NULL,
  arguments       TEXT NOT NULL,              -- JSON, truncated to a few KiB
  result_bytes    INTEGER NOT NULL,           -- size of the content returned to the model
  outcome         TEXT NOT NULL,              -- 'ok' or 'error'
  error_code      TEXT,                       -- the domain / MCP error code when outcome = 'error'
  duration_ms     INTEGER NOT NULL
);
CREATE INDEX audit_log_org ON audit_log(organization_id, seq DESC);
