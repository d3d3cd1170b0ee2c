-- Leased executions, found quickly: the scheduler's next wake time skips them until their
-- lease ends (otherwise a due but leased execution makes the loop poll without pause).
CREATE INDEX executions_leased ON executions (lease_until) WHERE lease_until IS NOT NULL;
