-- The per-execution task indexes are keyed by the execution's id (016) rather than its ARN: a
-- task's insert, settle and consume each touched a random page of them; by id, tasks of
-- recent executions share the same few pages.
ALTER TABLE tasks ADD COLUMN execution_id INTEGER;
UPDATE tasks SET execution_id = (SELECT id FROM executions WHERE executions.arn = tasks.execution_arn);
DROP INDEX tasks_settled;
DROP INDEX tasks_open_by_execution;
CREATE INDEX tasks_settled ON tasks (execution_id) WHERE settled = 1;
CREATE INDEX tasks_open_by_execution ON tasks (execution_id) WHERE status IN ('scheduled', 'started');
