-- Maintained rollups for aggregates: one table per app and entity type (with its
-- triggers on `entities`), named and kept by src/store/entities/rollups.ts. This table
-- records each one and what it holds (group fields, numeric fields).
-- A row with type '' marks an app whose rollups are still to be made from its model:
-- every app that exists when this migration runs (the next open makes and fills them).
CREATE TABLE entity_rollups (
  app_id      INTEGER NOT NULL,
  type        TEXT NOT NULL,
  name        TEXT NOT NULL,
  definition  TEXT NOT NULL,
  PRIMARY KEY (app_id, type)
);
INSERT INTO entity_rollups (app_id, type, name, definition) SELECT id, '', '', '{}' FROM apps;
