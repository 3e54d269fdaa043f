-- Reverses 0005. The FTS5 tables themselves (fts_<app>_<type>_<hash>) cannot be named in
-- a static script; they stay, unused, until 0005 runs again, which marks every app so the
-- next open drops them and builds fresh ones (writes made meanwhile never reached them).
DROP TABLE IF EXISTS entity_fts;
