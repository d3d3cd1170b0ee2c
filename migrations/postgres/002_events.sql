-- The event bus: buses, rules, targets, accepted events, the delivery queue, dead letters,
-- connections and API destinations (HTTP targets), webhook sources, archives and replays.
-- Times are milliseconds (BIGINT); stored documents are TEXT, returned byte for byte. Names
-- and keys are COLLATE "C": listings and keyset ranges compare bytes, as SQLite does,
-- whatever the database's default collation.

CREATE TABLE event_buses (
  name TEXT COLLATE "C" PRIMARY KEY,
  arn TEXT NOT NULL,
  description TEXT,
  created_at BIGINT NOT NULL
);

CREATE TABLE event_rules (
  bus TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  arn TEXT NOT NULL,
  event_pattern TEXT,
  schedule_expression TEXT,
  state TEXT NOT NULL,
  description TEXT,
  role_arn TEXT,
  -- Scheduled rules: the next fire time. Nodes advance it with a compare-and-set that
  -- commits with the fired event, so each occurrence fires once whichever node sees it.
  next_fire_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (bus, name)
);
CREATE INDEX event_rules_due ON event_rules (next_fire_at) WHERE next_fire_at IS NOT NULL;

-- A target as PutTargets received it (EventBridge's Target shape, JSON).
CREATE TABLE event_targets (
  bus TEXT COLLATE "C" NOT NULL,
  rule TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  target TEXT NOT NULL,
  PRIMARY KEY (bus, rule, id)
);

-- Every accepted event, with its envelope as delivered, in arrival order (seq); the random
-- ids have their own unique index.
CREATE TABLE events (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  bus TEXT NOT NULL,
  envelope TEXT NOT NULL,
  ingested_at BIGINT NOT NULL
);
-- The retention loop walks events by age.
CREATE INDEX events_by_age ON events (ingested_at);

-- One row per (event, target) still to deliver. The target is a snapshot taken when the event
-- matched, so later PutTargets/RemoveTargets do not change what an accepted event owes. A
-- node leases the rows it attempts (owner, until); an expired lease is claimable again.
CREATE TABLE event_deliveries (
  id BIGSERIAL PRIMARY KEY,
  event_id TEXT COLLATE "C" NOT NULL,
  bus TEXT NOT NULL,
  rule TEXT NOT NULL,
  rule_arn TEXT NOT NULL,
  target TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  -- MaximumEventAgeInSeconds counts from here: ingestion, or the redrive of a dead letter.
  age_from BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT,
  lease_owner TEXT,
  lease_until BIGINT
);
CREATE INDEX event_deliveries_due ON event_deliveries (next_attempt_at, id);
CREATE INDEX event_deliveries_by_event ON event_deliveries (event_id);

CREATE TABLE event_dead_letters (
  id BIGSERIAL PRIMARY KEY,
  event_id TEXT COLLATE "C" NOT NULL,
  bus TEXT NOT NULL,
  rule TEXT NOT NULL,
  rule_arn TEXT NOT NULL,
  target TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  error_code TEXT NOT NULL,
  error_message TEXT NOT NULL,
  failed_at BIGINT NOT NULL
);
CREATE INDEX event_dead_letters_by_rule ON event_dead_letters (bus, rule, id);
CREATE INDEX event_dead_letters_by_event ON event_dead_letters (event_id);

-- Connections keep their authorization sealed with the master key; auth_details is the
-- non-secret part of AuthParameters, as DescribeConnection shows it.
CREATE TABLE event_connections (
  name TEXT COLLATE "C" PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  authorization_type TEXT NOT NULL,
  sealed_auth TEXT NOT NULL,
  auth_details TEXT,
  state TEXT NOT NULL DEFAULT 'AUTHORIZED',
  description TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT
);

CREATE TABLE event_api_destinations (
  name TEXT COLLATE "C" PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  connection_arn TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  http_method TEXT NOT NULL,
  description TEXT,
  rate_limit_per_second INTEGER,
  created_at BIGINT NOT NULL,
  updated_at BIGINT
);
CREATE INDEX event_api_destinations_by_connection
  ON event_api_destinations (connection_arn, name);

-- Webhook sources (Alertmanager, CloudEvents): only a hash of their token is kept.
CREATE TABLE event_sources (
  kind TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  token_hash TEXT NOT NULL,
  bus TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (kind, name)
);

-- An archive keeps copies of the events of one bus that match its pattern (all when none).
-- event_count and size_bytes (UTF-8 bytes of the envelopes) are kept exact in the same
-- transactions that add or purge.
CREATE TABLE event_archives (
  name TEXT COLLATE "C" PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  bus TEXT COLLATE "C" NOT NULL,
  event_pattern TEXT,
  description TEXT,
  -- 0 keeps events forever.
  retention_days INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  event_count BIGINT NOT NULL DEFAULT 0,
  size_bytes BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX event_archives_by_bus ON event_archives (bus, name);

-- Archived events, written in the transaction that accepts them. Replays read a window by the
-- event's own time in (event_time, event_id) order, which is also their progress cursor.
CREATE TABLE event_archive_events (
  archive TEXT COLLATE "C" NOT NULL,
  ingested_at BIGINT NOT NULL,
  event_id TEXT COLLATE "C" NOT NULL,
  envelope TEXT NOT NULL,
  event_time BIGINT NOT NULL,
  PRIMARY KEY (archive, ingested_at, event_id)
);
CREATE INDEX event_archive_events_by_time ON event_archive_events (archive, event_time, event_id);

-- A replay is durable background work: a node moves its cursor forward one batch per
-- transaction (a compare-and-set on its state), together with the deliveries that batch
-- owes, so any node resumes it.
CREATE TABLE event_replays (
  name TEXT COLLATE "C" PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  archive TEXT NOT NULL,
  archive_arn TEXT NOT NULL,
  description TEXT,
  destination_bus TEXT NOT NULL,
  destination_arn TEXT NOT NULL,
  -- JSON array of rule ARNs, or NULL for every rule of the destination bus.
  filter_arns TEXT,
  event_start BIGINT NOT NULL,
  event_end BIGINT NOT NULL,
  state TEXT NOT NULL,
  state_reason TEXT,
  cursor_at BIGINT,
  cursor_id TEXT,
  last_replayed_at BIGINT,
  replay_start BIGINT NOT NULL,
  replay_end BIGINT
);
CREATE INDEX event_replays_active ON event_replays (state)
  WHERE state IN ('STARTING', 'RUNNING', 'CANCELLING');
