-- TEMPORARY placeholder on branch h-mcp: the real 004 is webhooks (branch h-webhooks).
-- loadMigrations refuses gaps in the numbering, so 005_audit needs a 004 to exist here. DROP THIS FILE ON MERGE.
SELECT 1;
