-- Deployed functions: one row per name holding its newest version number, and every version
-- with its settings and its code (the function registry's archive of the deployed files,
-- src/tasks/functions/archive.ts). Versions are immutable. Deleting a function deletes its
-- versions: a function deployed again under the same name starts at version 1.
CREATE TABLE functions (
  name TEXT PRIMARY KEY,
  latest INTEGER NOT NULL
) WITHOUT ROWID;

-- The code is the last column: reads of the settings alone stop before its overflow pages.
CREATE TABLE function_versions (
  name TEXT NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  runtime TEXT NOT NULL,
  handler TEXT NOT NULL,
  timeout_seconds INTEGER NOT NULL,
  memory_mb INTEGER NOT NULL,
  environment TEXT NOT NULL,
  code_size INTEGER NOT NULL,
  code_sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  code BLOB NOT NULL,
  PRIMARY KEY (name, version)
);
