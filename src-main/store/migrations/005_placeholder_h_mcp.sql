-- TEMPORARY placeholder on branch h-media: the real 005 is MCP audit log (branch h-mcp).
-- loadMigrations refuses gaps in the numbering, so 006_media needs a 005 to exist here. DROP THIS FILE ON MERGE.
SELECT 1;
