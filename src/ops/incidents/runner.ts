/**
 * The incident tasks: `arn:aws:states:::opsflow:incident.open|update|resolve|close`. Each
 * returns the incident (as the API shows it) and links the execution to its timeline; a
 * retried task (same idempotency key) applies nothing twice. Failures: `Incident.InvalidRequest`
 * (bad parameters), `Incident.NotFound`, `Incident.InvalidTransition` (e.g. closing an open
 * incident), which Retry/Catch can name.
 */
import type { Json, JsonObject } from "../../asl/json.js";
import { TaskFailure, type TaskInvocation } from "../../runtime/task-dispatcher.js";
import type { ResourceRunner } from "../../tasks/chain.js";
import { invalid, OpsError } from "../errors.js";
import { type Caller, checkChange, checkOpen } from "./requests.js";
import type { IncidentService } from "./service.js";
import { incidentBody } from "./view.js";

const RESOURCE = /^arn:aws[\w-]*:states:::opsflow:incident\.(open|update|resolve|close)$/;

/** Task parameter (PascalCase) → request field. */
const FIELDS: Record<string, string> = {
  Title: "title",
  Severity: "severity",
  DedupKey: "dedupKey",
  SourceEvent: "sourceEvent",
  Assignee: "assignee",
  Description: "description",
  Status: "status",
  Resolution: "resolution",
  Note: "note",
};
const ACCEPTS: Record<string, string[]> = {
  open: ["Title", "Severity", "DedupKey", "SourceEvent", "Assignee", "Description"],
  update: ["IncidentId", "Title", "Severity", "Assignee", "Status", "Note"],
  resolve: ["IncidentId", "Resolution", "Note"],
  close: ["IncidentId", "Note"],
};

function fieldsOf(
  action: string,
  parameters: Json,
): { id?: string; fields: Record<string, unknown> } {
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters))
    throw invalid("Parameters must be an object.");
  const p = parameters as JsonObject;
  const unknown = Object.keys(p).filter((key) => !ACCEPTS[action].includes(key));
  if (unknown.length > 0)
    throw invalid(
      `incident.${action} does not take ${unknown.join(", ")} (it takes ${ACCEPTS[action].join(", ")}).`,
    );
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p)) if (key in FIELDS) fields[FIELDS[key]] = value;
  if (action === "open") return { fields };
  if (typeof p.IncidentId !== "string" || p.IncidentId === "")
    throw invalid("IncidentId is required.");
  return { id: p.IncidentId, fields };
}

async function perform(incidents: IncidentService, invocation: TaskInvocation) {
  const action = (RESOURCE.exec(invocation.resource) as RegExpExecArray)[1];
  const { id, fields } = fieldsOf(action, invocation.parameters);
  const caller: Caller = {
    actor: "workflow",
    idempotencyKey: invocation.idempotencyKey,
    executionArn: invocation.executionArn,
  };
  if (id === undefined) return incidents.open(checkOpen(fields), caller);
  if (action === "resolve") fields.status = "resolved";
  if (action === "close") fields.status = "closed";
  return incidents.change(id, checkChange(fields), caller);
}

/** The runner of the incident tasks. */
export function incidentRunner(incidents: IncidentService): ResourceRunner {
  return {
    handles: (resource) => RESOURCE.test(resource),
    async invoke(invocation: TaskInvocation): Promise<Json> {
      try {
        return incidentBody(await perform(incidents, invocation)) as unknown as Json;
      } catch (error) {
        if (!(error instanceof OpsError)) throw error;
        const name =
          error.code === "ResourceNotFound"
            ? "Incident.NotFound"
            : error.code === "Conflict"
              ? "Incident.InvalidTransition"
              : "Incident.InvalidRequest";
        throw new TaskFailure(name, error.message);
      }
    },
  };
}
