/**
 * The incidents part of the store port: incidents and their timelines. `Store` extends it.
 * Changes are decided inside the store's transaction from the incident as stored (like votes
 * on approvals), so concurrent changes cannot both pass a transition check.
 */
import type { Page, PageRequest } from "./paging.js";

/** Where an incident is in its life: open → acknowledged → resolved → closed. */
export type IncidentStatus = "open" | "acknowledged" | "resolved" | "closed";

/** How bad an incident is. */
export type IncidentSeverity = "critical" | "high" | "medium" | "low";

/** What a timeline entry records. */
export type TimelineKind =
  | "opened"
  | "event"
  | "note"
  | "status"
  | "assigned"
  | "updated"
  | "execution";

/** A timeline entry to append. */
export interface NewTimelineEntry {
  kind: TimelineKind;
  /** The user, `workflow` or `event`. */
  actor: string;
  text?: string;
  /** JSON text: the event, the status change, the execution ARN... */
  data?: string;
}

/** A stored timeline entry. */
export interface TimelineEntry extends NewTimelineEntry {
  seq: number;
  at: number;
}

/** An incident. */
export interface IncidentRecord {
  id: string;
  title: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  dedupKey?: string;
  /** The event that opened it, JSON text. */
  sourceEvent?: string;
  assignee?: string;
  resolution?: string;
  createdAt: number;
  updatedAt: number;
  timeline: TimelineEntry[];
}

/** The fields a change may set. */
export type IncidentPatch = Partial<
  Pick<IncidentRecord, "title" | "severity" | "status" | "assignee" | "resolution">
>;

/** What a change does, decided from the incident as stored: refuse, or patch and append. */
export type IncidentVerdict =
  | { kind: "refuse"; reason: string; code: "conflict" | "invalid" }
  | { kind: "apply"; patch: IncidentPatch; entries: NewTimelineEntry[] };

/** The result of a change. */
export type IncidentChange =
  | { kind: "refused"; reason: string; code: "conflict" | "invalid" | "not-found" }
  /** `repeated`: the idempotency key was seen; nothing was applied again. */
  | { kind: "changed"; incident: IncidentRecord; repeated: boolean };

/** The result of opening an incident. */
export interface IncidentOpening {
  incident: IncidentRecord;
  /** `created` (new incident), `deduplicated` (added to an open one) or `repeated`. */
  outcome: "created" | "deduplicated" | "repeated";
}

/** Filter of the incidents listing. */
export interface IncidentFilter {
  status?: IncidentStatus;
  severity?: IncidentSeverity;
  assignee?: string;
  dedupKey?: string;
}

/** The incidents store. All methods are atomic. */
export interface IncidentStore {
  /**
   * Opens an incident, in one transaction: when the idempotency key was seen, returns that
   * incident (`repeated`); when an open or acknowledged incident has the same dedup key, appends
   * `duplicate` to its timeline (`deduplicated`); otherwise creates it with `opened` as its
   * first entry.
   */
  openIncident(
    record: Omit<IncidentRecord, "timeline">,
    opened: NewTimelineEntry,
    duplicate: NewTimelineEntry,
    idempotencyKey?: string,
  ): Promise<IncidentOpening>;
  getIncident(id: string): Promise<IncidentRecord | undefined>;
  listIncidents(filter: IncidentFilter, page: PageRequest): Promise<Page<IncidentRecord>>;
  /** Applies a change decided by `verdict` from the stored incident, in one transaction. */
  changeIncident(
    id: string,
    verdict: (incident: IncidentRecord) => IncidentVerdict,
    now: number,
    idempotencyKey?: string,
  ): Promise<IncidentChange>;
}
