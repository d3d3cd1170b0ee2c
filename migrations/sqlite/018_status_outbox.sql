-- The status outbox: opsflow's own execution status change events, written in the transaction
-- that commits the change (only while some rule or archive on the default bus could take them)
-- and removed in the transaction that accepts them on the bus. A crash in between leaves the
-- row, and the next start publishes it, under the same event id.
CREATE TABLE status_outbox (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  -- The PutEvents entry (JSON).
  entry TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
