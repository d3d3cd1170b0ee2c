-- Operations: notification topics, subscriptions, published messages and their per-subscriber
-- deliveries (kept after they end, so the API can show delivered/failed and why), and
-- approval requests with their votes and used email links.
CREATE TABLE topics (
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  display_name TEXT,
  created_at INTEGER NOT NULL
);

-- protocol: email, http, https, slack. Webhook secrets are sealed with the master key; email
-- subscriptions stay 'pending' until the link with the confirmation token (kept hashed) is used.
CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  topic_arn TEXT NOT NULL,
  protocol TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  status TEXT NOT NULL,
  sealed_secret TEXT,
  confirm_token_hash TEXT UNIQUE,
  created_at INTEGER NOT NULL,
  confirmed_at INTEGER
);
CREATE INDEX subscriptions_by_topic ON subscriptions (topic_arn, status);

-- A published message. The idempotency key (a workflow task's) makes a re-run of the same
-- task after a crash find the first publish instead of sending twice.
CREATE TABLE notification_messages (
  id TEXT PRIMARY KEY,
  topic_arn TEXT,
  subject TEXT,
  message TEXT NOT NULL,
  structure TEXT,
  attributes TEXT,
  idempotency_key TEXT UNIQUE,
  published_at INTEGER NOT NULL
);

-- One row per (message, recipient): the rendered body, its state and every attempt's outcome.
-- subscription_id is NULL for direct mails (approval requests to their approvers).
CREATE TABLE notification_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL,
  topic_arn TEXT,
  subscription_id TEXT,
  protocol TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  subject TEXT,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  lease_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX notification_deliveries_by_topic ON notification_deliveries (topic_arn, id);

-- An approval request opened by a workflow task (its token settles the task in the same
-- transaction as the decision). approvers and on_deadline are JSON.
CREATE TABLE approvals (
  id TEXT PRIMARY KEY,
  task_token TEXT NOT NULL UNIQUE,
  execution_arn TEXT NOT NULL,
  state_name TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT,
  data TEXT,
  approvers TEXT NOT NULL,
  quorum INTEGER NOT NULL,
  requester TEXT,
  allow_self_approval INTEGER NOT NULL,
  deadline_at INTEGER,
  on_deadline TEXT,
  escalations INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  decided_at INTEGER,
  decided_by TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX approvals_due ON approvals (deadline_at) WHERE status = 'PENDING';
CREATE INDEX approvals_by_status ON approvals (status, created_at);

-- One vote per person: the primary key refuses a second one.
CREATE TABLE approval_votes (
  approval_id TEXT NOT NULL,
  voter TEXT NOT NULL,
  vote TEXT NOT NULL,
  comment TEXT,
  via TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (approval_id, voter)
);

-- Email links are single-use: the digest of each used link's signature is kept.
CREATE TABLE approval_used_links (
  signature_hash TEXT PRIMARY KEY,
  approval_id TEXT NOT NULL,
  used_at INTEGER NOT NULL
);
