/** Archives and archived events on PostgreSQL (written with ingestion, purged by retention). */
import type { ArchiveCursor, ArchivedEvent, ArchiveRecord, EventStore } from "../../events-port.js";
import type { PageRequest } from "../../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../../paging.js";
import { archiveFromRow } from "../../rows/events.js";
import type { PostgresDatabase, Sql } from "../database.js";
import { holdBus } from "./rules.js";
import { insertOnce, likePrefix, startsWith } from "./shared.js";

const DAY_MS = 86_400_000;

/**
 * Stores archived copies (a copy already there is skipped) and adds them to their archives'
 * counts, in the caller's transaction. Archives are counted in name order, so transactions
 * that archive into the same archives lock their rows in one order.
 */
export async function archiveEvents(tx: Sql, archived: ArchivedEvent[]): Promise<void> {
  if (archived.length === 0) return;
  const inserted = await tx.rows<{ archive: string; bytes: number }>(
    `INSERT INTO event_archive_events (archive, ingested_at, event_id, envelope, event_time)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[])
     ON CONFLICT DO NOTHING
     RETURNING archive, octet_length(envelope)::bigint AS bytes`,
    [
      archived.map((a) => a.archive),
      archived.map((a) => a.ingestedAt),
      archived.map((a) => a.eventId),
      archived.map((a) => a.envelope),
      archived.map((a) => a.eventTime),
    ],
  );
  const totals = new Map<string, [number, number]>();
  for (const { archive, bytes } of inserted) {
    const total = totals.get(archive) ?? [0, 0];
    total[0] += 1;
    total[1] += bytes;
    totals.set(archive, total);
  }
  for (const archive of [...totals.keys()].sort()) {
    const [count, bytes] = totals.get(archive) ?? [0, 0];
    await tx.run(
      "UPDATE event_archives SET event_count = event_count + $1, size_bytes = size_bytes + $2 WHERE name = $3",
      [count, bytes, archive],
    );
  }
}

/** The archive operations of the PostgreSQL store. */
export function postgresArchiveStore(db: PostgresDatabase) {
  return {
    createArchive: (record: ArchiveRecord) =>
      insertOnce(
        () =>
          db.transaction(async (tx) => {
            await holdBus(tx, record.eventBusName);
            await tx.run(
              `INSERT INTO event_archives (name, arn, bus, event_pattern, description,
                 retention_days, state, event_count, size_bytes, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, $8, $9)`,
              [
                record.name,
                record.arn,
                record.eventBusName,
                record.eventPattern ?? null,
                record.description ?? null,
                record.retentionDays,
                record.state,
                record.createdAt,
                record.updatedAt,
              ],
            );
          }),
        `Archive ${record.name}`,
      ),
    async getArchive(key: string) {
      const row = await db.row("SELECT * FROM event_archives WHERE name = $1 OR arn = $1", [key]);
      return row && archiveFromRow(row);
    },
    async listArchives(
      filter: { namePrefix?: string; eventBusName?: string; state?: string },
      page: PageRequest,
    ) {
      const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "";
      const rows = await db.rows(
        `SELECT * FROM event_archives WHERE ${startsWith("name", 1)} AND name > $2
           AND ($3::text IS NULL OR bus = $3) AND ($4::text IS NULL OR state = $4)
         ORDER BY name LIMIT $5`,
        [
          likePrefix(filter.namePrefix),
          after,
          filter.eventBusName ?? null,
          filter.state ?? null,
          page.limit + 1,
        ],
      );
      return pageOf(rows.map(archiveFromRow), page.limit, (last) => last.name);
    },
    async loadArchives() {
      return (await db.rows("SELECT * FROM event_archives ORDER BY name")).map(archiveFromRow);
    },
    async updateArchive(record: ArchiveRecord) {
      const changed = await db.run(
        `UPDATE event_archives SET event_pattern = $1, description = $2, retention_days = $3,
           state = $4, updated_at = $5 WHERE name = $6`,
        [
          record.eventPattern ?? null,
          record.description ?? null,
          record.retentionDays,
          record.state,
          record.updatedAt,
          record.name,
        ],
      );
      return changed > 0;
    },
    deleteArchive: (name: string) =>
      db.transaction(async (tx) => {
        await tx.run("DELETE FROM event_archive_events WHERE archive = $1", [name]);
        return (await tx.run("DELETE FROM event_archives WHERE name = $1", [name])) > 0;
      }),
    async readArchive(
      archive: string,
      window: { from: number; to: number; archivedUntil: number },
      after: ArchiveCursor | undefined,
      limit: number,
    ) {
      const rows = await db.rows(
        `SELECT * FROM event_archive_events WHERE archive = $1
           AND event_time >= $2 AND event_time <= $3 AND ingested_at <= $4
           AND (event_time, event_id) > ($5::bigint, $6::text COLLATE "C")
         ORDER BY event_time, event_id LIMIT $7`,
        [
          archive,
          window.from,
          window.to,
          window.archivedUntil,
          after?.eventTime ?? Number.MIN_SAFE_INTEGER,
          after?.eventId ?? "",
          limit,
        ],
      );
      return rows.map(
        (row): ArchivedEvent => ({
          archive,
          eventId: row.event_id as string,
          ingestedAt: row.ingested_at as number,
          eventTime: row.event_time as number,
          envelope: row.envelope as string,
        }),
      );
    },
    // Each archive's counts drop by exactly the rows its DELETE removed: of two nodes purging
    // at once, a row goes (and is counted) once.
    purgeExpiredArchiveEvents: (now: number) =>
      db.transaction(async (tx) => {
        const retained = await tx.rows<{ name: string; retention_days: number }>(
          "SELECT name, retention_days FROM event_archives WHERE retention_days > 0 ORDER BY name",
        );
        let purged = 0;
        for (const { name, retention_days } of retained) {
          const row = await tx.row<{ n: number }>(
            `WITH gone AS (
               DELETE FROM event_archive_events WHERE archive = $1 AND ingested_at < $2
               RETURNING octet_length(envelope)::bigint AS bytes),
             total AS (SELECT COUNT(*)::bigint AS n, COALESCE(SUM(bytes), 0)::bigint AS bytes FROM gone),
             counted AS (
               UPDATE event_archives SET event_count = event_count - total.n,
                 size_bytes = size_bytes - total.bytes
               FROM total WHERE name = $1 AND total.n > 0)
             SELECT n FROM total`,
            [name, now - retention_days * DAY_MS],
          );
          purged += row?.n ?? 0;
        }
        return purged;
      }),
  } satisfies Pick<
    EventStore,
    | "createArchive"
    | "getArchive"
    | "listArchives"
    | "loadArchives"
    | "updateArchive"
    | "deleteArchive"
    | "readArchive"
    | "purgeExpiredArchiveEvents"
  >;
}
