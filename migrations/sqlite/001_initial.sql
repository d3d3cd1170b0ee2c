-- State machines, versions, aliases.
CREATE TABLE state_machines (
  arn TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  definition TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  description TEXT,
  revision_id TEXT NOT NULL,
  tags TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE state_machine_versions (
  arn TEXT PRIMARY KEY,
  state_machine_arn TEXT NOT NULL,
  version INTEGER NOT NULL,
  definition TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  revision_id TEXT NOT NULL,
  description TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (state_machine_arn, version)
);

CREATE TABLE state_machine_aliases (
  arn TEXT PRIMARY KEY,
  state_machine_arn TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  routing TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (state_machine_arn, name)
);

-- Executions: the summary row, the runtime's state, the lease and the wake time.
CREATE TABLE executions (
  arn TEXT PRIMARY KEY,
  state_machine_arn TEXT NOT NULL,
  qualified_arn TEXT,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT NOT NULL,
  output TEXT,
  error TEXT,
  cause TEXT,
  definition TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  stopped_at INTEGER,
  redrive_count INTEGER NOT NULL DEFAULT 0,
  redriven_at INTEGER,
  parent_task_token TEXT,
  next_event_id INTEGER NOT NULL,
  wake_at INTEGER,
  lease_owner TEXT,
  lease_until INTEGER,
  fence INTEGER NOT NULL DEFAULT 0,
  stop_error TEXT,
  stop_cause TEXT,
  stop_requested INTEGER NOT NULL DEFAULT 0,
  UNIQUE (state_machine_arn, name)
);
CREATE INDEX executions_due ON executions (wake_at) WHERE wake_at IS NOT NULL;
CREATE INDEX executions_by_machine ON executions (state_machine_arn, started_at DESC, arn);
CREATE INDEX executions_by_status ON executions (status, started_at DESC, arn);

CREATE TABLE execution_state (
  arn TEXT PRIMARY KEY,
  state TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE history_events (
  execution_arn TEXT NOT NULL,
  id INTEGER NOT NULL,
  previous_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  details TEXT,
  PRIMARY KEY (execution_arn, id)
) WITHOUT ROWID;

-- Tasks handed to the world; a settled task waits here until its execution applies it.
CREATE TABLE tasks (
  token TEXT PRIMARY KEY,
  execution_arn TEXT NOT NULL,
  frame_id INTEGER NOT NULL,
  state_name TEXT NOT NULL,
  resource TEXT NOT NULL,
  kind TEXT NOT NULL,
  awaits_token INTEGER NOT NULL,
  parameters TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  status TEXT NOT NULL,
  activity_arn TEXT,
  worker_name TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  heartbeat_seconds INTEGER,
  last_heartbeat_at INTEGER,
  lease_until INTEGER,
  lease_owner TEXT,
  output TEXT,
  error TEXT,
  cause TEXT,
  settled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tasks_dispatch ON tasks (kind, status, lease_until);
CREATE INDEX tasks_activity ON tasks (activity_arn, status, created_at);
CREATE INDEX tasks_settled ON tasks (execution_arn) WHERE settled = 1;

CREATE TABLE activities (
  arn TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  tags TEXT,
  created_at INTEGER NOT NULL
);
