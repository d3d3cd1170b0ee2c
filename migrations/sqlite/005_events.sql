-- The event bus: buses, rules, targets, accepted events, the delivery queue, dead letters,
-- connections and API destinations (HTTP targets), and webhook sources.
CREATE TABLE event_buses (
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL,
  description TEXT,
  created_at INTEGER NOT NULL
);

CREATE TABLE event_rules (
  bus TEXT NOT NULL,
  name TEXT NOT NULL,
  arn TEXT NOT NULL,
  event_pattern TEXT,
  schedule_expression TEXT,
  state TEXT NOT NULL,
  description TEXT,
  role_arn TEXT,
  -- Scheduled rules: the next fire time; advancing it commits with the fired event.
  next_fire_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (bus, name)
);
CREATE INDEX event_rules_due ON event_rules (next_fire_at) WHERE next_fire_at IS NOT NULL;

-- A target as PutTargets received it (EventBridge's Target shape, JSON).
CREATE TABLE event_targets (
  bus TEXT NOT NULL,
  rule TEXT NOT NULL,
  id TEXT NOT NULL,
  target TEXT NOT NULL,
  PRIMARY KEY (bus, rule, id)
);

-- Every accepted event, with its envelope as delivered.
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  bus TEXT NOT NULL,
  envelope TEXT NOT NULL,
  ingested_at INTEGER NOT NULL
) WITHOUT ROWID;

-- One row per (event, target) still to deliver. The target is a snapshot taken when the event
-- matched, so later PutTargets/RemoveTargets do not change what an accepted event owes.
CREATE TABLE event_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  bus TEXT NOT NULL,
  rule TEXT NOT NULL,
  rule_arn TEXT NOT NULL,
  target TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  -- MaximumEventAgeInSeconds counts from here: ingestion, or the redrive of a dead letter.
  age_from INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  lease_owner TEXT,
  lease_until INTEGER
);
CREATE INDEX event_deliveries_due ON event_deliveries (next_attempt_at);

CREATE TABLE event_dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  bus TEXT NOT NULL,
  rule TEXT NOT NULL,
  rule_arn TEXT NOT NULL,
  target TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  error_code TEXT NOT NULL,
  error_message TEXT NOT NULL,
  failed_at INTEGER NOT NULL
);
CREATE INDEX event_dead_letters_by_rule ON event_dead_letters (bus, rule, id);

-- Connections keep their authorization sealed with the master key.
CREATE TABLE event_connections (
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  authorization_type TEXT NOT NULL,
  sealed_auth TEXT NOT NULL,
  description TEXT,
  created_at INTEGER NOT NULL
);

CREATE TABLE event_api_destinations (
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  connection_arn TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  http_method TEXT NOT NULL,
  description TEXT,
  created_at INTEGER NOT NULL
);

-- Webhook sources (Alertmanager, CloudEvents): only a hash of their token is kept.
CREATE TABLE event_sources (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  bus TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (kind, name)
);
