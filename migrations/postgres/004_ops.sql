-- Operations: notification topics, subscriptions, published messages and their per-recipient
-- deliveries (kept after they end, so the API can show delivered/failed and why), approval
-- requests with their votes and used email links, and incidents with their timelines.
-- Times are milliseconds (BIGINT); stored documents are TEXT. Names and ids that listings
-- sort by use the "C" collation: byte order, as SQLite sorts them, whatever the database's.

CREATE TABLE topics (
  name TEXT COLLATE "C" PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  display_name TEXT,
  created_at BIGINT NOT NULL
);

-- protocol: email, http, https, slack. Webhook secrets are sealed with the master key; email
-- subscriptions stay 'pending' until the link with the confirmation token (kept hashed) is used.
CREATE TABLE subscriptions (
  id TEXT COLLATE "C" PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  topic_arn TEXT NOT NULL,
  protocol TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  status TEXT NOT NULL,
  sealed_secret TEXT,
  confirm_token_hash TEXT UNIQUE,
  created_at BIGINT NOT NULL,
  confirmed_at BIGINT
);
CREATE INDEX subscriptions_by_topic ON subscriptions (topic_arn, created_at, id);

-- A published message. The idempotency key (a workflow task's) makes a re-run of the same
-- task, on any node, find the first publish instead of sending twice.
CREATE TABLE notification_messages (
  id TEXT PRIMARY KEY,
  topic_arn TEXT,
  subject TEXT,
  message TEXT NOT NULL,
  structure TEXT,
  attributes TEXT,
  idempotency_key TEXT UNIQUE,
  published_at BIGINT NOT NULL
);

-- One row per (message, recipient): the rendered body, its state and the last attempt's
-- outcome. subscription_id is NULL for direct mails (approval requests to their approvers).
-- A node sending it holds it until lease_until; after that any node may claim it again.
CREATE TABLE notification_deliveries (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id TEXT NOT NULL,
  topic_arn TEXT,
  subscription_id TEXT,
  protocol TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  subject TEXT,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT,
  lease_until BIGINT,
  lease_owner TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX notification_deliveries_by_topic ON notification_deliveries (topic_arn, id);
CREATE INDEX notification_deliveries_by_message ON notification_deliveries (message_id, id);

-- An approval request opened by a workflow task (its token settles the task in the same
-- transaction as the decision). approvers and on_deadline are JSON. A vote or a deadline
-- locks the row (FOR UPDATE), so two nodes cannot both decide it.
CREATE TABLE approvals (
  id TEXT COLLATE "C" PRIMARY KEY,
  task_token TEXT NOT NULL UNIQUE,
  execution_arn TEXT NOT NULL,
  state_name TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT,
  data TEXT,
  approvers TEXT NOT NULL,
  quorum BIGINT NOT NULL,
  requester TEXT,
  allow_self_approval BOOLEAN NOT NULL,
  deadline_at BIGINT,
  on_deadline TEXT,
  escalations BIGINT NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  decided_at BIGINT,
  decided_by TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX approvals_due ON approvals (deadline_at) WHERE status = 'PENDING';
CREATE INDEX approvals_by_status ON approvals (status, created_at, id);
CREATE INDEX approvals_by_created ON approvals (created_at, id);
-- The pending approval requests of one execution, looked up each time an execution ends.
CREATE INDEX approvals_pending_by_execution ON approvals (execution_arn) WHERE status = 'PENDING';

-- One vote per person: the primary key refuses a second one.
CREATE TABLE approval_votes (
  approval_id TEXT NOT NULL,
  voter TEXT COLLATE "C" NOT NULL,
  vote TEXT NOT NULL,
  comment TEXT,
  via TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (approval_id, voter)
);

-- Email links are single-use: the digest of each used link's signature is kept, and its
-- primary key lets only one node record it.
CREATE TABLE approval_used_links (
  signature_hash TEXT PRIMARY KEY,
  approval_id TEXT NOT NULL,
  used_at BIGINT NOT NULL
);

-- Incidents: one row each, with their timeline (notes, events folded in by dedup key, linked
-- executions, status changes). At most one incident per dedup key is open or acknowledged at
-- a time. A change locks the incident's row (FOR UPDATE) while it decides and appends.
CREATE TABLE incidents (
  id TEXT COLLATE "C" PRIMARY KEY,
  title TEXT NOT NULL,
  severity TEXT NOT NULL,
  status TEXT NOT NULL,
  dedup_key TEXT,
  source_event TEXT,
  assignee TEXT,
  resolution TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX incidents_open_dedup ON incidents (dedup_key)
  WHERE dedup_key IS NOT NULL AND status IN ('open', 'acknowledged');
CREATE INDEX incidents_by_created ON incidents (created_at, id);

-- kind: opened, event, note, status, assigned, updated, execution. idempotency_key (a workflow
-- task's) makes a retried task find its first change instead of applying it twice.
CREATE TABLE incident_timeline (
  incident_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  text TEXT,
  data TEXT,
  idempotency_key TEXT UNIQUE,
  PRIMARY KEY (incident_id, seq)
);
