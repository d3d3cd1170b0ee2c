/** Row → record mapping of the audit trail, shared by both adapters. */
import type { AuditEventRecord } from "../audit-port.js";
import type { Row } from "./common.js";

/** The optional fields of an audit event and their columns (NULL when absent). */
const OPTIONAL = {
  user: "user_name",
  credentialKind: "credential_kind",
  credentialId: "credential_id",
  parameters: "parameters",
  sourceIp: "source_ip",
  userAgent: "user_agent",
  errorCode: "error_code",
  errorMessage: "error_message",
} as const;

/** An `audit_events` row as the port's record. */
export const auditEventFromRow = (row: Row): AuditEventRecord => {
  const event: AuditEventRecord = {
    id: row.id as string,
    at: row.at as number,
    service: row.service as string,
    action: row.action as string,
    resources: JSON.parse(row.resources as string) as string[],
    outcome: row.outcome as AuditEventRecord["outcome"],
  };
  for (const [key, column] of Object.entries(OPTIONAL) as [keyof typeof OPTIONAL, string][])
    if (row[column] !== null) event[key] = row[column] as string;
  return event;
};
