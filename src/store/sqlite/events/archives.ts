/** Archives and archived events (written with ingestion, purged by retention). */
import type Database from "better-sqlite3";
import type { ArchiveCursor, ArchivedEvent, ArchiveRecord } from "../../events-port.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../../paging.js";
import { archiveFromRow } from "../../rows/events.js";
import { insertOnce } from "./insert-once.js";
import { likePrefix } from "./like-prefix.js";

type Row = Record<string, unknown>;
const DAY_MS = 86_400_000;

/** The archive operations of the SQLite store. */
export function archiveQueries(db: Database.Database) {
  const insertArchive = db.prepare(
    `INSERT INTO event_archives (name, arn, bus, event_pattern, description, retention_days, state,
       event_count, size_bytes, created_at, updated_at)
     VALUES (@name, @arn, @eventBusName, @eventPattern, @description, @retentionDays, @state, 0, 0,
       @createdAt, @updatedAt)`,
  );
  const getArchive = db.prepare("SELECT * FROM event_archives WHERE name = ? OR arn = ?");
  const listArchives = db.prepare(
    `SELECT * FROM event_archives WHERE name LIKE @prefix ESCAPE '\\' AND name > @after
       AND (@bus IS NULL OR bus = @bus) AND (@state IS NULL OR state = @state)
     ORDER BY name LIMIT @limit`,
  );
  const allArchives = db.prepare("SELECT * FROM event_archives ORDER BY name");
  const updateArchive = db.prepare(
    `UPDATE event_archives SET event_pattern = @eventPattern, description = @description,
       retention_days = @retentionDays, state = @state, updated_at = @updatedAt WHERE name = @name`,
  );
  const deleteArchive = db.prepare("DELETE FROM event_archives WHERE name = ?");
  const deleteArchiveEvents = db.prepare("DELETE FROM event_archive_events WHERE archive = ?");
  const insertArchived = db.prepare(
    `INSERT OR IGNORE INTO event_archive_events (archive, ingested_at, event_id, envelope, event_time)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const countArchived = db.prepare(
    "UPDATE event_archives SET event_count = event_count + ?, size_bytes = size_bytes + ? WHERE name = ?",
  );
  const readWindow = db.prepare(
    `SELECT * FROM event_archive_events WHERE archive = @archive
       AND event_time >= @from AND event_time <= @to AND ingested_at <= @until
       AND (event_time > @at OR (event_time = @at AND event_id > @id))
     ORDER BY event_time, event_id LIMIT @limit`,
  );
  const retained = db.prepare(
    "SELECT name, retention_days FROM event_archives WHERE retention_days > 0",
  );
  const expired = db.prepare(
    `SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(CAST(envelope AS BLOB))), 0) AS bytes
     FROM event_archive_events WHERE archive = ? AND ingested_at < ?`,
  );
  const purge = db.prepare(
    "DELETE FROM event_archive_events WHERE archive = ? AND ingested_at < ?",
  );

  return {
    /** Stores archived copies and keeps the counts; part of acceptEvents' transaction. */
    archiveEvents(archived: ArchivedEvent[]) {
      const totals = new Map<string, [number, number]>();
      for (const a of archived) {
        const inserted = insertArchived.run(
          a.archive,
          a.ingestedAt,
          a.eventId,
          a.envelope,
          a.eventTime,
        );
        if (inserted.changes === 0) continue;
        const total = totals.get(a.archive) ?? [0, 0];
        total[0] += 1;
        total[1] += Buffer.byteLength(a.envelope);
        totals.set(a.archive, total);
      }
      for (const [archive, [count, bytes]] of totals) countArchived.run(count, bytes, archive);
    },
    createArchive: (record: ArchiveRecord) =>
      insertOnce(
        () =>
          insertArchive.run({
            ...record,
            eventPattern: record.eventPattern ?? null,
            description: record.description ?? null,
          }),
        `Archive ${record.name}`,
      ),
    getArchive: (key: string) => {
      const row = getArchive.get(key, key) as Row | undefined;
      return row && archiveFromRow(row);
    },
    listArchives(
      filter: { namePrefix?: string; eventBusName?: string; state?: string },
      page: PageRequest,
    ): Page<ArchiveRecord> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "";
      const rows = listArchives.all({
        prefix: likePrefix(filter.namePrefix),
        after,
        bus: filter.eventBusName ?? null,
        state: filter.state ?? null,
        limit: page.limit + 1,
      }) as Row[];
      return pageOf(rows.map(archiveFromRow), page.limit, (last) => last.name);
    },
    loadArchives: () => (allArchives.all() as Row[]).map(archiveFromRow),
    updateArchive: (record: ArchiveRecord) =>
      updateArchive.run({
        ...record,
        eventPattern: record.eventPattern ?? null,
        description: record.description ?? null,
      }).changes > 0,
    deleteArchive: db.transaction((name: string) => {
      deleteArchiveEvents.run(name);
      return deleteArchive.run(name).changes > 0;
    }),
    readArchive(
      archive: string,
      window: { from: number; to: number; archivedUntil: number },
      after: ArchiveCursor | undefined,
      limit: number,
    ): ArchivedEvent[] {
      const rows = readWindow.all({
        archive,
        from: window.from,
        to: window.to,
        until: window.archivedUntil,
        at: after?.eventTime ?? Number.MIN_SAFE_INTEGER,
        id: after?.eventId ?? "",
        limit,
      }) as Row[];
      return rows.map((row) => ({
        archive,
        eventId: row.event_id as string,
        ingestedAt: row.ingested_at as number,
        eventTime: row.event_time as number,
        envelope: row.envelope as string,
      }));
    },
    purgeExpiredArchiveEvents: db.transaction((now: number) => {
      let purged = 0;
      for (const row of retained.all() as Row[]) {
        const name = row.name as string;
        const cutoff = now - (row.retention_days as number) * DAY_MS;
        const { n, bytes } = expired.get(name, cutoff) as { n: number; bytes: number };
        if (n === 0) continue;
        purge.run(name, cutoff);
        countArchived.run(-n, -bytes, name);
        purged += n;
      }
      return purged;
    }),
  };
}
