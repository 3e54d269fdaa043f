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

-- Row counts per app and entity type, kept exact by triggers on every write to entities,
-- so an unfiltered total is one lookup instead of a count. The triggers run once per
-- statement over the rows it changed: a counter row updated once per inserted row would
-- leave a chain of dead versions in a bulk load's transaction that each later update
-- walks (a load slowed quadratically: 5,000 rows took 0.4 s, the fourth 5,000 1.6 s).
CREATE TABLE entity_counts (
  app_id  INTEGER NOT NULL,
  type    TEXT COLLATE "C" NOT NULL,
  n       BIGINT NOT NULL,
  PRIMARY KEY (app_id, type)
);

CREATE FUNCTION entity_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO entity_counts (app_id, type, n) SELECT app_id, type, count(*) FROM added GROUP BY app_id, type
    ON CONFLICT (app_id, type) DO UPDATE SET n = entity_counts.n + excluded.n;
  RETURN NULL;
END $$;

CREATE FUNCTION entity_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE entity_counts c SET n = c.n - r.k FROM (SELECT app_id, type, count(*) AS k FROM removed GROUP BY app_id, type) r
    WHERE c.app_id = r.app_id AND c.type = r.type;
  RETURN NULL;
END $$;

CREATE TRIGGER entity_counts_insert AFTER INSERT ON entities REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION entity_counts_added();
CREATE TRIGGER entity_counts_delete AFTER DELETE ON entities REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION entity_counts_removed();
-- No statement moves a row to another app or type (updates change data, version and
-- updated_at only), so updates leave the counts alone.
