-- Reverses 0003. An index still marked pending (dropped by a load that was killed, the
-- database not opened since) is forgotten rather than recorded as built: without the
-- mark, the next model save sees it missing and creates it.
DROP TABLE IF EXISTS seed_runs;
DELETE FROM entity_indexes WHERE pending = 1;
ALTER TABLE entity_indexes DROP COLUMN pending;
