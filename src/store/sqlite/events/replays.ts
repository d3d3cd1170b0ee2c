/** Replays: durable background work whose every batch commits with its deliveries. */
import type Database from "better-sqlite3";
import type { ReplayBatch, ReplayRecord, ReplayState } from "../../events-port.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../../paging.js";
import { replayFromRow } from "../../rows/events.js";
import { deliveryInserter } from "./deliveries.js";
import { insertOnce } from "./insert-once.js";
import { likePrefix } from "./like-prefix.js";

type Row = Record<string, unknown>;

/** The replay operations of the SQLite store. */
export function replayQueries(db: Database.Database) {
  const insertReplay = db.prepare(
    `INSERT INTO event_replays (name, arn, archive, archive_arn, description, destination_bus,
       destination_arn, filter_arns, event_start, event_end, state, replay_start)
     VALUES (@name, @arn, @archiveName, @archiveArn, @description, @destinationBus,
       @destinationArn, @filterArns, @eventStart, @eventEnd, @state, @replayStart)`,
  );
  const getReplay = db.prepare("SELECT * FROM event_replays WHERE name = ? OR arn = ?");
  const listReplays = db.prepare(
    `SELECT * FROM event_replays WHERE name LIKE @prefix ESCAPE '\\' AND name > @after
       AND (@archive IS NULL OR archive_arn = @archive) AND (@state IS NULL OR state = @state)
     ORDER BY name LIMIT @limit`,
  );
  const active = db.prepare(
    "SELECT * FROM event_replays WHERE state IN ('STARTING', 'RUNNING', 'CANCELLING') ORDER BY replay_start, name",
  );
  const advanceReplay = db.prepare(
    `UPDATE event_replays SET state = @state, cursor_at = @cursorAt, cursor_id = @cursorId,
       last_replayed_at = @lastReplayedAt, replay_end = @replayEnd, state_reason = @reason
     WHERE name = @name AND state = @expected`,
  );
  const cancel = db.prepare(
    `UPDATE event_replays SET state = 'CANCELLING' WHERE name = ? AND state IN ('STARTING', 'RUNNING')`,
  );
  const insertEvent = db.prepare(
    "INSERT OR IGNORE INTO events (id, bus, envelope, ingested_at) VALUES (@id, @eventBusName, @envelope, @ingestedAt)",
  );
  const enqueue = deliveryInserter(db);

  return {
    createReplay: (record: ReplayRecord) =>
      insertOnce(
        () =>
          insertReplay.run({
            ...record,
            description: record.description ?? null,
            filterArns: record.filterArns ? JSON.stringify(record.filterArns) : null,
          }),
        `Replay ${record.name}`,
      ),
    getReplay: (key: string) => {
      const row = getReplay.get(key, key) as Row | undefined;
      return row && replayFromRow(row);
    },
    listReplays(
      filter: { namePrefix?: string; archiveArn?: string; state?: string },
      page: PageRequest,
    ): Page<ReplayRecord> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "";
      const rows = listReplays.all({
        prefix: likePrefix(filter.namePrefix),
        after,
        archive: filter.archiveArn ?? null,
        state: filter.state ?? null,
        limit: page.limit + 1,
      }) as Row[];
      return pageOf(rows.map(replayFromRow), page.limit, (last) => last.name);
    },
    activeReplays: () => (active.all() as Row[]).map(replayFromRow),
    recordReplayBatch: db.transaction((name: string, expected: ReplayState, batch: ReplayBatch) => {
      const state = batch.end?.state ?? (expected === "STARTING" ? "RUNNING" : expected);
      const moved = advanceReplay.run({
        name,
        expected,
        state,
        cursorAt: batch.cursor?.eventTime ?? null,
        cursorId: batch.cursor?.eventId ?? null,
        lastReplayedAt: batch.lastReplayedAt ?? null,
        replayEnd: batch.end?.at ?? null,
        reason: batch.end?.reason ?? null,
      });
      if (moved.changes === 0) return false;
      for (const event of batch.events) insertEvent.run(event);
      enqueue(batch.deliveries);
      return true;
    }),
    cancelReplay: db.transaction((name: string) => {
      cancel.run(name);
      const row = getReplay.get(name, name) as Row | undefined;
      return row && replayFromRow(row);
    }),
  };
}
