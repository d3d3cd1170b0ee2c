-- Executions are listed newest first. The listing indexes kept start times descending, so
-- every new execution (and every execution changing status) was inserted at the front of its
-- range, in the middle of the index, splitting a leaf and its parent page about every other
-- commit. Ascending start times (the arn tiebreak descending) put new entries at the end of
-- their range, where SQLite appends; the listing reads the index backwards, in the same order.
DROP INDEX executions_by_machine;
DROP INDEX executions_by_status;
CREATE INDEX executions_by_machine ON executions (state_machine_arn, started_at, arn DESC);
CREATE INDEX executions_by_status ON executions (status, started_at, arn DESC);
