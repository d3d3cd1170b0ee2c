-- Identity, credentials, console sessions, the audit trail and parameters. Names and keys are
-- COLLATE "C": listings and keyset ranges compare bytes, as SQLite does, whatever the
-- database's default collation.

-- Users (argon2 password hashes, sealed TOTP secrets). totp_last_step is the 30-second step
-- of the last accepted code: a code is good once, and never an older one.
CREATE TABLE users (
  name TEXT COLLATE "C" PRIMARY KEY,
  password_hash TEXT,
  totp_sealed TEXT,
  email TEXT,
  totp_last_step BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE groups (
  name TEXT COLLATE "C" PRIMARY KEY,
  created_at BIGINT NOT NULL
);

CREATE TABLE group_members (
  group_name TEXT COLLATE "C" NOT NULL REFERENCES groups (name) ON DELETE CASCADE,
  user_name TEXT COLLATE "C" NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  PRIMARY KEY (group_name, user_name)
);
CREATE INDEX group_members_user ON group_members (user_name, group_name);

-- principal_kind is 'user' or 'group'; rows go with their principal (deleted with it).
CREATE TABLE role_grants (
  principal_kind TEXT NOT NULL,
  principal_name TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (principal_kind, principal_name, role)
);

CREATE TABLE policies (
  principal_kind TEXT NOT NULL,
  principal_name TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  document TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (principal_kind, principal_name, name)
);

-- SigV4 access keys (the secret sealed with the master key: verifying a signature needs it)
-- and bearer API tokens (only a hash is kept).
CREATE TABLE access_keys (
  id TEXT COLLATE "C" PRIMARY KEY,
  sealed_secret TEXT NOT NULL,
  user_name TEXT COLLATE "C" NOT NULL,
  status TEXT NOT NULL DEFAULT 'Active',
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  last_used_service TEXT,
  last_used_region TEXT
);
CREATE INDEX access_keys_user ON access_keys (user_name, created_at);

CREATE TABLE api_tokens (
  id TEXT COLLATE "C" PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_name TEXT COLLATE "C" NOT NULL,
  description TEXT,
  status TEXT NOT NULL DEFAULT 'Active',
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  last_used_service TEXT,
  last_used_region TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_name, created_at);

-- Only a hash of the session id (the cookie) and of its CSRF token are kept.
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_name TEXT COLLATE "C" NOT NULL,
  csrf_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);

-- The audit trail. seq is the append order that lookups page on, newest first; id is the
-- caller's time-ordered UUID (unique, so an event is never recorded twice).
CREATE TABLE audit_events (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  at BIGINT NOT NULL,
  user_name TEXT,
  credential_kind TEXT,
  credential_id TEXT,
  service TEXT NOT NULL,
  action TEXT NOT NULL,
  resources TEXT NOT NULL,
  parameters TEXT,
  source_ip TEXT,
  user_agent TEXT,
  outcome TEXT NOT NULL,
  error_code TEXT,
  error_message TEXT
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_user ON audit_events (user_name, seq);
CREATE INDEX audit_events_credential ON audit_events (credential_id, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);

CREATE TABLE audit_resources (
  seq BIGINT NOT NULL REFERENCES audit_events (seq),
  resource TEXT NOT NULL,
  PRIMARY KEY (resource, seq)
);

-- Append-only, whatever code runs against the database: updates, deletes and truncation abort.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only';
END;
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_resources_append_only BEFORE UPDATE OR DELETE ON audit_resources
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_resources_no_truncate BEFORE TRUNCATE ON audit_resources
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Parameters (Parameter Store's model): one row per name pointing at its current version (the
-- row a put locks), and every kept version with its value. SecureString values are stored
-- sealed. Deleting a parameter deletes its versions: created again, it starts at version 1.
CREATE TABLE parameters (
  name TEXT COLLATE "C" PRIMARY KEY,
  version BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE parameter_versions (
  name TEXT COLLATE "C" NOT NULL REFERENCES parameters (name) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  description TEXT,
  allowed_pattern TEXT,
  key_id TEXT,
  tier TEXT NOT NULL,
  data_type TEXT NOT NULL,
  modified_at BIGINT NOT NULL,
  modified_by TEXT NOT NULL,
  PRIMARY KEY (name, version)
);
