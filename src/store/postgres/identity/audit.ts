/**
 * The audit trail on PostgreSQL: appended only (triggers in migration 003 refuse updates,
 * deletes and truncation), read newest first with keyset paging on the append sequence, with
 * the same page tokens as SQLite.
 */
import type { AuditFilter, AuditStore } from "../../audit-port.js";
import { decodePageToken, encodePageToken } from "../../paging.js";
import { auditEventFromRow } from "../../rows/audit.js";
import type { PostgresDatabase } from "../database.js";

const isSeq = (value: unknown): value is number => Number.isSafeInteger(value);

/** Which filter is which column; `resource` goes through audit_resources. */
const FILTERS: [keyof AuditFilter, string][] = [
  ["user", "user_name ="],
  ["credentialId", "credential_id ="],
  ["action", "action ="],
  ["startTime", "at >="],
  ["endTime", "at <="],
];

/** The AuditStore on PostgreSQL. */
export function postgresAuditStore(db: PostgresDatabase) {
  return {
    async appendAudit(event) {
      // One statement: the event and its resource index rows are written together or not at
      // all. A resource named twice in one event is indexed once.
      await db.run(
        `WITH event AS (
           INSERT INTO audit_events (id, at, user_name, credential_kind, credential_id, service,
             action, resources, parameters, source_ip, user_agent, outcome, error_code,
             error_message)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           RETURNING seq)
         INSERT INTO audit_resources (seq, resource)
         SELECT DISTINCT event.seq, resource FROM event, unnest($15::text[]) AS resource`,
        [
          event.id,
          event.at,
          event.user ?? null,
          event.credentialKind ?? null,
          event.credentialId ?? null,
          event.service,
          event.action,
          JSON.stringify(event.resources),
          event.parameters ?? null,
          event.sourceIp ?? null,
          event.userAgent ?? null,
          event.outcome,
          event.errorCode ?? null,
          event.errorMessage ?? null,
          event.resources,
        ],
      );
    },
    async lookupAudit(filter, page) {
      const where: string[] = [];
      const values: unknown[] = [];
      const bind = (value: unknown) => {
        values.push(value);
        return `$${values.length}`;
      };
      for (const [key, test] of FILTERS)
        if (filter[key] !== undefined) where.push(`${test} ${bind(filter[key])}`);
      if (filter.resource !== undefined)
        where.push(
          `EXISTS (SELECT 1 FROM audit_resources r WHERE r.resource = ${bind(filter.resource)} AND r.seq = audit_events.seq)`,
        );
      if (page.nextToken !== undefined)
        where.push(`seq < ${bind(decodePageToken(page.nextToken, isSeq))}`);
      const rows = await db.rows(
        `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY seq DESC LIMIT ${bind(page.limit + 1)}`,
        values,
      );
      const more = rows.length > page.limit;
      const items = rows.slice(0, page.limit);
      return {
        items: items.map(auditEventFromRow),
        ...(more && { nextToken: encodePageToken(items[items.length - 1].seq as number) }),
      };
    },
  } satisfies AuditStore;
}
