-- Entity types that have grown past the size at which a type gets an index per field
-- (src/store/entities/growth.ts); smaller types are read through one shared index
-- (one per partition) led by an expression only their queries name.
CREATE TABLE entity_grown_types (
  app_id      INTEGER NOT NULL,
  type        TEXT COLLATE "C" NOT NULL,
  grown_at    TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (app_id, type)
);
CREATE INDEX entities_small_types ON entities ((type || ''), app_id, id);
