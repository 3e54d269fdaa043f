-- Crash safety of bulk loads (seeding). An index dropped for a bulk load is marked
-- pending in the same transaction as the drop, and every open of the database rebuilds
-- pending indexes, so a load killed half-way never leaves a type without its indexes.
ALTER TABLE entity_indexes ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;

-- A seed in progress, per app: the record count it aims at per entity type. Each batch
-- commits on its own, so an interrupted seed leaves whole, valid batches; running the
-- same seed again finishes it (see src/services/seed/runs.ts). Removed when a seed ends.
CREATE TABLE seed_runs (
  app_id      INTEGER PRIMARY KEY,
  request     TEXT NOT NULL,
  targets     TEXT NOT NULL,
  started_at  TEXT NOT NULL
);
