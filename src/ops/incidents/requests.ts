/**
 * Checks of what callers ask of incidents (REST bodies and task parameters alike), before
 * anything is stored: a bad request is refused whole.
 */
import type { IncidentSeverity, IncidentStatus } from "../../store/incidents-port.js";
import { invalid } from "../errors.js";
import { SEVERITIES, STATUSES } from "./transitions.js";

/** What opening an incident takes. */
export interface OpenRequest {
  title: string;
  severity?: IncidentSeverity;
  dedupKey?: string;
  /** The event that prompted it (any JSON). */
  sourceEvent?: unknown;
  assignee?: string;
  /** A first note. */
  description?: string;
}

/** What a change may ask; at least one field. */
export interface ChangeRequest {
  status?: IncidentStatus;
  title?: string;
  severity?: IncidentSeverity;
  assignee?: string;
  resolution?: string;
  note?: string;
}

/** Who asks, and the workflow task asking (its executions are linked, retries deduplicated). */
export interface Caller {
  actor: string;
  idempotencyKey?: string;
  executionArn?: string;
}

const LIMITS = { title: 256, text: 4000, key: 256, event: 65_536 };

const text = (value: unknown, name: string, max: number): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "")
    throw invalid(`${name} must be a non-empty string.`);
  if (value.length > max) throw invalid(`${name} is longer than ${max} characters.`);
  return value;
};

const severityOf = (value: unknown): IncidentSeverity | undefined => {
  if (value === undefined) return undefined;
  if (!SEVERITIES.includes(value as IncidentSeverity))
    throw invalid(`Severity must be one of ${SEVERITIES.join(", ")}.`);
  return value as IncidentSeverity;
};

/** Checks an opening request; returns it with only known, valid fields. */
export function checkOpen(input: Record<string, unknown>): OpenRequest {
  const title = text(input.title, "Title", LIMITS.title);
  if (title === undefined) throw invalid("Title is required.");
  const sourceEvent = input.sourceEvent;
  if (sourceEvent !== undefined && JSON.stringify(sourceEvent).length > LIMITS.event)
    throw invalid(`SourceEvent is larger than ${LIMITS.event} characters of JSON.`);
  const request: OpenRequest = { title };
  const severity = severityOf(input.severity);
  const dedupKey = text(input.dedupKey, "DedupKey", LIMITS.key);
  const assignee = text(input.assignee, "Assignee", LIMITS.key);
  const description = text(input.description, "Description", LIMITS.text);
  if (severity) request.severity = severity;
  if (dedupKey) request.dedupKey = dedupKey;
  if (sourceEvent !== undefined) request.sourceEvent = sourceEvent;
  if (assignee) request.assignee = assignee;
  if (description) request.description = description;
  return request;
}

/** Checks a change request; at least one field must be given. */
export function checkChange(input: Record<string, unknown>): ChangeRequest {
  const request: ChangeRequest = {};
  if (input.status !== undefined) {
    if (!STATUSES.includes(input.status as IncidentStatus))
      throw invalid(`Status must be one of ${STATUSES.join(", ")}.`);
    request.status = input.status as IncidentStatus;
  }
  const fields = {
    title: text(input.title, "Title", LIMITS.title),
    severity: severityOf(input.severity),
    assignee: text(input.assignee, "Assignee", LIMITS.key),
    resolution: text(input.resolution, "Resolution", LIMITS.text),
    note: text(input.note, "Note", LIMITS.text),
  };
  for (const [key, value] of Object.entries(fields))
    if (value !== undefined) Object.assign(request, { [key]: value });
  if (Object.keys(request).length === 0) throw invalid("Nothing to change.");
  if (request.status === "resolved" && request.resolution === undefined)
    throw invalid("Resolving an incident takes a Resolution.");
  if (request.resolution !== undefined && request.status !== "resolved")
    throw invalid("A Resolution is given only when resolving.");
  return request;
}
