-- System tables of Torque (SQLite). Application data of every app lives in `entities`
-- as one JSON document per record; per-app expression indexes are created from the
-- model at run time and recorded in `entity_indexes`.

CREATE TABLE models (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE model_versions (
  model_id    TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  version     INTEGER NOT NULL,
  doc         TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  actor       TEXT NOT NULL,
  note        TEXT,
  PRIMARY KEY (model_id, version)
);

CREATE TABLE apps (
  id          INTEGER PRIMARY KEY,
  slug        TEXT NOT NULL UNIQUE,
  model_id    TEXT NOT NULL REFERENCES models(id),
  settings    TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL
);
CREATE INDEX apps_model ON apps(model_id);

CREATE TABLE entities (
  id          TEXT PRIMARY KEY,
  app_id      INTEGER NOT NULL,
  type        TEXT NOT NULL,
  data        TEXT NOT NULL,
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
-- No general (app_id, type) index: each entity type of each app gets partial indexes of
-- its own (see src/store/entities/indexes.ts).

CREATE TABLE entity_relationships (
  app_id        INTEGER NOT NULL,
  relationship  TEXT NOT NULL,
  from_id       TEXT NOT NULL,
  to_id         TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  PRIMARY KEY (app_id, relationship, from_id, to_id)
);
CREATE INDEX entity_relationships_to ON entity_relationships(app_id, relationship, to_id);

CREATE TABLE entity_indexes (
  name        TEXT PRIMARY KEY,
  app_id      INTEGER NOT NULL,
  type        TEXT NOT NULL,
  definition  TEXT NOT NULL
);

CREATE TABLE xflows (
  model_id       TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  trigger_type   TEXT NOT NULL,
  trigger_entity TEXT,
  trigger_event  TEXT,
  definition     TEXT NOT NULL,
  PRIMARY KEY (model_id, name)
);
CREATE INDEX xflows_trigger ON xflows(trigger_type, trigger_entity, trigger_event);

CREATE TABLE xflow_executions (
  id           TEXT PRIMARY KEY,
  app_id       INTEGER NOT NULL,
  xflow        TEXT NOT NULL,
  status       TEXT NOT NULL,
  trigger      TEXT NOT NULL,
  input        TEXT,
  output       TEXT,
  error        TEXT,
  nodes        TEXT,
  started_at   TEXT NOT NULL,
  finished_at  TEXT,
  duration_ms  REAL
);
CREATE INDEX xflow_executions_app ON xflow_executions(app_id, started_at);

CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  at           TEXT NOT NULL,
  actor_kind   TEXT NOT NULL,
  actor_id     TEXT,
  action       TEXT NOT NULL,
  app_id       INTEGER,
  model_id     TEXT,
  entity_type  TEXT,
  entity_id    TEXT,
  before       TEXT,
  after        TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity_id);
CREATE INDEX audit_log_app_at ON audit_log(app_id, at);
