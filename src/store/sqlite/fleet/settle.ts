/**
 * Applying a change to a command on SQLite: invocations end, the command's counts follow,
 * then rate control's decision (terminate the queue, release the next ones, the status) is
 * written in the same transaction. Every fleet module that ends invocations goes through here.
 */
import type Database from "better-sqlite3";
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
import { progressAfterEnding, TERMINATED } from "../../rows/fleet-bookkeeping.js";

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

/** The settlement statements on `db`, synchronous (callers run them in their transaction). */
export function settlementQueries(db: Database.Database) {
  const command = db.prepare<[string], Row>("SELECT * FROM commands WHERE id = ?");
  const end = db.prepare<unknown[], Row>(
    `UPDATE invocations SET phase = 'done', status = ?, status_details = ?,
       response_code = coalesce(?, response_code), ended_at = ?
     WHERE command_id = ? AND instance_id = ? AND phase <> 'done' RETURNING *`,
  );
  const terminate = db.prepare<[number, string], Row>(
    `UPDATE invocations SET phase = 'done', status = '${TERMINATED.status}',
       status_details = '${TERMINATED.statusDetails}', ended_at = ?
     WHERE command_id = ? AND phase = 'queued' RETURNING *`,
  );
  const release = db.prepare<[string, string, number], { instance_id: string }>(
    `UPDATE invocations SET phase = 'ready'
     WHERE command_id = ? AND instance_id IN (
       SELECT instance_id FROM invocations WHERE command_id = ? AND phase = 'queued'
       ORDER BY ordinal LIMIT ?)
     RETURNING instance_id`,
  );
  const write = db.prepare(
    `UPDATE commands SET status = @status, status_details = @statusDetails,
       completed_count = @completedCount, success_count = @successCount,
       error_count = @errorCount, delivery_timed_out_count = @deliveryTimedOutCount,
       queued_count = @queuedCount, in_flight_count = @inFlightCount,
       cancel_requested = @cancelRequested
     WHERE id = @id`,
  );

  return {
    /** Starts a change to command `id`; undefined when there is none. */
    begin(id: string): CommandChangeInProgress | undefined {
      const row = command.get(id);
      if (!row) return undefined;
      const record = commandFromRow(row);
      return { command: record, progress: { ...record.progress }, changed: [], wake: [] };
    },
    /** Ends `invocation` (not done yet) as `ending`, counting it. */
    end(change: CommandChangeInProgress, invocation: InvocationRecord, ending: Ending): void {
      const row = end.get(
        ending.status,
        ending.statusDetails,
        ending.responseCode ?? null,
        ending.endedAt,
        invocation.commandId,
        invocation.instanceId,
      );
      if (!row) return;
      change.progress = progressAfterEnding(change.progress, invocation.phase, ending);
      change.changed.push(invocationFromRow(row));
    },
    /** Applies `control` to the counts, writes the command, and returns the change. */
    conclude(change: CommandChangeInProgress, now: number, control: CommandControl): CommandChange {
      const id = change.command.id;
      const decision = control(change.progress);
      let progress = change.progress;
      if (decision.terminateQueued) {
        const ended = terminate.all(now, id).map(invocationFromRow);
        progress = {
          ...progress,
          completedCount: progress.completedCount + ended.length,
          queuedCount: progress.queuedCount - ended.length,
        };
        change.changed.push(...ended);
      }
      if (decision.release > 0 && progress.queuedCount > 0) {
        const released = release.all(id, id, decision.release).map((row) => row.instance_id);
        progress = {
          ...progress,
          queuedCount: progress.queuedCount - released.length,
          inFlightCount: progress.inFlightCount + released.length,
        };
        change.wake.push(...released);
      }
      write.run({
        id,
        status: decision.status,
        statusDetails: decision.statusDetails,
        ...progress,
        cancelRequested: progress.cancelRequested ? 1 : 0,
      });
      return {
        command: {
          ...change.command,
          status: decision.status,
          statusDetails: decision.statusDetails,
          progress,
        },
        changed: change.changed,
        wake: [...new Set(change.wake)],
      };
    },
  };
}

/** The settlement statements' type, for the modules that use them. */
export type Settlement = ReturnType<typeof settlementQueries>;
