-- App ids are never reused (AUTOINCREMENT): audit entries, workflow runs and index names
-- that carry an app id must never be read as belonging to a later app. Runs of apps that
-- no longer exist are removed.
CREATE TABLE apps_new (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  slug        TEXT NOT NULL UNIQUE,
  model_id    TEXT NOT NULL REFERENCES models(id),
  settings    TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL
);
INSERT INTO apps_new (id, slug, model_id, settings, created_at) SELECT id, slug, model_id, settings, created_at FROM apps;
DROP TABLE apps;
ALTER TABLE apps_new RENAME TO apps;
CREATE INDEX apps_model ON apps(model_id);
DELETE FROM xflow_executions WHERE app_id NOT IN (SELECT id FROM apps);
