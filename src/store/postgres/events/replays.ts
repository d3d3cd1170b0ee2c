/** Replays on PostgreSQL: durable background work whose every batch commits with its deliveries. */
import type { EventStore, ReplayBatch, ReplayRecord, ReplayState } from "../../events-port.js";
import type { PageRequest } from "../../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../../paging.js";
import { replayFromRow } from "../../rows/events.js";
import type { PostgresDatabase } from "../database.js";
import { insertDeliveries, insertEvents } from "./deliveries.js";
import { insertOnce, likePrefix, startsWith } from "./shared.js";

/** The replay operations of the PostgreSQL store. */
export function postgresReplayStore(db: PostgresDatabase) {
  return {
    createReplay: (record: ReplayRecord) =>
      insertOnce(
        () =>
          db.run(
            `INSERT INTO event_replays (name, arn, archive, archive_arn, description,
               destination_bus, destination_arn, filter_arns, event_start, event_end, state,
               replay_start)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
            [
              record.name,
              record.arn,
              record.archiveName,
              record.archiveArn,
              record.description ?? null,
              record.destinationBus,
              record.destinationArn,
              record.filterArns ? JSON.stringify(record.filterArns) : null,
              record.eventStart,
              record.eventEnd,
              record.state,
              record.replayStart,
            ],
          ),
        `Replay ${record.name}`,
      ),
    async getReplay(key: string) {
      const row = await db.row("SELECT * FROM event_replays WHERE name = $1 OR arn = $1", [key]);
      return row && replayFromRow(row);
    },
    async listReplays(
      filter: { namePrefix?: string; archiveArn?: string; state?: string },
      page: PageRequest,
    ) {
      const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "";
      const rows = await db.rows(
        `SELECT * FROM event_replays WHERE ${startsWith("name", 1)} AND name > $2
           AND ($3::text IS NULL OR archive_arn = $3) AND ($4::text IS NULL OR state = $4)
         ORDER BY name LIMIT $5`,
        [
          likePrefix(filter.namePrefix),
          after,
          filter.archiveArn ?? null,
          filter.state ?? null,
          page.limit + 1,
        ],
      );
      return pageOf(rows.map(replayFromRow), page.limit, (last) => last.name);
    },
    async activeReplays() {
      const rows = await db.rows(
        `SELECT * FROM event_replays WHERE state IN ('STARTING', 'RUNNING', 'CANCELLING')
         ORDER BY replay_start, name`,
      );
      return rows.map(replayFromRow);
    },
    // Compare-and-set on the state: a batch committed by another node, or a cancel, changes
    // it, and this batch then stores nothing.
    recordReplayBatch: (name: string, expected: ReplayState, batch: ReplayBatch) =>
      db.transaction(async (tx) => {
        const state = batch.end?.state ?? (expected === "STARTING" ? "RUNNING" : expected);
        const moved = await tx.run(
          `UPDATE event_replays SET state = $1, cursor_at = $2, cursor_id = $3,
             last_replayed_at = $4, replay_end = $5, state_reason = $6
           WHERE name = $7 AND state = $8`,
          [
            state,
            batch.cursor?.eventTime ?? null,
            batch.cursor?.eventId ?? null,
            batch.lastReplayedAt ?? null,
            batch.end?.at ?? null,
            batch.end?.reason ?? null,
            name,
            expected,
          ],
        );
        if (moved === 0) return false;
        await insertEvents(tx, batch.events, true);
        await insertDeliveries(tx, batch.deliveries);
        return true;
      }),
    cancelReplay: (name: string) =>
      db.transaction(async (tx) => {
        await tx.run(
          `UPDATE event_replays SET state = 'CANCELLING'
           WHERE name = $1 AND state IN ('STARTING', 'RUNNING')`,
          [name],
        );
        const row = await tx.row("SELECT * FROM event_replays WHERE name = $1 OR arn = $1", [name]);
        return row && replayFromRow(row);
      }),
  } satisfies Pick<
    EventStore,
    | "createReplay"
    | "getReplay"
    | "listReplays"
    | "activeReplays"
    | "recordReplayBatch"
    | "cancelReplay"
  >;
}
