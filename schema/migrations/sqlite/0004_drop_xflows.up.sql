-- The xflows table copied each model's flows on every save and was never read: flows are
-- read from the model document (the compiled model of an app). Dropped.
DROP INDEX IF EXISTS xflows_trigger;
DROP TABLE IF EXISTS xflows;
