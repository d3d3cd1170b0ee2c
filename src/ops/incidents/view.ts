/**
 * An incident as the API, the CLI, workflow tasks and bus events show it: ISO times, parsed
 * JSON, the timeline in order.
 */
import type { IncidentRecord } from "../../store/incidents-port.js";

const iso = (ms: number) => new Date(ms).toISOString();
const parsed = (text: string | undefined): unknown =>
  text === undefined ? undefined : (JSON.parse(text) as unknown);

/** The document of an incident. */
export function incidentBody(incident: IncidentRecord) {
  return {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    ...(incident.dedupKey !== undefined && { dedupKey: incident.dedupKey }),
    ...(incident.sourceEvent !== undefined && { sourceEvent: parsed(incident.sourceEvent) }),
    ...(incident.assignee !== undefined && { assignee: incident.assignee }),
    ...(incident.resolution !== undefined && { resolution: incident.resolution }),
    createdAt: iso(incident.createdAt),
    updatedAt: iso(incident.updatedAt),
    timeline: incident.timeline.map((e) => ({
      seq: e.seq,
      kind: e.kind,
      at: iso(e.at),
      actor: e.actor,
      ...(e.text !== undefined && { text: e.text }),
      ...(e.data !== undefined && { data: parsed(e.data) }),
    })),
  };
}

/** The document type. */
export type IncidentBody = ReturnType<typeof incidentBody>;
