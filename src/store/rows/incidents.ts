/** Row → record mapping of the incident domain, shared by both adapters. */
import type { IncidentRecord, TimelineEntry } from "../incidents-port.js";
import { defined, type Row } from "./common.js";

/** An `incident_timeline` row as the port's record. */
export const entryOf = (row: Row): TimelineEntry =>
  defined({
    seq: row.seq as number,
    kind: row.kind as TimelineEntry["kind"],
    at: row.at as number,
    actor: row.actor as string,
    text: row.text as string | undefined,
    data: row.data as string | undefined,
  });

/** An `incidents` row with its timeline. */
export const incidentOf = (row: Row, timeline: TimelineEntry[]): IncidentRecord =>
  defined({
    id: row.id as string,
    title: row.title as string,
    severity: row.severity as IncidentRecord["severity"],
    status: row.status as IncidentRecord["status"],
    dedupKey: row.dedup_key as string | undefined,
    sourceEvent: row.source_event as string | undefined,
    assignee: row.assignee as string | undefined,
    resolution: row.resolution as string | undefined,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
    timeline,
  });
