/**
 * Applying a change to a command on PostgreSQL: the command's row is locked first (every
 * transaction that changes its counts does so), invocations end, the counts follow, then rate
 * control's decision is written in the same transaction, and the nodes it woke are notified.
 * Server nodes settling invocations of one command at once therefore take turns: counts are
 * exact and releases never pass the limit.
 */
import type {
  CommandChange,
  CommandControl,
  CommandProgress,
  CommandRecord,
  InvocationOutcome,
  InvocationRecord,
} from "../../fleet-port.js";
import type { Row } from "../../rows/common.js";
import { commandFromRow, invocationFromRow } from "../../rows/fleet.js";
import { progressAfterEnding, TERMINATED, wakePayloads } from "../../rows/fleet-bookkeeping.js";
import type { Sql } from "../database.js";

/** The NOTIFY channel of fleet work (payload: node ids, comma-separated). */
export const FLEET_CHANNEL = "opsflow_fleet";

/** A change to one command under way: its counts so far, what changed, whom to wake. */
export interface CommandChangeInProgress {
  command: CommandRecord;
  progress: CommandProgress;
  changed: InvocationRecord[];
  wake: string[];
}

/** How an invocation ends: an outcome, or one of the store's own endings with `endedAt`. */
export type Ending = Pick<InvocationOutcome, "status" | "statusDetails" | "endedAt"> & {
  responseCode?: number;
};

/** Locks command `id` and starts a change to it; undefined when there is none. */
export async function beginChange(
  tx: Sql,
  id: string,
): Promise<CommandChangeInProgress | undefined> {
  const row = await tx.row<Row>("SELECT * FROM commands WHERE id = $1 FOR UPDATE", [id]);
  if (!row) return undefined;
  const record = commandFromRow(row);
  return { command: record, progress: { ...record.progress }, changed: [], wake: [] };
}

/** Ends `invocation` as `ending` unless it is done already (read under the command's lock). */
export async function endInvocation(
  tx: Sql,
  change: CommandChangeInProgress,
  invocation: InvocationRecord,
  ending: Ending,
): Promise<void> {
  const row = await tx.row<Row>(
    `UPDATE invocations SET phase = 'done', status = $1, status_details = $2,
       response_code = coalesce($3, response_code), ended_at = $4
     WHERE command_id = $5 AND instance_id = $6 AND phase <> 'done' RETURNING *`,
    [
      ending.status,
      ending.statusDetails,
      ending.responseCode ?? null,
      ending.endedAt,
      invocation.commandId,
      invocation.instanceId,
    ],
  );
  if (!row) return;
  change.progress = progressAfterEnding(change.progress, invocation.phase, ending);
  change.changed.push(invocationFromRow(row));
}

/** Applies `control` to the counts, writes the command, notifies, and returns the change. */
export async function concludeChange(
  tx: Sql,
  change: CommandChangeInProgress,
  now: number,
  control: CommandControl,
): Promise<CommandChange> {
  const id = change.command.id;
  const decision = control(change.progress);
  let progress = change.progress;
  if (decision.terminateQueued) {
    const ended = (
      await tx.rows<Row>(
        `UPDATE invocations SET phase = 'done', status = '${TERMINATED.status}',
           status_details = '${TERMINATED.statusDetails}', ended_at = $1
         WHERE command_id = $2 AND phase = 'queued' RETURNING *`,
        [now, id],
      )
    ).map(invocationFromRow);
    progress = {
      ...progress,
      completedCount: progress.completedCount + ended.length,
      queuedCount: progress.queuedCount - ended.length,
    };
    change.changed.push(...ended);
  }
  if (decision.release > 0 && progress.queuedCount > 0) {
    const released = await tx.rows<{ instance_id: string }>(
      `UPDATE invocations SET phase = 'ready'
       WHERE command_id = $1 AND instance_id IN (
         SELECT instance_id FROM invocations WHERE command_id = $1 AND phase = 'queued'
         ORDER BY ordinal LIMIT $2)
       RETURNING instance_id`,
      [id, decision.release],
    );
    progress = {
      ...progress,
      queuedCount: progress.queuedCount - released.length,
      inFlightCount: progress.inFlightCount + released.length,
    };
    change.wake.push(...released.map((row) => row.instance_id));
  }
  await tx.run(
    `UPDATE commands SET status = $2, status_details = $3, completed_count = $4,
       success_count = $5, error_count = $6, delivery_timed_out_count = $7, queued_count = $8,
       in_flight_count = $9, cancel_requested = $10
     WHERE id = $1`,
    [
      id,
      decision.status,
      decision.statusDetails,
      progress.completedCount,
      progress.successCount,
      progress.errorCount,
      progress.deliveryTimedOutCount,
      progress.queuedCount,
      progress.inFlightCount,
      progress.cancelRequested,
    ],
  );
  const wake = [...new Set(change.wake)];
  await notifyFleetWork(tx, wake);
  return {
    command: {
      ...change.command,
      status: decision.status,
      statusDetails: decision.statusDetails,
      progress,
    },
    changed: change.changed,
    wake,
  };
}

/** Tells every node's listener (delivered at commit) which nodes have work. */
export async function notifyFleetWork(tx: Sql, instanceIds: string[]): Promise<void> {
  for (const payload of wakePayloads(instanceIds))
    await tx.run(`SELECT pg_notify('${FLEET_CHANNEL}', $1)`, [payload]);
}
