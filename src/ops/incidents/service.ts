/**
 * The incident service: opens incidents (folding events into an open incident with the same
 * dedup key), applies validated changes (transitions, notes, assignment, title and severity)
 * and publishes every change on the event bus. A refused request changes nothing.
 */
import { randomUUID } from "node:crypto";
import type { PutEventsRequestEntry } from "../../events/envelope.js";
import type {
  IncidentFilter,
  IncidentRecord,
  IncidentStore,
  IncidentVerdict,
  NewTimelineEntry,
} from "../../store/incidents-port.js";
import type { Page, PageRequest } from "../../store/paging.js";
import { OpsError } from "../errors.js";
import { changeKind, type IncidentEventKind, incidentEntry } from "./events.js";
import type { Caller, ChangeRequest, OpenRequest } from "./requests.js";
import { canMove, transitionError } from "./transitions.js";

/** What the incident service is built from. */
export interface IncidentDependencies {
  store: IncidentStore;
  now: () => number;
  /** The ARN of an incident (the resource of its events and of permissions). */
  arn: (id: string) => string;
  /** True when a user of that name exists (assignees must). */
  userExists: (name: string) => Promise<boolean>;
  /** Publishes an event on the bus; failures are logged, the change stands. */
  publish: (entry: PutEventsRequestEntry) => Promise<unknown>;
  log: (message: string) => void;
}

const json = (value: unknown) => JSON.stringify(value);

/** Incidents. */
export class IncidentService {
  constructor(private readonly deps: IncidentDependencies) {}

  /** Opens an incident, or adds the event to the open one with the same dedup key. */
  async open(request: OpenRequest, caller: Caller): Promise<IncidentRecord> {
    if (request.assignee !== undefined) await this.checkUser(request.assignee);
    const now = this.deps.now();
    const opened: NewTimelineEntry = {
      kind: "opened",
      actor: caller.actor,
      ...(request.description !== undefined && { text: request.description }),
      ...(caller.executionArn !== undefined && {
        data: json({ executionArn: caller.executionArn }),
      }),
    };
    const duplicate: NewTimelineEntry = {
      kind: "event",
      actor: caller.actor,
      text: request.description ?? request.title,
      data: json({
        ...(request.sourceEvent !== undefined && { event: request.sourceEvent }),
        ...(caller.executionArn !== undefined && { executionArn: caller.executionArn }),
        ...(request.severity !== undefined && { severity: request.severity }),
      }),
    };
    const { incident, outcome } = await this.deps.store.openIncident(
      {
        id: randomUUID(),
        title: request.title,
        severity: request.severity ?? "medium",
        status: "open",
        ...(request.dedupKey !== undefined && { dedupKey: request.dedupKey }),
        ...(request.sourceEvent !== undefined && { sourceEvent: json(request.sourceEvent) }),
        ...(request.assignee !== undefined && { assignee: request.assignee }),
        createdAt: now,
        updatedAt: now,
      },
      opened,
      duplicate,
      caller.idempotencyKey,
    );
    if (outcome !== "repeated") {
      const kind = outcome === "created" ? "Incident Opened" : "Incident Event Added";
      await this.announce(kind, incident, outcome === "created" ? 0 : incident.timeline.length - 1);
    }
    return incident;
  }

  /** Applies a change; refused (nothing changed) when invalid for the incident as stored. */
  async change(id: string, request: ChangeRequest, caller: Caller): Promise<IncidentRecord> {
    if (request.assignee !== undefined) await this.checkUser(request.assignee);
    let before: IncidentRecord | undefined;
    const result = await this.deps.store.changeIncident(
      id,
      (incident) => {
        before = incident;
        return verdict(incident, request, caller);
      },
      this.deps.now(),
      caller.idempotencyKey,
    );
    if (result.kind === "refused")
      throw new OpsError(
        result.code === "not-found"
          ? "ResourceNotFound"
          : result.code === "conflict"
            ? "Conflict"
            : "ValidationException",
        result.reason,
      );
    if (!result.repeated && before)
      await this.announce(
        changeKind(before.status, result.incident),
        result.incident,
        before.timeline.length > 0 ? before.timeline[before.timeline.length - 1].seq : 0,
      );
    return result.incident;
  }

  async get(id: string): Promise<IncidentRecord> {
    const incident = await this.deps.store.getIncident(id);
    if (!incident) throw new OpsError("ResourceNotFound", `Incident ${id} does not exist.`);
    return incident;
  }

  list(filter: IncidentFilter, page: PageRequest): Promise<Page<IncidentRecord>> {
    return this.deps.store.listIncidents(filter, page);
  }

  private async checkUser(name: string): Promise<void> {
    if (!(await this.deps.userExists(name)))
      throw new OpsError("ValidationException", `Assignee ${name} is not a user.`);
  }

  private async announce(kind: IncidentEventKind, incident: IncidentRecord, fromSeq: number) {
    try {
      await this.deps.publish(incidentEntry(kind, incident, fromSeq, this.deps.arn(incident.id)));
    } catch (error) {
      this.deps.log(`incident event for ${incident.id}: ${(error as Error).message}`);
    }
  }
}

/** Decides a change from the incident as stored: the entries to append, or a refusal. */
export function verdict(
  incident: IncidentRecord,
  request: ChangeRequest,
  caller: Caller,
): IncidentVerdict {
  const entries: NewTimelineEntry[] = [];
  const actor = caller.actor;
  if (incident.status === "closed")
    return { kind: "refuse", code: "conflict", reason: `Incident ${incident.id} is closed.` };
  const arn = json(caller.executionArn ?? null);
  const linked = incident.timeline.some((e) => e.data?.includes(arn));
  if (caller.executionArn !== undefined && !linked)
    entries.push({ kind: "execution", actor, data: json({ executionArn: caller.executionArn }) });
  if (request.status !== undefined && request.status !== incident.status) {
    if (!canMove(incident.status, request.status))
      return {
        kind: "refuse",
        code: "conflict",
        reason: transitionError(incident.id, incident.status, request.status),
      };
    entries.push({
      kind: "status",
      actor,
      data: json({ from: incident.status, to: request.status }),
      ...(request.resolution !== undefined && { text: request.resolution }),
    });
  } else if (request.status !== undefined) {
    return {
      kind: "refuse",
      code: "conflict",
      reason: `Incident ${incident.id} is already ${incident.status}.`,
    };
  }
  const updated: Record<string, string> = {};
  if (request.title !== undefined && request.title !== incident.title)
    updated.title = request.title;
  if (request.severity !== undefined && request.severity !== incident.severity)
    updated.severity = request.severity;
  if (Object.keys(updated).length > 0)
    entries.push({ kind: "updated", actor, data: json(updated) });
  if (request.assignee !== undefined && request.assignee !== incident.assignee)
    entries.push({
      kind: "assigned",
      actor,
      data: json({ from: incident.assignee ?? null, to: request.assignee }),
    });
  if (request.note !== undefined) entries.push({ kind: "note", actor, text: request.note });
  if (entries.length === 0)
    return { kind: "refuse", code: "conflict", reason: "The request changes nothing." };
  const { note: _note, ...patch } = request;
  return { kind: "apply", patch, entries };
}
