/**
 * Incident changes as events on the default bus (source `opsflow.incidents`), published
 * in-process after the change is committed, like execution status changes: only events some
 * rule matches are stored.
 */
import type { PutEventsRequestEntry } from "../../events/envelope.js";
import type { IncidentRecord, IncidentStatus } from "../../store/incidents-port.js";

/** The source of incident events. */
export const INCIDENT_SOURCE = "opsflow.incidents";

/** What happened, as the event's detail-type says. */
export type IncidentEventKind =
  | "Incident Opened"
  | "Incident Event Added"
  | "Incident Acknowledged"
  | "Incident Resolved"
  | "Incident Closed"
  | "Incident Updated";

const BY_STATUS: Partial<Record<IncidentStatus, IncidentEventKind>> = {
  acknowledged: "Incident Acknowledged",
  resolved: "Incident Resolved",
  closed: "Incident Closed",
};

/** The detail-type of a change that moved `before` to `after`. */
export function changeKind(before: IncidentStatus, after: IncidentRecord): IncidentEventKind {
  return before === after.status
    ? "Incident Updated"
    : (BY_STATUS[after.status] ?? "Incident Updated");
}

/**
 * The PutEvents entry of a change: the incident without its timeline, and the timeline
 * entries the change added (so rules can match on them without the whole history).
 */
export function incidentEntry(
  kind: IncidentEventKind,
  incident: IncidentRecord,
  fromSeq: number,
  arn: string,
): PutEventsRequestEntry {
  const { timeline, ...rest } = incident;
  const detail = {
    incidentId: incident.id,
    title: rest.title,
    severity: rest.severity,
    status: rest.status,
    dedupKey: rest.dedupKey ?? null,
    assignee: rest.assignee ?? null,
    resolution: rest.resolution ?? null,
    changes: timeline
      .filter((e) => e.seq > fromSeq)
      .map((e) => ({
        kind: e.kind,
        actor: e.actor,
        at: new Date(e.at).toISOString(),
        ...(e.text !== undefined && { text: e.text }),
        ...(e.data !== undefined && { data: JSON.parse(e.data) as unknown }),
      })),
  };
  return {
    Source: INCIDENT_SOURCE,
    DetailType: kind,
    Detail: JSON.stringify(detail),
    Resources: [arn],
    EventBusName: "default",
  };
}
