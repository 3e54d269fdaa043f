DROP TRIGGER IF EXISTS entity_counts_move;
DROP TRIGGER IF EXISTS entity_counts_delete;
DROP TRIGGER IF EXISTS entity_counts_insert;
DROP TABLE IF EXISTS entity_counts;
