-- Accepted events are stored in arrival order, their random ids in a separate unique index.
-- Keyed by the id itself (WITHOUT ROWID), each ~1 KB envelope landed on a random page of a
-- table that only grows until retention: every insert wrote its own leaf page, often split
-- it, and every checkpoint copied those scattered pages back. Appended by sequence, the
-- envelopes of a commit share the last page, and only the small id entries land at random.
-- Measured with 50,000 events stored, 2 events per commit: 9.1 -> 5.9 WAL frames per commit,
-- half the time per commit, and half the time to checkpoint them.
CREATE TABLE events_in_order (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  bus TEXT NOT NULL,
  envelope TEXT NOT NULL,
  ingested_at INTEGER NOT NULL
);
INSERT INTO events_in_order (id, bus, envelope, ingested_at)
  SELECT id, bus, envelope, ingested_at FROM events ORDER BY ingested_at, id;
DROP TABLE events;
ALTER TABLE events_in_order RENAME TO events;
CREATE INDEX events_by_age ON events (ingested_at);
