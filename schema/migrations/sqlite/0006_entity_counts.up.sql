-- Row counts per app and entity type, kept exact by triggers on every write path (create,
-- delete, cascade, bulk loads, import, purge, app deletion all go through INSERT or
-- DELETE on entities), so an unfiltered total costs one lookup instead of a count.
-- Trigger bodies keep each inner statement on the END line: migrations are split on a
-- semicolon at the end of a line.
CREATE TABLE entity_counts (
  app_id  INTEGER NOT NULL,
  type    TEXT NOT NULL,
  n       INTEGER NOT NULL,
  PRIMARY KEY (app_id, type)
) WITHOUT ROWID;

INSERT INTO entity_counts (app_id, type, n) SELECT app_id, type, count(*) FROM entities GROUP BY app_id, type;

CREATE TRIGGER entity_counts_insert AFTER INSERT ON entities BEGIN
  INSERT INTO entity_counts (app_id, type, n) VALUES (new.app_id, new.type, 1) ON CONFLICT (app_id, type) DO UPDATE SET n = n + 1; END;

CREATE TRIGGER entity_counts_delete AFTER DELETE ON entities BEGIN
  UPDATE entity_counts SET n = n - 1 WHERE app_id = old.app_id AND type = old.type; END;

CREATE TRIGGER entity_counts_move AFTER UPDATE OF app_id, type ON entities WHEN old.app_id IS NOT new.app_id OR old.type IS NOT new.type BEGIN
  UPDATE entity_counts SET n = n - 1 WHERE app_id = old.app_id AND type = old.type; INSERT INTO entity_counts (app_id, type, n) VALUES (new.app_id, new.type, 1) ON CONFLICT (app_id, type) DO UPDATE SET n = n + 1; END;
