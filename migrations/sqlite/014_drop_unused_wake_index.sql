-- executions_due (wake_at of every execution) is not read since the due-executions queries use
-- executions_running_wake; keeping it cost a B-tree update on every change of wake_at.
DROP INDEX IF EXISTS executions_due;
