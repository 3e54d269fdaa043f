-- Reverses 0002: app ids may be reused again.
CREATE TABLE apps_old (
  id          INTEGER PRIMARY KEY,
  slug        TEXT NOT NULL UNIQUE,
  model_id    TEXT NOT NULL REFERENCES models(id),
  settings    TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL
);
INSERT INTO apps_old (id, slug, model_id, settings, created_at) SELECT id, slug, model_id, settings, created_at FROM apps;
DROP TABLE apps;
ALTER TABLE apps_old RENAME TO apps;
CREATE INDEX apps_model ON apps(model_id);
