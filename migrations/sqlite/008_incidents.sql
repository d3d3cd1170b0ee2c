-- Incidents: one row each, with their timeline (notes, events folded in by dedup key, linked
-- executions, status changes). At most one incident per dedup key is open or acknowledged at
-- a time: the partial unique index makes concurrent openings of the same key yield one.
CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  severity TEXT NOT NULL,
  status TEXT NOT NULL,
  dedup_key TEXT,
  source_event TEXT,
  assignee TEXT,
  resolution TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX incidents_open_dedup ON incidents (dedup_key)
  WHERE dedup_key IS NOT NULL AND status IN ('open', 'acknowledged');
CREATE INDEX incidents_by_created ON incidents (created_at, id);

-- kind: opened, event, note, status, assigned, updated, execution. idempotency_key (a workflow
-- task's) makes a retried task find its first change instead of applying it twice.
CREATE TABLE incident_timeline (
  incident_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  text TEXT,
  data TEXT,
  idempotency_key TEXT UNIQUE,
  PRIMARY KEY (incident_id, seq)
);
