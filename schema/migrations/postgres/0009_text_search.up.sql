-- Text matching (contains, startsWith, endsWith, $search) served by trigram indexes:
-- PostgreSQL's pg_trgm extension (shipped with PostgreSQL, trusted since version 13, so a
-- database owner may add it). Without the right to add it the migration still succeeds
-- and text matching reads the rows instead (src/store/postgres/driver.ts checks for it).
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
  RAISE NOTICE 'pg_trgm is not available: text matching will read rows without an index';
END $$;
