-- Parameters (Systems Manager Parameter Store's model): one row per name pointing at its
-- current version, and every kept version with its value. SecureString values are stored
-- sealed (AES-256-GCM under the master key, bound to name and version); String and
-- StringList values in clear. Deleting a parameter deletes its versions: a parameter created
-- again under the same name starts at version 1, as in SSM.
CREATE TABLE parameters (
  name TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE parameter_versions (
  name TEXT NOT NULL REFERENCES parameters (name) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  description TEXT,
  allowed_pattern TEXT,
  key_id TEXT,
  tier TEXT NOT NULL,
  data_type TEXT NOT NULL,
  modified_at INTEGER NOT NULL,
  modified_by TEXT NOT NULL,
  PRIMARY KEY (name, version)
);
