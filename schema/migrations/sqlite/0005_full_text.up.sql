-- Full-text search (`$search` in the filter language): one FTS5 table per app and entity
-- type over its text-like fields, named and kept by src/store/entities/fts.ts. This table
-- records each one: its text-like fields, and `pending` while it is being filled from
-- `entities` (a model change; a fill a crash interrupted is finished at the next open).
-- A row with type '' marks an app whose tables are still to be made from its model: every
-- app that exists when this migration runs (the next open makes and fills them).
CREATE TABLE entity_fts (
  app_id   INTEGER NOT NULL,
  type     TEXT NOT NULL,
  name     TEXT NOT NULL,
  fields   TEXT NOT NULL,
  pending  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app_id, type)
);
INSERT INTO entity_fts (app_id, type, name, fields, pending) SELECT id, '', '', '[]', 1 FROM apps;
