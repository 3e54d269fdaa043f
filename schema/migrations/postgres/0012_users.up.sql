-- Users, their login sessions and API tokens (issue: users, roles and permissions), and
-- the door each audit entry came through. Secrets are never stored: a password as an
-- argon2id hash, a session or token as the SHA-256 of its random value.
CREATE TABLE users (
  id             TEXT COLLATE "C" PRIMARY KEY,
  name           TEXT COLLATE "C" NOT NULL UNIQUE,
  role           TEXT COLLATE "C" NOT NULL,
  password_hash  TEXT COLLATE "C" NOT NULL,
  created_at     TEXT COLLATE "C" NOT NULL,
  updated_at     TEXT COLLATE "C" NOT NULL
);
CREATE TABLE sessions (
  hash          TEXT COLLATE "C" PRIMARY KEY,
  user_id       TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf          TEXT COLLATE "C" NOT NULL,
  created_at    TEXT COLLATE "C" NOT NULL,
  expires_at    TEXT COLLATE "C" NOT NULL,
  seen_at       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE api_tokens (
  id            TEXT COLLATE "C" PRIMARY KEY,
  hash          TEXT COLLATE "C" NOT NULL UNIQUE,
  user_id       TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name          TEXT COLLATE "C" NOT NULL,
  role          TEXT COLLATE "C" NOT NULL,
  apps          TEXT COLLATE "C",
  created_at    TEXT COLLATE "C" NOT NULL,
  expires_at    TEXT COLLATE "C",
  used_at       TEXT COLLATE "C",
  revoked_at    TEXT COLLATE "C"
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE TABLE settings (
  key    TEXT COLLATE "C" PRIMARY KEY,
  value  TEXT COLLATE "C" NOT NULL
);
ALTER TABLE audit_log ADD COLUMN door TEXT COLLATE "C";
CREATE INDEX audit_log_at ON audit_log(at);
