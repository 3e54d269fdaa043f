-- Users, their login sessions and API tokens (issue: users, roles and permissions), and
-- the door each audit entry came through. Secrets are never stored: a password as an
-- argon2id hash, a session or token as the SHA-256 of its random value.
CREATE TABLE users (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  role           TEXT NOT NULL,
  password_hash  TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE TABLE sessions (
  hash          TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf          TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  seen_at       TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE api_tokens (
  id            TEXT PRIMARY KEY,
  hash          TEXT NOT NULL UNIQUE,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL,
  apps          TEXT,
  created_at    TEXT NOT NULL,
  expires_at    TEXT,
  used_at       TEXT,
  revoked_at    TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
ALTER TABLE audit_log ADD COLUMN door TEXT;
CREATE INDEX audit_log_at ON audit_log(at);
