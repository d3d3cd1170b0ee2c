-- Identity and audit (issue 4): users (argon2 password hashes, sealed TOTP secrets), groups,
-- built-in role grants, inline policies, console sessions, credential last use, and the
-- append-only audit trail.
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  password_hash TEXT,
  totp_sealed TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE groups (
  name TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
);

CREATE TABLE group_members (
  group_name TEXT NOT NULL REFERENCES groups(name) ON DELETE CASCADE,
  user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  PRIMARY KEY (group_name, user_name)
);
CREATE INDEX group_members_user ON group_members(user_name);

-- principal_kind is 'user' or 'group'; rows go with their principal (deleted by the service).
CREATE TABLE role_grants (
  principal_kind TEXT NOT NULL,
  principal_name TEXT NOT NULL,
  role TEXT NOT NULL,
  PRIMARY KEY (principal_kind, principal_name, role)
);

CREATE TABLE policies (
  principal_kind TEXT NOT NULL,
  principal_name TEXT NOT NULL,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (principal_kind, principal_name, name)
);

-- Only a hash of the session id (the cookie) and of its CSRF token are kept.
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  csrf_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_name);

ALTER TABLE api_tokens ADD COLUMN last_used_service TEXT;
ALTER TABLE api_tokens ADD COLUMN last_used_region TEXT;

CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  at INTEGER NOT NULL,
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
CREATE INDEX audit_events_at ON audit_events(at);
CREATE INDEX audit_events_user ON audit_events(user_name, seq);
CREATE INDEX audit_events_credential ON audit_events(credential_id, seq);
CREATE INDEX audit_events_action ON audit_events(action, seq);

CREATE TABLE audit_resources (
  seq INTEGER NOT NULL REFERENCES audit_events(seq),
  resource TEXT NOT NULL,
  PRIMARY KEY (resource, seq)
);

-- Append-only, whatever code runs against the file: updates and deletes abort.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_resources_no_update BEFORE UPDATE ON audit_resources
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_resources_no_delete BEFORE DELETE ON audit_resources
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
