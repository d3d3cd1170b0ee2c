/**
 * Migration 020 on a database written under 019 (events keyed by id, WITHOUT ROWID): every
 * event survives with its envelope, deliveries still find theirs, ids stay unique, and the
 * retention loop still prunes oldest first.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import type { StoredEvent } from "../../src/store/events-port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-migration-020-"));
after(() => rmSync(root, { recursive: true, force: true }));

const T0 = Date.parse("2030-01-01T00:00:00Z");
const stored = (id: string, at: number): StoredEvent => ({
  id,
  eventBusName: "default",
  envelope: JSON.stringify({ id, source: "app", detail: { at } }),
  ingestedAt: at,
});

test("020 keeps every event, its deliveries and unique ids, in arrival order", async () => {
  const path = join(root, "opsflow.db");
  const store = openSqliteStore({ path });
  // Ids in an order unlike their arrival: the old table kept them by id.
  await store.acceptEvents(
    [stored("c", T0), stored("a", T0 + 1), stored("b", T0 + 2)],
    [
      {
        eventId: "a",
        eventBusName: "default",
        ruleName: "r",
        ruleArn: "arn:aws:events:us-east-1:123456789012:rule/r",
        target: { Id: "t", Arn: "arn:aws:events:us-east-1:123456789012:event-bus/other" },
        at: T0,
      },
    ],
  );
  await store.close();
  // Back to the 019 schema.
  const db = new Database(path);
  db.exec(`CREATE TABLE events_by_id (id TEXT PRIMARY KEY, bus TEXT NOT NULL, envelope TEXT NOT NULL,
      ingested_at INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO events_by_id SELECT id, bus, envelope, ingested_at FROM events;
    DROP TABLE events; ALTER TABLE events_by_id RENAME TO events;
    CREATE INDEX events_by_age ON events (ingested_at);
    DELETE FROM schema_migrations WHERE version = 20;`);
  db.close();

  const migrated = openSqliteStore({ path });
  try {
    const [claimed] = await migrated.claimDeliveries("me", T0, 30_000, 10);
    assert.deepEqual(claimed.event, stored("a", T0 + 1));
    await assert.rejects(migrated.acceptEvents([stored("b", T0 + 3)], []), /UNIQUE/);
    // "a" still owes a delivery; the other two go, oldest first.
    assert.equal(await migrated.pruneEvents(T0 + 10, 1), 1);
    assert.equal(await migrated.pruneEvents(T0 + 10, 10), 1);
    assert.equal(await migrated.pruneEvents(T0 + 10, 10), 0);
  } finally {
    await migrated.close();
  }
  const check = new Database(path, { readonly: true });
  assert.deepEqual(check.prepare("SELECT seq, id FROM events ORDER BY seq").all(), [
    { seq: 2, id: "a" },
  ]);
  check.close();
});
