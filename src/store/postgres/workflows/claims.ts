/**
 * Execution leases in the database, shared by every node: a claim writes the owner, the end
 * of the lease and a fence taken from a sequence (strictly increasing across nodes and
 * restarts). An execution whose lease is active (until >= now) is not claimable; after the
 * lease ends, any node may take it over with a higher fence, and the old holder's commit is
 * refused (commit.ts).
 */

import { executionFromRow, taskFromRow } from "../../rows/workflows.js";
import type { ClaimedExecution, TaskRecord, WorkflowStore } from "../../workflows-port.js";
import type { PostgresDatabase, Row, Sql } from "../database.js";

/** The SET clause of a lease: $1 owner, $2 now, $3 lease ms. */
const LEASE =
  "lease_owner = $1, lease_until = $2::bigint + $3::bigint, fence = nextval('execution_fences')";

/** The stop request of an executions row, if one is waiting. */
function stopRequestOf(row: Row): ClaimedExecution["stopRequest"] {
  if (row.stop_requested !== true) return undefined;
  const request: NonNullable<ClaimedExecution["stopRequest"]> = {};
  if (row.stop_error !== null) request.error = row.stop_error as string;
  if (row.stop_cause !== null) request.cause = row.stop_cause as string;
  return request;
}

/**
 * The claims of freshly leased executions rows: their state, unapplied results and heartbeats
 * read in the leasing transaction (the row lock keeps any other commit out meanwhile).
 */
async function claimsOf(tx: Sql, leased: Row[]): Promise<ClaimedExecution[]> {
  if (leased.length === 0) return [];
  const ids = leased.map((row) => row.id as number);
  const states = new Map(
    (
      await tx.rows<{ execution_id: number; state: string }>(
        "SELECT execution_id, state FROM execution_states WHERE execution_id = ANY($1::bigint[])",
        [ids],
      )
    ).map((row) => [row.execution_id, row.state]),
  );
  const settled = new Map<number, TaskRecord[]>();
  for (const row of await tx.rows(
    "SELECT * FROM tasks WHERE execution_id = ANY($1::bigint[]) AND settled ORDER BY seq",
    [ids],
  )) {
    const id = row.execution_id as number;
    settled.set(id, [...(settled.get(id) ?? []), taskFromRow(row)]);
  }
  const heartbeats = new Map<number, Record<string, number>>();
  for (const row of await tx.rows<{
    execution_id: number;
    token: string;
    last_heartbeat_at: number;
  }>(
    `SELECT execution_id, token, last_heartbeat_at FROM tasks
     WHERE execution_id = ANY($1::bigint[]) AND status IN ('scheduled', 'started')
       AND heartbeat_seconds IS NOT NULL AND last_heartbeat_at IS NOT NULL`,
    [ids],
  )) {
    const beats = heartbeats.get(row.execution_id) ?? {};
    beats[row.token] = row.last_heartbeat_at;
    heartbeats.set(row.execution_id, beats);
  }
  return leased.map((row) => {
    const id = row.id as number;
    const state = states.get(id);
    if (state === undefined) throw new Error(`Execution ${row.arn as string} has no state`);
    const claim: ClaimedExecution = {
      record: executionFromRow(row),
      state,
      nextEventId: row.next_event_id as number,
      fence: row.fence as number,
      settledTasks: settled.get(id) ?? [],
      heartbeats: heartbeats.get(id) ?? {},
    };
    const stopRequest = stopRequestOf(row);
    if (stopRequest) claim.stopRequest = stopRequest;
    return claim;
  });
}

/** The lease operations of the PostgreSQL workflow store (commit.ts has the commit). */
export function claimQueries(
  db: PostgresDatabase,
): Pick<
  WorkflowStore,
  "claimExecutions" | "claimStarted" | "claimExecution" | "release" | "nextWakeAt" | "recoverLeases"
> {
  return {
    // Due executions another node is claiming at this moment are skipped, not waited for.
    claimExecutions: (owner, now, leaseMs, limit) =>
      db.transaction(async (tx) => {
        const leased = await tx.rows(
          `WITH due AS (
             SELECT id FROM executions
             WHERE status = 'RUNNING' AND wake_at IS NOT NULL AND wake_at <= $2
               AND (lease_until IS NULL OR lease_until < $2)
             ORDER BY wake_at LIMIT $4
             FOR UPDATE SKIP LOCKED
           )
           UPDATE executions SET ${LEASE} FROM due WHERE executions.id = due.id
           RETURNING executions.*`,
          [owner, now, leaseMs, limit],
        );
        leased.sort((a, b) => (a.wake_at as number) - (b.wake_at as number));
        return claimsOf(tx, leased);
      }),
    // One statement: it leases only when the execution has not moved on since it started
    // (next_event_id unchanged), so the state it was started with is still its state.
    async claimStarted(execution, owner, now, leaseMs) {
      const nextEventId = execution.events.length + 1;
      const row = await db.row(
        `UPDATE executions SET ${LEASE}
         WHERE arn = $4 AND status = 'RUNNING' AND next_event_id = $5
           AND (lease_until IS NULL OR lease_until < $2)
         RETURNING fence, stop_requested, stop_error, stop_cause`,
        [owner, now, leaseMs, execution.record.arn, nextEventId],
      );
      if (!row) return undefined;
      const claim: ClaimedExecution = {
        record: execution.record,
        state: execution.state,
        nextEventId,
        fence: row.fence as number,
        settledTasks: [],
        heartbeats: {},
      };
      const stopRequest = stopRequestOf(row);
      if (stopRequest) claim.stopRequest = stopRequest;
      return claim;
    },
    // Any status: a redrive claims an execution that has ended.
    claimExecution: (arn, owner, now, leaseMs) =>
      db.transaction(async (tx) => {
        const leased = await tx.rows(
          `UPDATE executions SET ${LEASE}
           WHERE arn = $4 AND (lease_until IS NULL OR lease_until < $2) RETURNING *`,
          [owner, now, leaseMs, arn],
        );
        return (await claimsOf(tx, leased))[0];
      }),
    async release(arn, fence) {
      await db.run(
        "UPDATE executions SET lease_owner = NULL, lease_until = NULL WHERE arn = $1 AND fence = $2",
        [arn, fence],
      );
    },
    // A leased execution counts from the end of its lease: before then no node may take it.
    async nextWakeAt() {
      const row = await db.row<{ at: number | null }>(
        `SELECT LEAST(
           (SELECT wake_at FROM executions
            WHERE status = 'RUNNING' AND wake_at IS NOT NULL AND lease_until IS NULL
            ORDER BY wake_at LIMIT 1),
           (SELECT MIN(GREATEST(wake_at, lease_until)) FROM executions
            WHERE status = 'RUNNING' AND wake_at IS NOT NULL AND lease_until IS NOT NULL)
         ) AS at`,
      );
      return row?.at ?? undefined;
    },
    // Only this node's previous process's leases: other nodes share the database and hold
    // live ones. Its dispatch tasks become claimable at once (run again, same key).
    recoverLeases: (ownerPrefix) =>
      db.transaction(async (tx) => {
        await tx.run(
          `UPDATE executions SET lease_owner = NULL, lease_until = NULL
           WHERE lease_until IS NOT NULL AND starts_with(lease_owner, $1)`,
          [ownerPrefix],
        );
        await tx.run(
          `UPDATE tasks SET lease_until = 0
           WHERE kind = 'dispatch' AND status IN ('scheduled', 'started') AND lease_until IS NOT NULL
             AND starts_with(lease_owner, $1)`,
          [ownerPrefix],
        );
      }),
  };
}
