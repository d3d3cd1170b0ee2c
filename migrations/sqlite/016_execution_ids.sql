-- The rows every execution and every step write are keyed by the execution's integer id,
-- which grows as executions start, instead of by its ARN: random ARN keys put each insert on
-- its own B-tree page (one more page written to the WAL per row), while ascending ids append
-- to the same few pages. Measured on 26-execution batches of 3 history events: about 4x less
-- time per commit. The (state machine, name) unique index goes too: an execution's ARN is made
-- of its machine's name and its own, so the ARN's unique index already enforces it.
CREATE TABLE executions_by_id (
  id INTEGER PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
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
  team TEXT
);
INSERT INTO executions_by_id (id, arn, state_machine_arn, qualified_arn, name, status, input, output, error,
  cause, definition, role_arn, started_at, stopped_at, redrive_count, redriven_at, parent_task_token,
  next_event_id, wake_at, lease_owner, lease_until, fence, stop_error, stop_cause, stop_requested, team)
SELECT rowid, arn, state_machine_arn, qualified_arn, name, status, input, output, error,
  cause, definition, role_arn, started_at, stopped_at, redrive_count, redriven_at, parent_task_token,
  next_event_id, wake_at, lease_owner, lease_until, fence, stop_error, stop_cause, stop_requested, team
FROM executions;

CREATE TABLE execution_states (
  execution_id INTEGER PRIMARY KEY,
  state TEXT NOT NULL
);
INSERT INTO execution_states (execution_id, state)
SELECT e.id, s.state FROM execution_state s JOIN executions_by_id e ON e.arn = s.arn;

CREATE TABLE execution_history (
  execution_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  previous_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  details TEXT,
  PRIMARY KEY (execution_id, id)
) WITHOUT ROWID;
INSERT INTO execution_history (execution_id, id, previous_id, type, timestamp, details)
SELECT e.id, h.id, h.previous_id, h.type, h.timestamp, h.details
FROM history_events h JOIN executions_by_id e ON e.arn = h.execution_arn;

DROP TABLE history_events;
DROP TABLE execution_state;
DROP TABLE executions;
ALTER TABLE executions_by_id RENAME TO executions;
CREATE INDEX executions_by_machine ON executions (state_machine_arn, started_at DESC, arn);
CREATE INDEX executions_by_status ON executions (status, started_at DESC, arn);
CREATE INDEX executions_running_wake ON executions (wake_at) WHERE status = 'RUNNING' AND wake_at IS NOT NULL;
CREATE INDEX executions_leased ON executions (lease_until) WHERE lease_until IS NOT NULL;
CREATE INDEX executions_team_running ON executions (team) WHERE status = 'RUNNING' AND team IS NOT NULL;
