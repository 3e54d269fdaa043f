-- System tables of Torque (PostgreSQL). PostgreSQL support begins at the schema SQLite
-- reached with migration 7, so this script makes all of it; 0002 to 0007 are empty here.
-- Timestamps are ISO 8601 text, as on SQLite, so both databases answer alike; text
-- compares by code point ("C"), as SQLite's BINARY does, whatever the database's locale.

CREATE TABLE models (
  id          TEXT COLLATE "C" PRIMARY KEY,
  name        TEXT COLLATE "C" NOT NULL,
  version     INTEGER NOT NULL,
  created_at  TEXT COLLATE "C" NOT NULL,
  updated_at  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE model_versions (
  model_id    TEXT COLLATE "C" NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  version     INTEGER NOT NULL,
  doc         TEXT COLLATE "C" NOT NULL,
  created_at  TEXT COLLATE "C" NOT NULL,
  actor       TEXT COLLATE "C" NOT NULL,
  note        TEXT COLLATE "C",
  PRIMARY KEY (model_id, version)
);

-- App ids come from a sequence: never reused, like SQLite's AUTOINCREMENT.
CREATE TABLE apps (
  id          SERIAL PRIMARY KEY,
  slug        TEXT COLLATE "C" NOT NULL UNIQUE,
  model_id    TEXT COLLATE "C" NOT NULL REFERENCES models(id),
  settings    TEXT COLLATE "C" NOT NULL DEFAULT '{}',
  created_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX apps_model ON apps(model_id);

-- Every record of every app, one JSON document each, spread over 8 partitions by a hash
-- of the app: an app's rows live in one partition, so its indexes and scans stay small.
-- The key holds app_id because a partitioned table's keys must hold its partition key.
CREATE TABLE entities (
  id          TEXT COLLATE "C" NOT NULL,
  app_id      INTEGER NOT NULL,
  type        TEXT COLLATE "C" NOT NULL,
  data        JSONB NOT NULL,
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  TEXT COLLATE "C" NOT NULL,
  updated_at  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (app_id, id)
) PARTITION BY HASH (app_id);
CREATE TABLE entities_p0 PARTITION OF entities FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE entities_p1 PARTITION OF entities FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE entities_p2 PARTITION OF entities FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE entities_p3 PARTITION OF entities FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE entities_p4 PARTITION OF entities FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE entities_p5 PARTITION OF entities FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE entities_p6 PARTITION OF entities FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE entities_p7 PARTITION OF entities FOR VALUES WITH (MODULUS 8, REMAINDER 7);
-- Each entity type of each app gets partial indexes of its own (src/store/entities/indexes.ts).

CREATE TABLE entity_relationships (
  app_id        INTEGER NOT NULL,
  relationship  TEXT COLLATE "C" NOT NULL,
  from_id       TEXT COLLATE "C" NOT NULL,
  to_id         TEXT COLLATE "C" NOT NULL,
  created_at    TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (app_id, relationship, from_id, to_id)
);
CREATE INDEX entity_relationships_to ON entity_relationships(app_id, relationship, to_id);

CREATE TABLE entity_indexes (
  name        TEXT COLLATE "C" PRIMARY KEY,
  app_id      INTEGER NOT NULL,
  type        TEXT COLLATE "C" NOT NULL,
  definition  TEXT COLLATE "C" NOT NULL,
  pending     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE xflow_executions (
  id           TEXT COLLATE "C" PRIMARY KEY,
  app_id       INTEGER NOT NULL,
  xflow        TEXT COLLATE "C" NOT NULL,
  status       TEXT COLLATE "C" NOT NULL,
  trigger      TEXT COLLATE "C" NOT NULL,
  input        TEXT COLLATE "C",
  output       TEXT COLLATE "C",
  error        TEXT COLLATE "C",
  nodes        TEXT COLLATE "C",
  started_at   TEXT COLLATE "C" NOT NULL,
  finished_at  TEXT COLLATE "C",
  duration_ms  DOUBLE PRECISION
);
CREATE INDEX xflow_executions_app ON xflow_executions(app_id, started_at);

CREATE TABLE audit_log (
  id           BIGSERIAL PRIMARY KEY,
  at           TEXT COLLATE "C" NOT NULL,
  actor_kind   TEXT COLLATE "C" NOT NULL,
  actor_id     TEXT COLLATE "C",
  action       TEXT COLLATE "C" NOT NULL,
  app_id       INTEGER,
  model_id     TEXT COLLATE "C",
  entity_type  TEXT COLLATE "C",
  entity_id    TEXT COLLATE "C",
  before       TEXT COLLATE "C",
  after        TEXT COLLATE "C"
);
CREATE INDEX audit_log_entity ON audit_log(entity_id);
CREATE INDEX audit_log_app_at ON audit_log(app_id, at);

CREATE TABLE seed_runs (
  app_id      INTEGER PRIMARY KEY,
  request     TEXT COLLATE "C" NOT NULL,
  targets     TEXT COLLATE "C" NOT NULL,
  started_at  TEXT COLLATE "C" NOT NULL
);

-- Kept for the same bookkeeping as on SQLite; PostgreSQL makes no full-text or rollup
-- tables (its own planner and aggregates serve those queries), so these stay empty.
CREATE TABLE entity_fts (
  app_id   INTEGER NOT NULL,
  type     TEXT COLLATE "C" NOT NULL,
  name     TEXT COLLATE "C" NOT NULL,
  fields   TEXT COLLATE "C" NOT NULL,
  pending  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app_id, type)
);
CREATE TABLE entity_rollups (
  app_id      INTEGER NOT NULL,
  type        TEXT COLLATE "C" NOT NULL,
  name        TEXT COLLATE "C" NOT NULL,
  definition  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (app_id, type)
);

-- Row counts per app and entity type, kept exact by a trigger on every write to entities,
-- so an unfiltered total is one lookup instead of a count.
CREATE TABLE entity_counts (
  app_id  INTEGER NOT NULL,
  type    TEXT COLLATE "C" NOT NULL,
  n       BIGINT NOT NULL,
  PRIMARY KEY (app_id, type)
);

CREATE FUNCTION entity_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE entity_counts SET n = n - 1 WHERE app_id = OLD.app_id AND type = OLD.type;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO entity_counts (app_id, type, n) VALUES (NEW.app_id, NEW.type, 1)
      ON CONFLICT (app_id, type) DO UPDATE SET n = entity_counts.n + 1;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER entity_counts_insert AFTER INSERT OR DELETE ON entities FOR EACH ROW EXECUTE FUNCTION entity_counts_keep();
CREATE TRIGGER entity_counts_move AFTER UPDATE OF app_id, type ON entities FOR EACH ROW
  WHEN (OLD.app_id IS DISTINCT FROM NEW.app_id OR OLD.type IS DISTINCT FROM NEW.type) EXECUTE FUNCTION entity_counts_keep();
