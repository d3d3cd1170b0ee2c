-- Workflows: state machines, versions, aliases, executions with their state and history,
-- tasks, activities, teams (quotas, members, usage) and the status outbox. Times are
-- milliseconds (BIGINT); stored documents are TEXT, returned byte for byte. Keys that lists
-- are ordered and paged by use the "C" collation: byte order, as on SQLite, whatever the
-- database's default.

CREATE TABLE state_machines (
  arn TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  definition TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  description TEXT,
  revision_id TEXT NOT NULL,
  tags TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE state_machine_versions (
  arn TEXT COLLATE "C" PRIMARY KEY,
  state_machine_arn TEXT NOT NULL,
  version BIGINT NOT NULL,
  definition TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  revision_id TEXT NOT NULL,
  description TEXT,
  created_at BIGINT NOT NULL,
  UNIQUE (state_machine_arn, version)
);

CREATE TABLE state_machine_aliases (
  arn TEXT COLLATE "C" PRIMARY KEY,
  state_machine_arn TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  routing TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (state_machine_arn, name)
);

-- Executions: the summary row, the wake time, and the lease a node holds while it steps the
-- execution (owner, until, and the fence its commit must present). The ARN is made of the
-- machine's name and the execution's, so its unique index also makes names unique.
CREATE TABLE executions (
  id BIGSERIAL PRIMARY KEY,
  arn TEXT COLLATE "C" NOT NULL UNIQUE,
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
  started_at BIGINT NOT NULL,
  stopped_at BIGINT,
  redrive_count BIGINT NOT NULL DEFAULT 0,
  redriven_at BIGINT,
  parent_task_token TEXT,
  next_event_id BIGINT NOT NULL,
  wake_at BIGINT,
  lease_owner TEXT,
  lease_until BIGINT,
  fence BIGINT NOT NULL DEFAULT 0,
  stop_error TEXT,
  stop_cause TEXT,
  stop_requested BOOLEAN NOT NULL DEFAULT FALSE,
  -- The team charged for it; its RUNNING executions count against the team's concurrency.
  team TEXT
);
CREATE INDEX executions_by_machine ON executions (state_machine_arn, started_at DESC, arn);
CREATE INDEX executions_by_status ON executions (status, started_at DESC, arn);
CREATE INDEX executions_by_start ON executions (started_at DESC, arn);
-- The claim query and the scheduler's next wake time read RUNNING executions by wake time.
CREATE INDEX executions_running_wake ON executions (wake_at)
  WHERE status = 'RUNNING' AND wake_at IS NOT NULL;
-- Leased executions (few: a commit or release ends the lease), for the next wake time.
CREATE INDEX executions_leased ON executions (lease_until) WHERE lease_until IS NOT NULL;
CREATE INDEX executions_team_running ON executions (team)
  WHERE status = 'RUNNING' AND team IS NOT NULL;
-- Nested executions, stopped with the Task that started them.
CREATE INDEX executions_running_children ON executions (parent_task_token)
  WHERE status = 'RUNNING' AND parent_task_token IS NOT NULL;

-- Fencing tokens of execution leases: every lease gets a higher one, on every node.
CREATE SEQUENCE execution_fences;

CREATE TABLE execution_states (
  execution_id BIGINT PRIMARY KEY REFERENCES executions (id) ON DELETE CASCADE,
  state TEXT NOT NULL
);

CREATE TABLE execution_history (
  execution_id BIGINT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  id BIGINT NOT NULL,
  previous_id BIGINT NOT NULL,
  type TEXT NOT NULL,
  timestamp BIGINT NOT NULL,
  details TEXT,
  PRIMARY KEY (execution_id, id)
);

-- Tasks handed to the world; a settled task waits here until its execution applies it. A
-- dispatch task is leased by the node that runs it (lease_owner, lease_until); when that
-- node dies the lease expires and another node runs it again, with the same key.
CREATE TABLE tasks (
  token TEXT PRIMARY KEY,
  -- Insertion order: results are handed to their execution in the order the tasks began.
  seq BIGSERIAL NOT NULL,
  execution_arn TEXT NOT NULL,
  execution_id BIGINT NOT NULL,
  frame_id BIGINT NOT NULL,
  state_name TEXT NOT NULL,
  resource TEXT NOT NULL,
  kind TEXT NOT NULL,
  awaits_token BOOLEAN NOT NULL,
  parameters TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  status TEXT NOT NULL,
  activity_arn TEXT,
  worker_name TEXT,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  heartbeat_seconds BIGINT,
  last_heartbeat_at BIGINT,
  lease_until BIGINT,
  lease_owner TEXT,
  output TEXT,
  error TEXT,
  cause TEXT,
  settled BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX tasks_settled ON tasks (execution_id) WHERE settled;
CREATE INDEX tasks_open_by_execution ON tasks (execution_id)
  WHERE status IN ('scheduled', 'started');
CREATE INDEX tasks_dispatch_scheduled ON tasks (created_at)
  WHERE kind = 'dispatch' AND status = 'scheduled' AND lease_until IS NULL;
CREATE INDEX tasks_dispatch_leased ON tasks (lease_until)
  WHERE kind = 'dispatch' AND status IN ('scheduled', 'started') AND lease_until IS NOT NULL;
CREATE INDEX tasks_activity ON tasks (activity_arn, created_at) WHERE status = 'scheduled';

CREATE TABLE activities (
  arn TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  tags TEXT,
  created_at BIGINT NOT NULL
);

-- Teams: quotas as JSON ({"concurrentExecutions":n,"executionsPerDay":n,"units":{...}}; a
-- missing member is no limit). The team row is locked (FOR UPDATE) by every start and
-- redrive charged to it, so nodes check its quotas one at a time.
CREATE TABLE teams (
  name TEXT COLLATE "C" PRIMARY KEY,
  description TEXT,
  quotas TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- One team per user. Users live in the identity domain: no foreign key to them.
CREATE TABLE team_members (
  user_name TEXT COLLATE "C" PRIMARY KEY,
  team_name TEXT COLLATE "C" NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
  added_at BIGINT NOT NULL
);
CREATE INDEX team_members_team ON team_members (team_name, user_name);

-- What a team used on one UTC day: metric is 'executions' or 'units:<name>'.
CREATE TABLE team_usage (
  team_name TEXT NOT NULL,
  day TEXT NOT NULL,
  metric TEXT NOT NULL,
  used BIGINT NOT NULL,
  PRIMARY KEY (team_name, day, metric)
);

-- Execution status change events, written by the transactions that start and commit
-- executions, read and removed by the event bus when it accepts them.
CREATE TABLE status_outbox (
  seq BIGSERIAL PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  -- The PutEvents entry (JSON).
  entry TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
