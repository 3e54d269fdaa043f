-- Reverses 0012.
DROP INDEX audit_log_at;
ALTER TABLE audit_log DROP COLUMN door;
DROP TABLE settings;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
