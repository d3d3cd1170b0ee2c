/**
 * Commands and their invocations on SQLite (see FleetStore): sending, listing, handing
 * invocations to nodes, their start and end, cancelling and expiry. Every change to an
 * invocation's ending goes through the settlement (settle.ts) in the same transaction.
 */
import type Database from "better-sqlite3";
import type {
  CommandChange,
  CommandControl,
  CommandFilter,
  CommandRecord,
  Delivery,
  InvocationFilter,
  InvocationOutcome,
  InvocationRecord,
  NewInvocation,
} from "../../fleet-port.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, pageOf } from "../../paging.js";
import type { Row } from "../../rows/common.js";
import {
  COMMAND_COLUMNS,
  commandFromRow,
  commandPlaceholders,
  commandValues,
  invocationFromRow,
} from "../../rows/fleet.js";
import {
  CANCELLED,
  DELIVERY_TIMED_OUT,
  ENDED,
  EXECUTION_TIMED_OUT,
  initialProgress,
  isCommandKey,
  isInvocationKey,
  queuedInvocation,
} from "../../rows/fleet-bookkeeping.js";
import type { Settlement } from "./settle.js";

/** SQLite binds no booleans: 1 and 0 instead. */
const bindable = (values: unknown[]) =>
  values.map((value) => (typeof value === "boolean" ? Number(value) : value));

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** The command operations on `db`, synchronous. */
export function commandQueries(db: Database.Database, settlement: Settlement) {
  const insertCommand = db.prepare(
    `INSERT INTO commands (${COMMAND_COLUMNS}) VALUES (${commandPlaceholders(false)})`,
  );
  const insertInvocation = db.prepare(
    `INSERT INTO invocations (command_id, instance_id, ordinal, phase, status, status_details,
       response_code, instance_name, requested_at, delivery_attempts, cancel_requested,
       stdout_bytes, stderr_bytes, output_truncated)
     VALUES (@commandId, @instanceId, @ordinal, @phase, @status, @statusDetails, @responseCode,
       @instanceName, @requestedAt, 0, 0, 0, 0, 0)`,
  );
  const command = db.prepare<[string], Row>("SELECT * FROM commands WHERE id = ?");
  const listCommands = db.prepare<unknown[], Row>(
    `SELECT * FROM commands c
     WHERE (@afterTime IS NULL OR c.requested_at < @afterTime
         OR (c.requested_at = @afterTime AND c.id > @afterId))
       AND (@commandId IS NULL OR c.id = @commandId)
       AND (@instanceId IS NULL OR EXISTS (SELECT 1 FROM invocations i
         WHERE i.command_id = c.id AND i.instance_id = @instanceId))
       AND (@documentName IS NULL OR c.document_name = @documentName)
       AND (@statuses IS NULL OR c.status IN (SELECT value FROM json_each(@statuses)))
       AND (@invokedAfter IS NULL OR c.requested_at >= @invokedAfter)
       AND (@invokedBefore IS NULL OR c.requested_at <= @invokedBefore)
     ORDER BY c.requested_at DESC, c.id LIMIT @limit`,
  );
  const invocation = db.prepare<[string, string], Row>(
    "SELECT * FROM invocations WHERE command_id = ? AND instance_id = ?",
  );
  const listInvocations = db.prepare<unknown[], Row>(
    `SELECT * FROM invocations i
     WHERE (@afterTime IS NULL OR i.requested_at < @afterTime
         OR (i.requested_at = @afterTime AND (i.command_id > @afterId
           OR (i.command_id = @afterId AND i.ordinal > @afterOrdinal))))
       AND (@commandId IS NULL OR i.command_id = @commandId)
       AND (@instanceId IS NULL OR i.instance_id = @instanceId)
       AND (@statuses IS NULL OR i.status IN (SELECT value FROM json_each(@statuses)))
     ORDER BY i.requested_at DESC, i.command_id, i.ordinal LIMIT @limit`,
  );
  const DELIVERABLE = `(i.phase = 'ready' OR (i.phase = 'delivered' AND i.delivered_at <= @before
    AND i.cancel_requested = 0))`;
  const deliverableOfNode = db.prepare<unknown[], Row>(
    `SELECT i.* FROM invocations i WHERE i.instance_id = @instanceId AND ${DELIVERABLE}
     ORDER BY i.requested_at, i.command_id, i.ordinal LIMIT @limit`,
  );
  const deliverableOverSsh = db.prepare<unknown[], Row>(
    `SELECT i.* FROM invocations i JOIN managed_nodes n ON n.id = i.instance_id
     WHERE n.connection_kind = 'ssh' AND ${DELIVERABLE}
     ORDER BY i.requested_at, i.command_id, i.ordinal LIMIT @limit`,
  );
  const deliver = db.prepare<unknown[], Row>(
    `UPDATE invocations SET phase = 'delivered', delivered_at = ?,
       delivery_attempts = delivery_attempts + 1, owner = coalesce(?, owner)
     WHERE command_id = ? AND instance_id = ? RETURNING *`,
  );
  const start = db.prepare<unknown[], Row>(
    `UPDATE invocations SET phase = 'running', started_at = ?,
       status = CASE WHEN cancel_requested = 1 THEN status ELSE 'InProgress' END,
       status_details = CASE WHEN cancel_requested = 1 THEN status_details ELSE 'InProgress' END
     WHERE command_id = ? AND instance_id = ? AND phase IN ('ready', 'delivered') RETURNING *`,
  );
  // The first node to start moves its command from Pending to InProgress.
  const commandStarted = db.prepare<[string]>(
    "UPDATE commands SET status = 'InProgress', status_details = 'InProgress' WHERE id = ? AND status = 'Pending'",
  );
  const openOfCommand = db.prepare<[string], Row>(
    "SELECT * FROM invocations WHERE command_id = ? AND phase <> 'done' ORDER BY ordinal",
  );
  const askCancel = db.prepare<[string, string], Row>(
    `UPDATE invocations SET status = 'Cancelling', status_details = 'Cancelling',
       cancel_requested = 1 WHERE command_id = ? AND instance_id = ? RETURNING *`,
  );
  const cancellations = db.prepare<[string], Row>(
    `SELECT * FROM invocations WHERE instance_id = ? AND cancel_requested = 1
       AND phase IN ('delivered', 'running') ORDER BY requested_at, command_id`,
  );
  const expired = db.prepare<[number, number, number], Row>(
    `SELECT i.* FROM invocations i JOIN commands c ON c.id = i.command_id
     WHERE i.phase <> 'done' AND (
       (i.phase IN ('queued', 'ready', 'delivered') AND c.expires_after < ?)
       OR (i.phase = 'running' AND i.started_at + c.execution_timeout_seconds * 1000 + ? < ?))
     ORDER BY i.command_id, i.ordinal`,
  );

  const unsettledWaiters = db.prepare<[number], Row>(
    `SELECT * FROM commands WHERE waiter_token IS NOT NULL AND waiter_settled = 0
       AND status IN (${ENDED}) ORDER BY requested_at, id LIMIT ?`,
  );
  const markWaiterSettled = db.prepare(
    "UPDATE commands SET waiter_settled = 1 WHERE id = ? AND waiter_token IS NOT NULL",
  );

  const get = (id: string) => {
    const row = command.get(id);
    return row && commandFromRow(row);
  };

  return {
    createCommand: db.transaction(
      (
        record: CommandRecord,
        invocations: NewInvocation[],
        control: CommandControl,
      ): CommandChange => {
        const stored = {
          ...record,
          progress: initialProgress(record.progress, invocations.length),
        };
        insertCommand.run(bindable(commandValues(stored)));
        for (const target of invocations) insertInvocation.run(queuedInvocation(stored, target));
        const change = settlement.begin(record.id);
        if (!change) throw new Error(`Command ${record.id} vanished while it was created.`);
        return settlement.conclude(change, record.requestedAt, control);
      },
    ),
    getCommand: (id: string): CommandRecord | undefined => get(id),
    listCommands(filter: CommandFilter, page: PageRequest): Page<CommandRecord> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isCommandKey) : undefined;
      const rows = listCommands.all({
        afterTime: after?.[0] ?? null,
        afterId: after?.[1] ?? null,
        commandId: filter.commandId ?? null,
        instanceId: filter.instanceId ?? null,
        documentName: filter.documentName ?? null,
        statuses: json(filter.statuses),
        invokedAfter: filter.invokedAfter ?? null,
        invokedBefore: filter.invokedBefore ?? null,
        limit: page.limit + 1,
      });
      return pageOf(rows.map(commandFromRow), page.limit, (last) => [last.requestedAt, last.id]);
    },
    getInvocation(commandId: string, instanceId: string): InvocationRecord | undefined {
      const row = invocation.get(commandId, instanceId);
      return row && invocationFromRow(row);
    },
    listInvocations(filter: InvocationFilter, page: PageRequest): Page<InvocationRecord> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isInvocationKey) : undefined;
      const rows = listInvocations.all({
        afterTime: after?.[0] ?? null,
        afterId: after?.[1] ?? null,
        afterOrdinal: after?.[2] ?? null,
        commandId: filter.commandId ?? null,
        instanceId: filter.instanceId ?? null,
        statuses: json(filter.statuses),
        limit: page.limit + 1,
      });
      return pageOf(rows.map(invocationFromRow), page.limit, (last) => [
        last.requestedAt,
        last.commandId,
        last.ordinal,
      ]);
    },
    claimInvocations: db.transaction(
      (
        instanceId: string,
        now: number,
        redeliverBefore: number,
        limit: number,
        owner?: string,
      ): Delivery[] => {
        const query = instanceId === "ssh:*" ? deliverableOverSsh : deliverableOfNode;
        const due = query.all({ instanceId, before: redeliverBefore, limit });
        const commands = new Map<string, CommandRecord | undefined>();
        return due.map((row) => {
          const claimed = deliver.get(now, owner ?? null, row.command_id, row.instance_id) as Row;
          const commandId = row.command_id as string;
          if (!commands.has(commandId)) commands.set(commandId, get(commandId));
          return {
            invocation: invocationFromRow(claimed),
            command: commands.get(commandId) as CommandRecord,
          };
        });
      },
    ),
    startInvocation: db.transaction(
      (commandId: string, instanceId: string, now: number): InvocationRecord | undefined => {
        const started = start.get(now, commandId, instanceId);
        if (started) commandStarted.run(commandId);
        const row = started ?? invocation.get(commandId, instanceId);
        return row && invocationFromRow(row);
      },
    ),
    finishInvocation: db.transaction(
      (
        commandId: string,
        instanceId: string,
        outcome: InvocationOutcome,
        control: CommandControl,
      ): CommandChange | undefined => {
        const row = invocation.get(commandId, instanceId);
        if (!row) return undefined;
        const current = invocationFromRow(row);
        if (current.phase === "done") {
          const unchanged = get(commandId) as CommandRecord;
          return { command: unchanged, changed: [], wake: [] };
        }
        const change = settlement.begin(commandId);
        if (!change) return undefined;
        settlement.end(change, current, outcome);
        return settlement.conclude(change, outcome.endedAt, control);
      },
    ),
    cancelCommand: db.transaction(
      (
        commandId: string,
        instanceIds: string[] | undefined,
        now: number,
        control: CommandControl,
      ): CommandChange | undefined => {
        const change = settlement.begin(commandId);
        if (!change) return undefined;
        // Only a cancel of the whole command stops rate control; one of some nodes leaves
        // the others running and queued.
        if (instanceIds === undefined) change.progress.cancelRequested = true;
        const only = instanceIds && new Set(instanceIds);
        for (const open of openOfCommand.all(commandId).map(invocationFromRow)) {
          if (only && !only.has(open.instanceId)) continue;
          if (open.phase === "queued" || open.phase === "ready")
            settlement.end(change, open, { ...CANCELLED, endedAt: now });
          else if (!open.cancelRequested) {
            change.changed.push(
              invocationFromRow(askCancel.get(commandId, open.instanceId) as Row),
            );
            change.wake.push(open.instanceId);
          }
        }
        return settlement.conclude(change, now, control);
      },
    ),
    unsettledWaiters: (limit: number): CommandRecord[] =>
      unsettledWaiters.all(limit).map(commandFromRow),
    markWaiterSettled(commandId: string): void {
      markWaiterSettled.run(commandId);
    },
    cancellationsFor: (instanceId: string): InvocationRecord[] =>
      cancellations.all(instanceId).map(invocationFromRow),
    expireInvocations: db.transaction(
      (now: number, graceMs: number, control: CommandControl): CommandChange[] => {
        const due = expired.all(now, graceMs, now).map(invocationFromRow);
        const changes: CommandChange[] = [];
        let index = 0;
        while (index < due.length) {
          const commandId = due[index].commandId;
          const change = settlement.begin(commandId);
          for (; index < due.length && due[index].commandId === commandId; index++) {
            const ending =
              due[index].phase === "running" ? EXECUTION_TIMED_OUT : DELIVERY_TIMED_OUT;
            if (change) settlement.end(change, due[index], { ...ending, endedAt: now });
          }
          if (change) changes.push(settlement.conclude(change, now, control));
        }
        return changes;
      },
    ),
  };
}
