-- The pending approval requests of one execution, looked up each time an execution ends.
CREATE INDEX approvals_pending_by_execution ON approvals (execution_arn) WHERE status = 'PENDING';
