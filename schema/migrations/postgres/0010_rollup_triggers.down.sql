-- Reverses 0010: the triggers and their functions, every rollup table and the column that kept their statements.
DROP TRIGGER IF EXISTS entity_rollups_insert ON entities;
DROP TRIGGER IF EXISTS entity_rollups_delete ON entities;
DROP TRIGGER IF EXISTS entity_rollups_update ON entities;
DROP FUNCTION IF EXISTS entity_rollups_added();
DROP FUNCTION IF EXISTS entity_rollups_removed();
DROP FUNCTION IF EXISTS entity_rollups_changed();
DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT name FROM entity_rollups WHERE name <> '' LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I', t);
  END LOOP;
END $$;
DELETE FROM entity_rollups;
ALTER TABLE entity_rollups DROP COLUMN IF EXISTS apply;
