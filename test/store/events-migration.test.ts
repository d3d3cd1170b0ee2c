/**
 * Migration 015 on a database archived under 014: each archived event gets its event time from
 * its envelope's `time` (what replays select by), and the indexes retention and replays use.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { openSqliteStore } from "../../src/store/sqlite/index.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-migration-015-"));
after(() => rmSync(root, { recursive: true, force: true }));

test("015 backfills the event time of archived events from their envelopes", async () => {
  const path = join(root, "opsflow.db");
  const T0 = Date.parse("2030-01-01T00:00:00Z");
  const store = openSqliteStore({ path });
  await store.createArchive({
    name: "all",
    arn: "arn:aws:events:us-east-1:123456789012:archive/all",
    eventBusName: "default",
    retentionDays: 0,
    state: "ENABLED",
    eventCount: 0,
    sizeBytes: 0,
    createdAt: T0,
    updatedAt: T0,
  });
  const envelope = (id: string, time?: string) => JSON.stringify({ id, ...(time && { time }) });
  await store.acceptEvents(
    [],
    [],
    [
      {
        archive: "all",
        eventId: "old",
        ingestedAt: T0,
        eventTime: 0,
        envelope: envelope("old", "2029-06-01T12:30:05Z"),
      },
      {
        archive: "all",
        eventId: "odd",
        ingestedAt: T0 + 1,
        eventTime: 0,
        envelope: envelope("odd"),
      },
    ],
  );
  await store.close();
  // Back to the 014 schema: the column, its index and the other 015 indexes gone.
  const db = new Database(path);
  db.exec(`DROP INDEX event_archive_events_by_time; DROP INDEX events_by_age;
    DROP INDEX event_deliveries_by_event; DROP INDEX event_dead_letters_by_event;
    ALTER TABLE event_archive_events DROP COLUMN event_time;
    DELETE FROM schema_migrations WHERE version = 15;`);
  db.close();

  const migrated = openSqliteStore({ path });
  const read = await migrated.readArchive(
    "all",
    { from: 0, to: T0 * 2, archivedUntil: T0 * 2 },
    undefined,
    10,
  );
  assert.deepEqual(
    read.map((e) => [e.eventId, e.eventTime]),
    [
      ["old", Date.parse("2029-06-01T12:30:05Z")],
      ["odd", T0 + 1], // no time in its envelope: its ingestion time
    ],
  );
  await migrated.close();
});
