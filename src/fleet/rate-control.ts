/**
 * Rate control as Run Command does it, pure: MaxConcurrency and MaxErrors (a number of nodes
 * or a percentage of the targets), and the command's aggregate status from its invocations'
 * counts. The store applies the decision in the transaction that changed the counts.
 *
 * - At most `concurrencyLimit` invocations are in flight; a finished one releases the next
 *   target. (SSM ramps up to the limit exponentially; opsflow releases up to it at once.)
 * - Once more than `errorLimit` invocations failed (Failed or ExecutionTimedOut), nothing more
 *   is sent: queued invocations end Cancelled/Terminated; those in flight still finish.
 *   Delivery timeouts, Undeliverable and the like do not count.
 */
import type { CommandControl, CommandDecision, CommandProgress } from "../store/fleet-port.js";
import { FleetError } from "./errors.js";

/** MaxConcurrency's and MaxErrors' syntax: a whole number, or a percentage 0–100. */
const LIMIT = /^([1-9][0-9]*|0)%?$/;

/**
 * The number of nodes `value` allows for `targets` targets. Percentages round down but allow
 * at least one node for MaxConcurrency (`minimum` 1) and zero for MaxErrors.
 */
export function resolveLimit(
  member: "MaxConcurrency" | "MaxErrors",
  value: string,
  targets: number,
): number {
  const match = LIMIT.exec(value);
  const percent = value.endsWith("%");
  const n = match ? Number(match[1]) : Number.NaN;
  if (!match || (percent && n > 100) || (member === "MaxConcurrency" && n === 0))
    throw new FleetError(
      "ValidationException",
      `${member} '${value}' is not valid: give a whole number${member === "MaxConcurrency" ? " of at least 1" : ""} or a percentage from ${member === "MaxConcurrency" ? 1 : 0}% to 100%, e.g. "10" or "25%".`,
    );
  if (!percent) return n;
  const share = Math.floor((targets * n) / 100);
  return member === "MaxConcurrency" ? Math.max(1, share) : share;
}

/** The decision for a command's progress (the store's `CommandControl`). */
export const commandControl: CommandControl = (p: CommandProgress): CommandDecision => {
  const stopSending = p.errorCount > p.errorLimit || p.cancelRequested;
  const terminateQueued = p.errorCount > p.errorLimit && p.queuedCount > 0;
  const release = stopSending
    ? 0
    : Math.max(0, Math.min(p.queuedCount, p.concurrencyLimit - p.inFlightCount));
  const queuedAfter = terminateQueued ? 0 : p.queuedCount - release;
  const inFlightAfter = p.inFlightCount + release;
  const completedAfter = p.completedCount + (terminateQueued ? p.queuedCount : 0);
  return { release, terminateQueued, ...statusOf(p, completedAfter, queuedAfter + inFlightAfter) };
};

function statusOf(
  p: CommandProgress,
  completed: number,
  open: number,
): Pick<CommandDecision, "status" | "statusDetails"> {
  if (p.targetCount === 0) return { status: "Failed", statusDetails: "NoInstancesInTag" };
  if (open > 0) {
    if (p.cancelRequested) return { status: "Cancelling", statusDetails: "Cancelling" };
    return completed === 0 && p.inFlightCount === 0
      ? { status: "Pending", statusDetails: "Pending" }
      : { status: "InProgress", statusDetails: "InProgress" };
  }
  if (p.cancelRequested) return { status: "Cancelled", statusDetails: "Cancelled" };
  if (p.successCount === p.targetCount) return { status: "Success", statusDetails: "Success" };
  if (p.errorCount > p.errorLimit) return { status: "Failed", statusDetails: "Failed" };
  if (p.deliveryTimedOutCount > p.errorLimit)
    return { status: "TimedOut", statusDetails: "DeliveryTimedOut" };
  return { status: "Failed", statusDetails: "Incomplete" };
}
