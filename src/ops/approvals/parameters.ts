/**
 * The parameters of `arn:aws:states:::opsflow:approval.waitForTaskToken`:
 *
 * ```json
 * { "Title": "Restart db1?", "Description": "...", "Data": { ... },
 *   "Approvers": ["user:alice", "bob@example.com", "group:dba"], "Quorum": 2,
 *   "Requester": "carol", "AllowSelfApproval": false,
 *   "DeadlineSeconds": 3600, "OnDeadline": "Escalate",
 *   "Escalation": { "Approvers": ["user:manager"], "DeadlineSeconds": 1800, "OnDeadline": "Reject" } }
 * ```
 *
 * Approvers are `user:NAME`, `group:NAME` or a bare NAME (a user); a user named by an email
 * address also gets the request by email with signed approve/reject links. OnDeadline is
 * `Expire` (the default: the task fails with Approval.Expired), `Reject`, `Approve` or
 * `Escalate` (the Escalation's approvers replace the current ones, with a new deadline).
 */
import type { Json, JsonObject } from "../../asl/json.js";
import type { DeadlineAction } from "../../store/ops-port.js";
import { invalid } from "../errors.js";

/** An approval request as the task asks for it. */
export interface ApprovalRequest {
  title: string;
  description?: string;
  data?: string;
  approvers: string[];
  quorum: number;
  requester?: string;
  allowSelfApproval: boolean;
  deadlineSeconds?: number;
  onDeadline?: DeadlineAction;
}

const NAME = /^[A-Za-z0-9._@+-]{1,128}$/;
const MAX_DATA_BYTES = 65_536;
const MAX_ESCALATIONS = 5;
const ACTIONS = ["Expire", "Reject", "Approve", "Escalate"] as const;

/** `user:NAME` / `group:NAME` from an entry; bare names are users. */
export function normalizeApprover(entry: unknown, where: string): string {
  if (typeof entry !== "string") throw invalid(`${where}: each approver is a string.`);
  const match = /^(?:(user|group):)?(.+)$/.exec(entry);
  const kind = match?.[1] ?? "user";
  const name = match?.[2] ?? "";
  if (!NAME.test(name))
    throw invalid(
      `${where}: unknown approver '${entry}' (expected user:NAME, group:NAME or NAME, with letters, digits and . _ @ + -).`,
    );
  return `${kind}:${name}`;
}

function approvers(raw: unknown, where: string): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 50)
    throw invalid(`${where} must be a list of 1-50 approvers.`);
  const list = raw.map((entry) => normalizeApprover(entry, where));
  return [...new Set(list)];
}

function seconds(raw: unknown, where: string): number {
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < 1 || raw > 31_536_000)
    throw invalid(`${where} must be a whole number of seconds, 1 to 31536000.`);
  return raw;
}

/** Checks the quorum can be reached by these approvers (groups may hold anyone). */
export function checkQuorum(quorum: number, list: string[], where: string): void {
  const users = list.filter((a) => a.startsWith("user:")).length;
  if (list.every((a) => a.startsWith("user:")) && quorum > users)
    throw invalid(
      `${where}: Quorum ${quorum} can never be reached by ${users} approver${users === 1 ? "" : "s"}.`,
    );
}

function deadlineAction(
  raw: unknown,
  escalation: unknown,
  quorum: number,
  where: string,
  depth: number,
): DeadlineAction {
  const action = raw ?? "Expire";
  if (!ACTIONS.includes(action as never))
    throw invalid(`${where}OnDeadline must be one of ${ACTIONS.join(", ")}.`);
  if (action !== "Escalate") {
    if (escalation !== undefined)
      throw invalid(`${where}Escalation is only used with OnDeadline 'Escalate'.`);
    return { action: action as "Expire" | "Reject" | "Approve" };
  }
  if (depth >= MAX_ESCALATIONS) throw invalid(`At most ${MAX_ESCALATIONS} nested escalations.`);
  if (typeof escalation !== "object" || escalation === null || Array.isArray(escalation))
    throw invalid(`${where}Escalation (Approvers, DeadlineSeconds, OnDeadline) is required.`);
  const e = escalation as JsonObject;
  const inner = `${where}Escalation.`;
  const list = approvers(e.Approvers, `${inner}Approvers`);
  checkQuorum(quorum, list, `${inner}Approvers`);
  return {
    action: "Escalate",
    approvers: list,
    seconds: seconds(e.DeadlineSeconds, `${inner}DeadlineSeconds`),
    next: deadlineAction(e.OnDeadline, e.Escalation, quorum, inner, depth + 1),
  };
}

/** Checks a task's parameters; throws OpsError naming the first problem. */
export function parseApprovalRequest(parameters: Json): ApprovalRequest {
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters))
    throw invalid("Parameters must be an object with Title and Approvers.");
  const p = parameters as JsonObject;
  const known = new Set([
    "Title",
    "Description",
    "Data",
    "Approvers",
    "Quorum",
    "Requester",
    "AllowSelfApproval",
    "DeadlineSeconds",
    "OnDeadline",
    "Escalation",
  ]);
  for (const key of Object.keys(p))
    if (!known.has(key)) throw invalid(`Unknown parameter '${key}'.`);
  if (typeof p.Title !== "string" || p.Title.length === 0 || p.Title.length > 200)
    throw invalid("Title must be a string of 1-200 characters.");
  if (
    p.Description !== undefined &&
    (typeof p.Description !== "string" || p.Description.length > 4000)
  )
    throw invalid("Description must be a string of at most 4000 characters.");
  const list = approvers(p.Approvers, "Approvers");
  const quorum = p.Quorum ?? 1;
  if (typeof quorum !== "number" || !Number.isInteger(quorum) || quorum < 1 || quorum > 50)
    throw invalid("Quorum must be a whole number, 1 to 50.");
  checkQuorum(quorum, list, "Approvers");
  if (p.AllowSelfApproval !== undefined && typeof p.AllowSelfApproval !== "boolean")
    throw invalid("AllowSelfApproval must be true or false.");
  const request: ApprovalRequest = {
    title: p.Title,
    approvers: list,
    quorum,
    allowSelfApproval: p.AllowSelfApproval === true,
  };
  if (p.Description !== undefined) request.description = p.Description as string;
  if (p.Requester !== undefined) {
    if (typeof p.Requester !== "string" || !NAME.test(p.Requester))
      throw invalid("Requester must be a user name.");
    request.requester = p.Requester;
  }
  if (p.Data !== undefined) {
    const data = JSON.stringify(p.Data);
    if (Buffer.byteLength(data) > MAX_DATA_BYTES)
      throw invalid(`Data is over ${MAX_DATA_BYTES} bytes.`);
    request.data = data;
  }
  if (p.DeadlineSeconds !== undefined) {
    request.deadlineSeconds = seconds(p.DeadlineSeconds, "DeadlineSeconds");
    request.onDeadline = deadlineAction(p.OnDeadline, p.Escalation, quorum, "", 0);
  } else if (p.OnDeadline !== undefined || p.Escalation !== undefined) {
    throw invalid("OnDeadline and Escalation need DeadlineSeconds.");
  }
  return request;
}
