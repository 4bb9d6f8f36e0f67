-- TEMPORARY placeholder on branch h-mcp: the real 002 is store restructuring (branch h-store).
-- loadMigrations refuses gaps in the numbering, so 005_audit needs a 002 to exist here. DROP THIS FILE ON MERGE.
SELECT 1;
