-- Reverses 0001: drops every system table (and with them all data). `torque migrate --down` asks for it explicitly.
DROP TABLE IF EXISTS entity_counts;
DROP FUNCTION IF EXISTS entity_counts_added() CASCADE;
DROP FUNCTION IF EXISTS entity_counts_removed() CASCADE;
DROP TABLE IF EXISTS entity_rollups;
DROP TABLE IF EXISTS entity_fts;
DROP TABLE IF EXISTS seed_runs;
DROP TABLE IF EXISTS audit_log;
DROP TABLE IF EXISTS xflow_executions;
DROP TABLE IF EXISTS entity_indexes;
DROP TABLE IF EXISTS entity_relationships;
DROP TABLE IF EXISTS entities;
DROP TABLE IF EXISTS apps;
DROP TABLE IF EXISTS model_versions;
DROP TABLE IF EXISTS models;
