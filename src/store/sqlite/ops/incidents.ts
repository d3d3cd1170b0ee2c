/**
 * Incidents and their timelines (see IncidentStore). Opening and changing run in one
 * transaction each: the dedup lookup, the transition check and the write see the same rows.
 */
import type Database from "better-sqlite3";
import type {
  IncidentChange,
  IncidentFilter,
  IncidentOpening,
  IncidentRecord,
  IncidentVerdict,
  NewTimelineEntry,
} from "../../incidents-port.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, isTimeArnKey, pageOf } from "../../paging.js";
import { entryOf, incidentOf as sharedIncidentOf } from "../../rows/incidents.js";

type Row = Record<string, unknown>;

const COLUMNS: Record<string, string> = {
  title: "title",
  severity: "severity",
  status: "status",
  assignee: "assignee",
  resolution: "resolution",
};

/** The incident operations of the SQLite store. */
export function incidentQueries(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO incidents (id, title, severity, status, dedup_key, source_event, assignee,
       resolution, created_at, updated_at)
     VALUES (@id, @title, @severity, @status, @dedupKey, @sourceEvent, @assignee, @resolution,
       @createdAt, @updatedAt)`,
  );
  const byId = db.prepare("SELECT * FROM incidents WHERE id = ?");
  const openByKey = db.prepare(
    "SELECT id FROM incidents WHERE dedup_key = ? AND status IN ('open', 'acknowledged')",
  );
  const byIdempotency = db.prepare(
    "SELECT incident_id FROM incident_timeline WHERE idempotency_key = ?",
  );
  const entriesOf = db.prepare(
    "SELECT * FROM incident_timeline WHERE incident_id = ? ORDER BY seq",
  );
  const lastSeq = db.prepare(
    "SELECT COALESCE(MAX(seq), 0) AS seq FROM incident_timeline WHERE incident_id = ?",
  );
  const insertEntry = db.prepare(
    `INSERT INTO incident_timeline (incident_id, seq, kind, at, actor, text, data, idempotency_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const touch = db.prepare("UPDATE incidents SET updated_at = ? WHERE id = ?");
  const list = db.prepare(
    `SELECT * FROM incidents
     WHERE (@status IS NULL OR status = @status) AND (@severity IS NULL OR severity = @severity)
       AND (@assignee IS NULL OR assignee = @assignee) AND (@dedupKey IS NULL OR dedup_key = @dedupKey)
       AND (created_at > @at OR (created_at = @at AND id > @id))
     ORDER BY created_at, id LIMIT @limit`,
  );

  const incidentOf = (row: Row): IncidentRecord =>
    sharedIncidentOf(row, (entriesOf.all(row.id) as Row[]).map(entryOf));
  const load = (id: string) => {
    const row = byId.get(id) as Row | undefined;
    return row && incidentOf(row);
  };
  const append = (id: string, entries: NewTimelineEntry[], now: number, key?: string) => {
    let seq = (lastSeq.get(id) as { seq: number }).seq;
    entries.forEach((e, i) => {
      seq += 1;
      // The idempotency key marks the first entry of a change.
      const entryKey = i === 0 ? (key ?? null) : null;
      insertEntry.run(id, seq, e.kind, now, e.actor, e.text ?? null, e.data ?? null, entryKey);
    });
    touch.run(now, id);
  };
  const seen = (key: string | undefined) =>
    key === undefined
      ? undefined
      : (byIdempotency.get(key) as { incident_id: string } | undefined)?.incident_id;

  return {
    openIncident: db.transaction(
      (
        record: Omit<IncidentRecord, "timeline">,
        opened: NewTimelineEntry,
        duplicate: NewTimelineEntry,
        idempotencyKey?: string,
      ): IncidentOpening => {
        const repeated = seen(idempotencyKey);
        if (repeated) return { incident: load(repeated) as IncidentRecord, outcome: "repeated" };
        const existing =
          record.dedupKey === undefined
            ? undefined
            : (openByKey.get(record.dedupKey) as { id: string } | undefined);
        if (existing) {
          append(existing.id, [duplicate], record.createdAt, idempotencyKey);
          return { incident: load(existing.id) as IncidentRecord, outcome: "deduplicated" };
        }
        insert.run({
          dedupKey: null,
          sourceEvent: null,
          assignee: null,
          resolution: null,
          ...record,
        });
        append(record.id, [opened], record.createdAt, idempotencyKey);
        return { incident: load(record.id) as IncidentRecord, outcome: "created" };
      },
    ),
    getIncident: load,
    listIncidents(filter: IncidentFilter, page: PageRequest): Page<IncidentRecord> {
      const [at, id] = page.nextToken
        ? decodePageToken(page.nextToken, isTimeArnKey)
        : [Number.MIN_SAFE_INTEGER, ""];
      const rows = list.all({
        status: filter.status ?? null,
        severity: filter.severity ?? null,
        assignee: filter.assignee ?? null,
        dedupKey: filter.dedupKey ?? null,
        at,
        id,
        limit: page.limit + 1,
      }) as Row[];
      return pageOf(rows.map(incidentOf), page.limit, (last) => [last.createdAt, last.id]);
    },
    changeIncident: db.transaction(
      (
        id: string,
        verdict: (incident: IncidentRecord) => IncidentVerdict,
        now: number,
        idempotencyKey?: string,
      ): IncidentChange => {
        const incident = load(id);
        if (!incident)
          return { kind: "refused", code: "not-found", reason: `Incident ${id} does not exist.` };
        if (seen(idempotencyKey) === id) return { kind: "changed", incident, repeated: true };
        const result = verdict(incident);
        if (result.kind === "refuse")
          return { kind: "refused", code: result.code, reason: result.reason };
        const fields = Object.entries(result.patch).filter(([key]) => key in COLUMNS);
        if (fields.length > 0)
          db.prepare(
            `UPDATE incidents SET ${fields.map(([key]) => `${COLUMNS[key]} = ?`).join(", ")} WHERE id = ?`,
          ).run(...fields.map(([, value]) => value ?? null), id);
        append(id, result.entries, now, idempotencyKey);
        return { kind: "changed", incident: load(id) as IncidentRecord, repeated: false };
      },
    ),
  };
}
