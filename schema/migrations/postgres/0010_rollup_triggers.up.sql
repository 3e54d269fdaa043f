-- Aggregate rollups on PostgreSQL (src/store/entities/rollups-postgres.ts). Each rollup
-- keeps, in entity_rollups.apply, the statement that adds a change's rows to its table;
-- one set of statement triggers runs, for each (app, type) among a statement's rows, the
-- statement of its rollup over those rows (sign 1 for rows added, -1 for rows removed).
-- A row with type '' marks an app whose rollups are still to be made from its model:
-- every app that exists now (the next open makes and fills them).
ALTER TABLE entity_rollups ADD COLUMN apply TEXT COLLATE "C";
INSERT INTO entity_rollups (app_id, type, name, definition) SELECT id, '', '', '{}' FROM apps ON CONFLICT DO NOTHING;

-- The bodies are written by Torque whenever the rollups change (rollups-postgres.ts): one
-- branch per rollup with its statement inline, so PostgreSQL keeps each statement's plan
-- (a statement run with EXECUTE was planned again on every write: 0.7 ms a create).
CREATE FUNCTION entity_rollups_added() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE FUNCTION entity_rollups_removed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE FUNCTION entity_rollups_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;

CREATE TRIGGER entity_rollups_insert AFTER INSERT ON entities REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION entity_rollups_added();
CREATE TRIGGER entity_rollups_delete AFTER DELETE ON entities REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION entity_rollups_removed();
-- Updates change data only (never the app or type of a row: see entity_counts).
CREATE TRIGGER entity_rollups_update AFTER UPDATE ON entities REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
  FOR EACH STATEMENT EXECUTE FUNCTION entity_rollups_changed();
