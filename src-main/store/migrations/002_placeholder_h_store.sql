-- TEMPORARY placeholder on branch h-webhooks only: the real 002 is the store restructuring (branch h-store).
-- loadMigrations refuses gaps in the numbering, so 004_webhooks needs a 002 to exist here. DROP THIS FILE ON MERGE.
SELECT 1;
