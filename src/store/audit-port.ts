/** The audit trail port: append-only events, looked up newest first. */
import type { Page, PageRequest } from "./paging.js";

/** What happened to an audited request. */
export type AuditOutcome = "Success" | "Failure" | "Denied";

/** One audit event, as CloudTrail would record it. */
export interface AuditEventRecord {
  id: string;
  at: number;
  user?: string;
  credentialKind?: string;
  credentialId?: string;
  /** `rest`, `states`, `events`, `console`, ... */
  service: string;
  action: string;
  resources: string[];
  /** The request's parameters, secrets redacted, JSON text. */
  parameters?: string;
  sourceIp?: string;
  userAgent?: string;
  outcome: AuditOutcome;
  errorCode?: string;
  errorMessage?: string;
}

/** LookupEvents filters; all given ones must match. Times are inclusive, in ms. */
export interface AuditFilter {
  user?: string;
  credentialId?: string;
  action?: string;
  resource?: string;
  startTime?: number;
  endTime?: number;
}

/** Audit persistence. */
export interface AuditStore {
  /** Appends one event; there is no way to change or remove it. */
  appendAudit(event: AuditEventRecord): Promise<void>;
  /** Events newest first, paged. */
  lookupAudit(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEventRecord>>;
}
