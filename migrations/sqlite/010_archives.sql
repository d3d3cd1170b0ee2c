-- Event archives and replays, and the connection and API destination columns EventBridge's
-- Describe/Update operations need.

-- An archive keeps copies of the events of one bus that match its pattern (all when none).
-- event_count and size_bytes are kept exact in the same transactions that add or purge.
CREATE TABLE event_archives (
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  bus TEXT NOT NULL,
  event_pattern TEXT,
  description TEXT,
  -- 0 keeps events forever.
  retention_days INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  event_count INTEGER NOT NULL DEFAULT 0,
  size_bytes INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Archived events, written in the transaction that accepts them. Replays read a window by
-- ingestion time in (ingested_at, event_id) order, which is also their progress cursor.
CREATE TABLE event_archive_events (
  archive TEXT NOT NULL,
  ingested_at INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  envelope TEXT NOT NULL,
  PRIMARY KEY (archive, ingested_at, event_id)
) WITHOUT ROWID;

-- A replay is durable background work: the replay loop moves its cursor forward one batch
-- per transaction, together with the deliveries that batch owes, so a restart resumes it.
CREATE TABLE event_replays (
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  archive TEXT NOT NULL,
  archive_arn TEXT NOT NULL,
  description TEXT,
  destination_bus TEXT NOT NULL,
  destination_arn TEXT NOT NULL,
  -- JSON array of rule ARNs, or NULL for every rule of the destination bus.
  filter_arns TEXT,
  event_start INTEGER NOT NULL,
  event_end INTEGER NOT NULL,
  state TEXT NOT NULL,
  state_reason TEXT,
  cursor_at INTEGER,
  cursor_id TEXT,
  last_replayed_at INTEGER,
  replay_start INTEGER NOT NULL,
  replay_end INTEGER
);
CREATE INDEX event_replays_active ON event_replays (state)
  WHERE state IN ('STARTING', 'RUNNING', 'CANCELLING');

-- Connections: the non-secret part of AuthParameters (as DescribeConnection shows it), the
-- state and modification times. The secret part stays in sealed_auth.
ALTER TABLE event_connections ADD COLUMN auth_details TEXT;
ALTER TABLE event_connections ADD COLUMN state TEXT NOT NULL DEFAULT 'AUTHORIZED';
ALTER TABLE event_connections ADD COLUMN updated_at INTEGER;

ALTER TABLE event_api_destinations ADD COLUMN rate_limit_per_second INTEGER;
ALTER TABLE event_api_destinations ADD COLUMN updated_at INTEGER;
CREATE INDEX event_api_destinations_by_connection ON event_api_destinations (connection_arn);
