-- Reverses 0013.
DROP INDEX entities_small_types;
DROP TABLE entity_grown_types;
