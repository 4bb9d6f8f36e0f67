-- TEMPORARY placeholder on branch h-mcp: the real 003 is FTS search (branch h-search).
-- loadMigrations refuses gaps in the numbering, so 005_audit needs a 003 to exist here. DROP THIS FILE ON MERGE.
SELECT 1;
