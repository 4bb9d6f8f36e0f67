-- TEMPORARY placeholder on branch h-media: the real 004 is webhooks (branch h-webhooks).
-- loadMigrations refuses gaps in the numbering, so 006_media needs a 004 to exist here. DROP THIS FILE ON MERGE.
SELECT 1;
