-- The fleet (Systems Manager's managed nodes and Run Command): hybrid activations, managed
-- nodes with their tags, documents with their versions, commands with one invocation per
-- target node, and the output those invocations produced.
CREATE TABLE activations (
  id TEXT PRIMARY KEY,
  code_hash TEXT NOT NULL,
  description TEXT,
  default_instance_name TEXT,
  iam_role TEXT NOT NULL,
  registration_limit INTEGER NOT NULL,
  registrations_count INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  tags TEXT NOT NULL
) WITHOUT ROWID;

-- Tags are kept twice: as JSON on the node (read with it, in the order they were given) and
-- one row each in node_tags, whose (key, value) index answers tag filters over many nodes.
CREATE TABLE managed_nodes (
  id TEXT PRIMARY KEY,
  activation_id TEXT,
  name TEXT,
  connection_kind TEXT NOT NULL,
  connection TEXT NOT NULL,
  platform_type TEXT,
  info TEXT,
  registered_at INTEGER NOT NULL,
  last_ping_at INTEGER,
  tags TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE node_tags (
  node_id TEXT NOT NULL REFERENCES managed_nodes (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (node_id, key)
) WITHOUT ROWID;
CREATE INDEX node_tags_by_key ON node_tags (key, value);

-- last_version numbers new versions (never reused after a version is deleted);
-- latest_version is the newest version that exists.
CREATE TABLE documents (
  name TEXT PRIMARY KEY,
  document_type TEXT NOT NULL,
  latest_version INTEGER NOT NULL,
  default_version INTEGER NOT NULL,
  last_version INTEGER NOT NULL,
  tags TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE document_versions (
  name TEXT NOT NULL REFERENCES documents (name) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  version_name TEXT,
  document_type TEXT NOT NULL,
  format TEXT NOT NULL,
  hash TEXT NOT NULL,
  description TEXT,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY (name, version)
);

-- A command keeps rate control's counts as columns, changed in the transaction that changes
-- an invocation.
CREATE TABLE commands (
  id TEXT PRIMARY KEY,
  document_name TEXT NOT NULL,
  document_version TEXT NOT NULL,
  parameters TEXT NOT NULL,
  instance_ids TEXT NOT NULL,
  targets TEXT NOT NULL,
  comment TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  expires_after INTEGER NOT NULL,
  timeout_seconds INTEGER NOT NULL,
  execution_timeout_seconds INTEGER NOT NULL,
  max_concurrency TEXT NOT NULL,
  max_errors TEXT NOT NULL,
  status TEXT NOT NULL,
  status_details TEXT NOT NULL,
  concurrency_limit INTEGER NOT NULL,
  error_limit INTEGER NOT NULL,
  target_count INTEGER NOT NULL,
  completed_count INTEGER NOT NULL,
  success_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  delivery_timed_out_count INTEGER NOT NULL,
  queued_count INTEGER NOT NULL,
  in_flight_count INTEGER NOT NULL,
  cancel_requested INTEGER NOT NULL,
  requested_by TEXT NOT NULL,
  notification TEXT,
  service_role_arn TEXT,
  document_content TEXT NOT NULL,
  -- The task token of a workflow task waiting for the command to end, and whether the fleet
  -- settled it (it retries until it records that it did).
  waiter_token TEXT,
  waiter_settled INTEGER
);
CREATE INDEX commands_newest_first ON commands (requested_at DESC, id);
CREATE INDEX commands_unsettled_waiters ON commands (requested_at, id)
  WHERE waiter_token IS NOT NULL AND waiter_settled = 0;
CREATE INDEX commands_by_document ON commands (document_name, requested_at DESC);

-- requested_at is the command's, so listings order invocations by command without a join.
CREATE TABLE invocations (
  command_id TEXT NOT NULL REFERENCES commands (id) ON DELETE CASCADE,
  instance_id TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  phase TEXT NOT NULL,
  status TEXT NOT NULL,
  status_details TEXT NOT NULL,
  response_code INTEGER NOT NULL,
  instance_name TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  delivered_at INTEGER,
  delivery_attempts INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER,
  cancel_requested INTEGER NOT NULL,
  stdout_bytes INTEGER NOT NULL,
  stderr_bytes INTEGER NOT NULL,
  output_truncated INTEGER NOT NULL,
  owner TEXT,
  PRIMARY KEY (command_id, instance_id)
) WITHOUT ROWID;
-- What a node's poll claims; what rate control releases (lowest ordinal first).
CREATE INDEX invocations_to_deliver ON invocations (instance_id, phase);
CREATE INDEX invocations_by_phase ON invocations (command_id, phase, ordinal);
-- What expiry scans: only invocations not yet done.
CREATE INDEX invocations_open ON invocations (phase) WHERE phase <> 'done';
CREATE INDEX invocations_newest_first ON invocations (requested_at DESC, command_id, ordinal);

CREATE TABLE invocation_output (
  command_id TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  stream TEXT NOT NULL,
  byte_offset INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (command_id, instance_id, stream, byte_offset),
  FOREIGN KEY (command_id, instance_id) REFERENCES invocations (command_id, instance_id)
    ON DELETE CASCADE
);
