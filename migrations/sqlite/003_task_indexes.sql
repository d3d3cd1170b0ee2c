-- Claims read tables that only grow: every lookup needs an index that covers just the live rows,
-- or claim time grows with the number of tasks and executions ever run.
CREATE INDEX tasks_open_by_execution ON tasks (execution_arn) WHERE status IN ('scheduled', 'started');
CREATE INDEX tasks_dispatch_scheduled ON tasks (created_at)
  WHERE kind = 'dispatch' AND status = 'scheduled' AND lease_until IS NULL;
CREATE INDEX tasks_dispatch_leased ON tasks (lease_until)
  WHERE kind = 'dispatch' AND status IN ('scheduled', 'started') AND lease_until IS NOT NULL;
DROP INDEX tasks_dispatch;

-- The claim query orders RUNNING executions by wake time: one partial index serves it (and
-- MIN(wake_at)), instead of the status index plus a sort over every running execution.
CREATE INDEX executions_running_wake ON executions (wake_at) WHERE status = 'RUNNING' AND wake_at IS NOT NULL;
DROP INDEX executions_due;
