-- Reverses 0004: the xflows table as 0001 made it, filled from each model's current
-- version as the code before 0004 kept it.
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
INSERT INTO xflows (model_id, name, trigger_type, trigger_entity, trigger_event, definition)
SELECT m.id, json_extract(x.value, '$.name'), COALESCE(json_extract(x.value, '$.trigger.type'), 'manual'),
       CASE WHEN json_type(x.value, '$.trigger.entity') = 'text' THEN json_extract(x.value, '$.trigger.entity') END,
       CASE WHEN json_type(x.value, '$.trigger.event') = 'text' THEN json_extract(x.value, '$.trigger.event') END,
       json(x.value)
FROM models m
JOIN model_versions v ON v.model_id = m.id AND v.version = m.version,
     json_each(v.doc, '$.xflows') x;
