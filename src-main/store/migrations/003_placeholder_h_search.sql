-- TEMPORARY placeholder on branch h-media: the real 003 is FTS search (branch h-search).
-- loadMigrations refuses gaps in the numbering, so 006_media needs a 003 to exist here. DROP THIS FILE ON MERGE.
SELECT 1;
