/**
 * The audit trail: who did what, to which resources, from where, with what outcome. Written
 * for every mutating request, every login and every denial; read like CloudTrail's
 * LookupEvents. Parameters are kept with their secrets redacted and their size bounded.
 */

import { timeOrderedId } from "../kernel/time-ordered-id.js";
import type {
  AuditEventRecord,
  AuditFilter,
  AuditOutcome,
  AuditStore,
} from "../store/audit-port.js";
import type { Page, PageRequest } from "../store/paging.js";
import type { Principal } from "./principal.js";

/** What a caller records; the id and time are added here. */
export interface AuditEntry {
  principal?: Principal | undefined;
  /** A user name when there is no principal (e.g. a failed login names who it claimed). */
  user?: string | undefined;
  /** A credential id when there is no principal (e.g. a rejected access key). */
  credential?: { kind: string; id: string } | undefined;
  service: string;
  action: string;
  resources: string[];
  parameters?: unknown;
  sourceIp?: string | undefined;
  userAgent?: string | undefined;
  outcome: AuditOutcome;
  errorCode?: string | undefined;
  errorMessage?: string | undefined;
}

const SECRET_KEY = /pass(word)?|secret|token|apikeyvalue|totp|otp|authorization|cookie|private/i;
const REDACTED = "***";
/** Parameters are kept up to this many characters of JSON; larger ones are summarised. */
const MAX_PARAMETERS = 8192;

/** A copy of `value` with the values of secret-looking members replaced by `***`. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        SECRET_KEY.test(key) ? REDACTED : redact(v, depth + 1),
      ]),
    );
  return value;
}

function parametersText(parameters: unknown): string | undefined {
  if (parameters === undefined) return undefined;
  const text = JSON.stringify(redact(parameters));
  if (text === undefined || text.length <= MAX_PARAMETERS) return text;
  const keys = typeof parameters === "object" && parameters !== null ? Object.keys(parameters) : [];
  return JSON.stringify({ truncated: true, bytes: text.length, members: keys });
}

/** Appends and looks up audit events. */
export class AuditLog {
  constructor(
    private readonly store: AuditStore,
    private readonly now: () => number,
  ) {}

  /** Records one event. Never throws: a failed write is logged, the request goes on. */
  async record(entry: AuditEntry): Promise<void> {
    const credential = entry.principal?.credential ?? entry.credential;
    const at = this.now();
    const event: AuditEventRecord = {
      id: timeOrderedId(at),
      at,
      service: entry.service,
      action: entry.action,
      resources: [...new Set(entry.resources)],
      outcome: entry.outcome,
    };
    const user = entry.principal?.user ?? entry.user;
    if (user !== undefined) event.user = user;
    if (credential) {
      event.credentialKind = credential.kind;
      event.credentialId = credential.id;
    }
    const parameters = parametersText(entry.parameters);
    if (parameters !== undefined) event.parameters = parameters;
    if (entry.sourceIp) event.sourceIp = entry.sourceIp;
    if (entry.userAgent) event.userAgent = entry.userAgent.slice(0, 512);
    if (entry.errorCode) event.errorCode = entry.errorCode;
    if (entry.errorMessage) event.errorMessage = entry.errorMessage.slice(0, 1024);
    try {
      await this.store.appendAudit(event);
    } catch (error) {
      console.error("audit: could not record event", event, error);
    }
  }

  /** Events newest first. */
  lookup(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEventRecord>> {
    return this.store.lookupAudit(filter, page);
  }
}
