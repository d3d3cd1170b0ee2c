-- Credentials: SigV4 access keys (secret sealed with the master key, since verifying a
-- signature needs it) and bearer API tokens (only a hash is kept).
CREATE TABLE access_keys (
  id TEXT PRIMARY KEY,
  sealed_secret TEXT NOT NULL,
  user_name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'Active',
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  last_used_service TEXT,
  last_used_region TEXT
);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_name TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL DEFAULT 'Active',
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
