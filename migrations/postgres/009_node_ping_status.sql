-- The ping status last published for each managed node ('Online' or 'ConnectionLost'): the
-- fleet compares it with what last_ping_at says now and publishes a status-change event when
-- they differ, flipping it in the same statement (rows locked, SKIP LOCKED) so each
-- transition is published by one server node only.
-- Nodes already stored start from what their last heartbeat says at upgrade (60 s is
-- ONLINE_WINDOW_MS), so an upgrade publishes no burst of stale transitions.
ALTER TABLE managed_nodes ADD COLUMN reported_ping_status TEXT NOT NULL DEFAULT 'Online';
UPDATE managed_nodes SET reported_ping_status = 'ConnectionLost'
WHERE last_ping_at IS NULL
  OR last_ping_at < (extract(epoch FROM now()) * 1000)::bigint - 60000;
-- Finds the nodes whose status changed without reading every node each round.
CREATE INDEX managed_nodes_by_reported_ping ON managed_nodes (reported_ping_status, last_ping_at);
