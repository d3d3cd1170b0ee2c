/**
 * The incident life cycle: open → acknowledged → resolved → closed. An open incident may be
 * resolved without being acknowledged; nothing leaves `closed`, and a resolved incident is
 * reopened only by opening a new one.
 */
import type { IncidentSeverity, IncidentStatus } from "../../store/incidents-port.js";

/** Each status → the statuses it may move to. */
export const TRANSITIONS: Record<IncidentStatus, readonly IncidentStatus[]> = {
  open: ["acknowledged", "resolved"],
  acknowledged: ["resolved"],
  resolved: ["closed"],
  closed: [],
};

/** The severities, worst first. */
export const SEVERITIES: readonly IncidentSeverity[] = ["critical", "high", "medium", "low"];

/** The statuses in life-cycle order. */
export const STATUSES: readonly IncidentStatus[] = ["open", "acknowledged", "resolved", "closed"];

/** True when `from` may move to `to`. */
export function canMove(from: IncidentStatus, to: IncidentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Why `from` may not move to `to`, for error messages. */
export function transitionError(id: string, from: IncidentStatus, to: IncidentStatus): string {
  const allowed = TRANSITIONS[from];
  return `Incident ${id} is ${from}; it cannot become ${to} (${
    allowed.length > 0 ? `allowed: ${allowed.join(", ")}` : "a closed incident does not change"
  }).`;
}
