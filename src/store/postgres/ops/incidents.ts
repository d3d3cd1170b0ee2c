/**
 * Incidents and their timelines on PostgreSQL (see IncidentStore). Opening and changing run
 * in one transaction each, holding the incident's row lock (FOR UPDATE) while they decide and
 * append, so two nodes changing one incident take turns and number its timeline without
 * gaps or repeats. Idempotency and dedup keys are serialized across nodes with transaction
 * advisory locks on their hash.
 */
import type {
  IncidentChange,
  IncidentFilter,
  IncidentOpening,
  IncidentPatch,
  IncidentRecord,
  IncidentStore,
  IncidentVerdict,
  NewTimelineEntry,
} from "../../incidents-port.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, isTimeArnKey, pageOf } from "../../paging.js";
import { groupBy } from "../../rows/common.js";
import { entryOf, incidentOf } from "../../rows/incidents.js";
import type { PostgresDatabase, Row, Sql } from "../database.js";

/** The columns a patch may set, by field. */
const COLUMNS: Record<keyof IncidentPatch, string> = {
  title: "title",
  severity: "severity",
  status: "status",
  assignee: "assignee",
  resolution: "resolution",
};

// The first half of the two-part advisory lock keys of incidents: their key space is apart
// from the one-part keys (the migration lock) and from other domains' classes.
const IDEMPOTENCY_LOCK = 0x1c1d_0001;
const DEDUP_LOCK = 0x1c1d_0002;

/** Holds, until the transaction ends, the lock of `key` in `space` (waiting for another node's). */
async function lockKey(tx: Sql, space: number, key: string): Promise<void> {
  await tx.run("SELECT pg_advisory_xact_lock($1, hashtext($2))", [space, key]);
}

/** The incidents of `rows` with their timelines, read in one more statement. */
async function withTimelines(sql: Sql, rows: Row[]): Promise<IncidentRecord[]> {
  if (rows.length === 0) return [];
  const entries = groupBy(
    await sql.rows(
      "SELECT * FROM incident_timeline WHERE incident_id = ANY($1::text[]) ORDER BY incident_id, seq",
      [rows.map((row) => row.id)],
    ),
    "incident_id",
    entryOf,
  );
  return rows.map((row) => incidentOf(row, entries.get(row.id as string) ?? []));
}

/** The incident `id`, locked until the transaction ends when `lock` is set. */
async function load(sql: Sql, id: string, lock = false): Promise<IncidentRecord | undefined> {
  const row = await sql.row(`SELECT * FROM incidents WHERE id = $1${lock ? " FOR UPDATE" : ""}`, [
    id,
  ]);
  return row && (await withTimelines(sql, [row]))[0];
}

/** The incident whose change carried `key`, if any. */
async function seen(tx: Sql, key: string | undefined): Promise<string | undefined> {
  if (key === undefined) return undefined;
  const row = await tx.row<{ incident_id: string }>(
    "SELECT incident_id FROM incident_timeline WHERE idempotency_key = $1",
    [key],
  );
  return row?.incident_id;
}

/**
 * Appends entries to the timeline of `id`, whose row the transaction holds locked; the
 * idempotency key marks the first entry of the change.
 */
async function append(
  tx: Sql,
  id: string,
  entries: NewTimelineEntry[],
  now: number,
  key: string | undefined,
): Promise<void> {
  if (entries.length > 0)
    await tx.run(
      `INSERT INTO incident_timeline (incident_id, seq, kind, at, actor, text, data, idempotency_key)
       SELECT $1::text, last.seq + e.n, e.kind, $2::bigint, e.actor, e.text, e.data,
         CASE WHEN e.n = 1 THEN $3::text END
       FROM (SELECT COALESCE(MAX(seq), 0) AS seq FROM incident_timeline WHERE incident_id = $1::text) AS last,
         unnest($4::text[], $5::text[], $6::text[], $7::text[])
           WITH ORDINALITY AS e (kind, actor, text, data, n)`,
      [
        id,
        now,
        key ?? null,
        entries.map((e) => e.kind),
        entries.map((e) => e.actor),
        entries.map((e) => e.text ?? null),
        entries.map((e) => e.data ?? null),
      ],
    );
  await tx.run("UPDATE incidents SET updated_at = $1 WHERE id = $2", [now, id]);
}

/** Incidents on `db`. */
export function postgresIncidentStore(db: PostgresDatabase): IncidentStore {
  return {
    openIncident: (
      record: Omit<IncidentRecord, "timeline">,
      opened: NewTimelineEntry,
      duplicate: NewTimelineEntry,
      idempotencyKey?: string,
    ) =>
      db.transaction(async (tx): Promise<IncidentOpening> => {
        if (idempotencyKey !== undefined) await lockKey(tx, IDEMPOTENCY_LOCK, idempotencyKey);
        const repeated = await seen(tx, idempotencyKey);
        if (repeated)
          return { incident: (await load(tx, repeated)) as IncidentRecord, outcome: "repeated" };
        if (record.dedupKey !== undefined) {
          // Two nodes opening the same key take turns: the second finds the first's incident.
          await lockKey(tx, DEDUP_LOCK, record.dedupKey);
          const existing = await tx.row<{ id: string }>(
            `SELECT id FROM incidents WHERE dedup_key = $1 AND status IN ('open', 'acknowledged')
             FOR UPDATE`,
            [record.dedupKey],
          );
          if (existing) {
            await append(tx, existing.id, [duplicate], record.createdAt, idempotencyKey);
            return {
              incident: (await load(tx, existing.id)) as IncidentRecord,
              outcome: "deduplicated",
            };
          }
        }
        await tx.run(
          `INSERT INTO incidents (id, title, severity, status, dedup_key, source_event, assignee,
             resolution, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            record.id,
            record.title,
            record.severity,
            record.status,
            record.dedupKey ?? null,
            record.sourceEvent ?? null,
            record.assignee ?? null,
            record.resolution ?? null,
            record.createdAt,
            record.updatedAt,
          ],
        );
        await append(tx, record.id, [opened], record.createdAt, idempotencyKey);
        return { incident: (await load(tx, record.id)) as IncidentRecord, outcome: "created" };
      }),
    getIncident: (id: string) => load(db, id),
    async listIncidents(filter: IncidentFilter, page: PageRequest): Promise<Page<IncidentRecord>> {
      const [at, id] = page.nextToken
        ? decodePageToken(page.nextToken, isTimeArnKey)
        : [Number.MIN_SAFE_INTEGER, ""];
      const rows = await db.rows(
        `SELECT * FROM incidents
         WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR severity = $2)
           AND ($3::text IS NULL OR assignee = $3) AND ($4::text IS NULL OR dedup_key = $4)
           AND (created_at, id) > ($5, $6)
         ORDER BY created_at, id LIMIT $7`,
        [
          filter.status ?? null,
          filter.severity ?? null,
          filter.assignee ?? null,
          filter.dedupKey ?? null,
          at,
          id,
          page.limit + 1,
        ],
      );
      return pageOf(await withTimelines(db, rows), page.limit, (last) => [last.createdAt, last.id]);
    },
    changeIncident: (
      id: string,
      verdict: (incident: IncidentRecord) => IncidentVerdict,
      now: number,
      idempotencyKey?: string,
    ) =>
      db.transaction(async (tx): Promise<IncidentChange> => {
        if (idempotencyKey !== undefined) await lockKey(tx, IDEMPOTENCY_LOCK, idempotencyKey);
        const incident = await load(tx, id, true);
        if (!incident)
          return { kind: "refused", code: "not-found", reason: `Incident ${id} does not exist.` };
        if ((await seen(tx, idempotencyKey)) === id)
          return { kind: "changed", incident, repeated: true };
        const result = verdict(incident);
        if (result.kind === "refuse")
          return { kind: "refused", code: result.code, reason: result.reason };
        const fields = (Object.keys(result.patch) as (keyof IncidentPatch)[]).filter((key) =>
          Object.hasOwn(COLUMNS, key),
        );
        if (fields.length > 0)
          await tx.run(
            `UPDATE incidents SET ${fields.map((key, i) => `${COLUMNS[key]} = $${i + 2}`).join(", ")}
             WHERE id = $1`,
            [id, ...fields.map((key) => result.patch[key] ?? null)],
          );
        await append(tx, id, result.entries, now, idempotencyKey);
        return {
          kind: "changed",
          incident: (await load(tx, id)) as IncidentRecord,
          repeated: false,
        };
      }),
  };
}
