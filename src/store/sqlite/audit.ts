/**
 * The audit trail in SQLite: appended only (triggers in migration 006 refuse updates and
 * deletes), read newest first with keyset paging on the sequence number.
 */
import type Database from "better-sqlite3";
import type { AuditEventRecord, AuditFilter } from "../audit-port.js";
import type { PageRequest } from "../paging.js";
import { decodePageToken, encodePageToken } from "../paging.js";
import { auditEventFromRow } from "../rows/audit.js";

type Row = Record<string, unknown>;

const isSeq = (value: unknown): value is number => Number.isSafeInteger(value);

/** The audit operations of the SQLite store. */
export function auditQueries(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO audit_events (id, at, user_name, credential_kind, credential_id, service, action,
       resources, parameters, source_ip, user_agent, outcome, error_code, error_message)
     VALUES (@id, @at, @user, @credentialKind, @credentialId, @service, @action, @resources,
       @parameters, @sourceIp, @userAgent, @outcome, @errorCode, @errorMessage)`,
  );
  const insertResource = db.prepare(
    "INSERT OR IGNORE INTO audit_resources (seq, resource) VALUES (?, ?)",
  );
  const append = db.transaction((event: AuditEventRecord) => {
    const { lastInsertRowid } = insert.run({
      user: null,
      credentialKind: null,
      credentialId: null,
      parameters: null,
      sourceIp: null,
      userAgent: null,
      errorCode: null,
      errorMessage: null,
      ...event,
      resources: JSON.stringify(event.resources),
    });
    for (const resource of event.resources) insertResource.run(lastInsertRowid, resource);
  });
  return {
    appendAudit: (event: AuditEventRecord) => {
      append(event);
    },
    lookupAudit: (filter: AuditFilter, page: PageRequest) => {
      const where: string[] = [];
      const params: Record<string, unknown> = { limit: page.limit + 1 };
      if (filter.user !== undefined) where.push("user_name = @user");
      if (filter.credentialId !== undefined) where.push("credential_id = @credentialId");
      if (filter.action !== undefined) where.push("action = @action");
      if (filter.startTime !== undefined) where.push("at >= @startTime");
      if (filter.endTime !== undefined) where.push("at <= @endTime");
      if (filter.resource !== undefined)
        where.push(
          "EXISTS (SELECT 1 FROM audit_resources r WHERE r.resource = @resource AND r.seq = audit_events.seq)",
        );
      Object.assign(params, filter);
      if (page.nextToken !== undefined) {
        where.push("seq < @after");
        params.after = decodePageToken(page.nextToken, isSeq);
      }
      const rows = db
        .prepare(
          `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
           ORDER BY seq DESC LIMIT @limit`,
        )
        .all(params) as Row[];
      const more = rows.length > page.limit;
      const items = rows.slice(0, page.limit);
      return {
        items: items.map(auditEventFromRow),
        ...(more && { nextToken: encodePageToken(items[items.length - 1].seq as number) }),
      };
    },
  };
}
