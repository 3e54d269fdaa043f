-- Entity types that have grown past the size at which a type gets an index per field
-- (src/store/entities/growth.ts). Smaller types are read through one shared index whose
-- leading expression only their queries name, so it never competes with a grown type's
-- own indexes in SQLite's planner.
CREATE TABLE entity_grown_types (
  app_id      INTEGER NOT NULL,
  type        TEXT NOT NULL,
  grown_at    TEXT NOT NULL,
  PRIMARY KEY (app_id, type)
);
CREATE INDEX entities_small_types ON entities ((type || ''), app_id, id);
