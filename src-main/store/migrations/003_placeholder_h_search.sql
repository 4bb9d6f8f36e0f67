-- TEMPORARY placeholder on branch h-webhooks only: the real 003 is FTS search (branch h-search).
-- loadMigrations refuses gaps in the numbering, so 004_webhooks needs a 003 to exist here. DROP THIS FILE ON MERGE.
SELECT 1;
