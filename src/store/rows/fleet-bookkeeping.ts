/**
 * The fleet's pure bookkeeping, shared by both adapters: what an invocation's ending does to
 * its command's counts, how invocations end, tag merging, output offsets, page keys and
 * NOTIFY payloads. Their SQL differs; these rules do not.
 */
import type { Json } from "../../asl/json.js";
import type {
  CommandProgress,
  CommandRecord,
  InvocationOutcome,
  InvocationPhase,
  InvocationRecord,
  Tag,
} from "../fleet-port.js";

/** `tags` with `add` put in by key (replacing a tag of the same key in place), then `removeKeys` dropped. */
export function mergeTags(tags: Tag[], add: Tag[], removeKeys: string[]): Tag[] {
  const merged = tags.map((tag) => ({ ...tag }));
  for (const tag of add) {
    const existing = merged.find((t) => t.Key === tag.Key);
    if (existing) existing.Value = tag.Value;
    else merged.push({ Key: tag.Key, Value: tag.Value });
  }
  const removed = new Set(removeKeys);
  return merged.filter((tag) => !removed.has(tag.Key));
}

/** What an invocation ending in `outcome`, from `phase`, does to its command's counts. */
export function progressAfterEnding(
  progress: CommandProgress,
  phase: InvocationPhase,
  outcome: Pick<InvocationOutcome, "status" | "statusDetails">,
): CommandProgress {
  const next = { ...progress, completedCount: progress.completedCount + 1 };
  if (phase === "queued") next.queuedCount -= 1;
  else next.inFlightCount -= 1;
  if (outcome.status === "Success") next.successCount += 1;
  else if (
    outcome.status === "Failed" ||
    (outcome.status === "TimedOut" && outcome.statusDetails === "ExecutionTimedOut")
  )
    next.errorCount += 1;
  else if (outcome.status === "TimedOut") next.deliveryTimedOutCount += 1;
  return next;
}

/** The command statuses that are final, as an SQL list. */
export const ENDED = "'Success', 'Failed', 'TimedOut', 'Cancelled'";

/** How a queued invocation ends when errors passed MaxErrors. */
export const TERMINATED = { status: "Cancelled", statusDetails: "Terminated" } as const;
/** How an invocation not yet delivered ends when its command is cancelled. */
export const CANCELLED = { status: "Cancelled", statusDetails: "Cancelled" } as const;
/** How the invocations of a deregistered node end. */
export const UNDELIVERABLE = { status: "Failed", statusDetails: "Undeliverable" } as const;
/** How invocations not started by the command's deadline end. */
export const DELIVERY_TIMED_OUT = {
  status: "TimedOut",
  statusDetails: "DeliveryTimedOut",
} as const;
/** How running invocations whose node never reported end. */
export const EXECUTION_TIMED_OUT = {
  status: "TimedOut",
  statusDetails: "ExecutionTimedOut",
} as const;

/** Whether a decoded page token is a (time, id) key. */
export function isCommandKey(value: Json): value is [number, string] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === "number" &&
    typeof value[1] === "string"
  );
}

/** Whether a decoded page token is an invocation's (command time, command id, ordinal). */
export function isInvocationKey(value: Json): value is [number, string, number] {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    typeof value[0] === "number" &&
    typeof value[1] === "string" &&
    typeof value[2] === "number"
  );
}

/** The invocations a new command stores, all queued. */
export function queuedInvocation(
  command: CommandRecord,
  target: Pick<InvocationRecord, "instanceId" | "ordinal" | "instanceName">,
): InvocationRecord {
  return {
    commandId: command.id,
    instanceId: target.instanceId,
    ordinal: target.ordinal,
    instanceName: target.instanceName,
    phase: "queued",
    status: "Pending",
    statusDetails: "Pending",
    responseCode: -1,
    requestedAt: command.requestedAt,
    deliveryAttempts: 0,
    cancelRequested: false,
    stdoutBytes: 0,
    stderrBytes: 0,
    outputTruncated: false,
  };
}

/** The counts of a new command with `targets` queued invocations (the limits as given). */
export function initialProgress(progress: CommandProgress, targets: number): CommandProgress {
  return {
    concurrencyLimit: progress.concurrencyLimit,
    errorLimit: progress.errorLimit,
    targetCount: targets,
    completedCount: 0,
    successCount: 0,
    errorCount: 0,
    deliveryTimedOutCount: 0,
    queuedCount: targets,
    inFlightCount: 0,
    cancelRequested: false,
  };
}

/**
 * The node ids of `ids` as NOTIFY payloads (comma-separated) of at most `maxBytes` each:
 * PostgreSQL refuses payloads of 8,000 bytes or more.
 */
export function wakePayloads(ids: string[], maxBytes = 7000): string[] {
  const payloads: string[] = [];
  let current = "";
  for (const id of new Set(ids)) {
    const next = current === "" ? id : `${current},${id}`;
    if (Buffer.byteLength(next) > maxBytes && current !== "") {
      payloads.push(current);
      current = id;
    } else current = next;
  }
  if (current !== "") payloads.push(current);
  return payloads;
}

/**
 * What appending `length` bytes at `offset` to a stream holding `size` bytes (at most
 * `capBytes` kept) stores: the bytes of the data to keep, from `skip` to `skip + keep`, or
 * nothing for a gap (offset past the stored size, the caller resends from `size`); and
 * whether bytes were dropped at the cap.
 */
export function outputAppend(
  size: number,
  offset: number,
  length: number,
  capBytes: number,
): { gap: true } | { gap: false; skip: number; keep: number; dropped: boolean } {
  if (offset > size) return { gap: true };
  // Bytes already stored (a resend after a lost answer) are skipped.
  const skip = Math.min(size - offset, length);
  const rest = length - skip;
  const keep = Math.max(0, Math.min(rest, capBytes - size));
  return { gap: false, skip, keep, dropped: keep < rest };
}

/** The bytes [offset, offset + length) of a stream, from its chunks in offset order. */
export function sliceOutput(
  chunks: { byte_offset: number; data: Uint8Array }[],
  offset: number,
  length: number,
): Uint8Array {
  const parts: Uint8Array[] = [];
  const end = offset + length;
  for (const chunk of chunks) {
    const from = Math.max(offset, chunk.byte_offset) - chunk.byte_offset;
    const to = Math.min(end, chunk.byte_offset + chunk.data.length) - chunk.byte_offset;
    if (to > from) parts.push(chunk.data.subarray(from, to));
  }
  return Buffer.concat(parts);
}
