/**
 * Commands and their invocations on PostgreSQL (see FleetStore), shared by every node.
 * Changes to an invocation's ending lock its command's row first (settle.ts); claims lock
 * only the invocations they take (FOR UPDATE SKIP LOCKED), so two nodes never hand one
 * invocation out twice.
 */
import type { CommandChange, CommandRecord, Delivery, FleetStore } from "../../fleet-port.js";
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
} from "../../rows/fleet-bookkeeping.js";
import type { PostgresDatabase } from "../database.js";
import { beginChange, concludeChange, endInvocation } from "./settle.js";

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** Invocations a node may be handed: ready, or delivered long ago and never acknowledged. */
const DELIVERABLE = `(i.phase = 'ready' OR (i.phase = 'delivered' AND i.delivered_at <= $2
  AND NOT i.cancel_requested))`;

type CommandMethods = Pick<
  FleetStore,
  | "createCommand"
  | "getCommand"
  | "listCommands"
  | "getInvocation"
  | "listInvocations"
  | "claimInvocations"
  | "startInvocation"
  | "finishInvocation"
  | "cancelCommand"
  | "cancellationsFor"
  | "expireInvocations"
  | "unsettledWaiters"
  | "markWaiterSettled"
>;

/** The command methods on `db`. */
export function postgresCommandMethods(db: PostgresDatabase): CommandMethods {
  const getCommand = async (id: string) => {
    const row = await db.row<Row>("SELECT * FROM commands WHERE id = $1", [id]);
    return row && commandFromRow(row);
  };
  return {
    createCommand(record, invocations, control) {
      return db.transaction(async (tx) => {
        const stored = {
          ...record,
          progress: initialProgress(record.progress, invocations.length),
        };
        await tx.run(
          `INSERT INTO commands (${COMMAND_COLUMNS})
           VALUES (${commandPlaceholders(true)})`,
          commandValues(stored),
        );
        // One statement for every target (thousands of nodes): their rows as JSON.
        await tx.run(
          `INSERT INTO invocations (command_id, instance_id, ordinal, phase, status,
             status_details, response_code, instance_name, requested_at, delivery_attempts,
             cancel_requested, stdout_bytes, stderr_bytes, output_truncated)
           SELECT $1, t->>'instanceId', (t->>'ordinal')::integer, 'queued', 'Pending',
             'Pending', -1, t->>'instanceName', $2, 0, false, 0, 0, false
           FROM jsonb_array_elements($3::jsonb) t`,
          [
            record.id,
            record.requestedAt,
            JSON.stringify(
              invocations.map(({ instanceId, ordinal, instanceName }) => ({
                instanceId,
                ordinal,
                instanceName,
              })),
            ),
          ],
        );
        const change = await beginChange(tx, record.id);
        if (!change) throw new Error(`Command ${record.id} vanished while it was created.`);
        return concludeChange(tx, change, record.requestedAt, control);
      });
    },
    getCommand,
    async listCommands(filter, page) {
      const after = page.nextToken ? decodePageToken(page.nextToken, isCommandKey) : undefined;
      const rows = await db.rows<Row>(
        `SELECT * FROM commands c
         WHERE ($1::bigint IS NULL OR c.requested_at < $1::bigint
             OR (c.requested_at = $1::bigint AND c.id > $2::text))
           AND ($3::text IS NULL OR c.id = $3::text)
           AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM invocations i
             WHERE i.command_id = c.id AND i.instance_id = $4::text))
           AND ($5::text IS NULL OR c.document_name = $5::text)
           AND ($6::jsonb IS NULL OR c.status IN (SELECT jsonb_array_elements_text($6::jsonb)))
           AND ($7::bigint IS NULL OR c.requested_at >= $7::bigint)
           AND ($8::bigint IS NULL OR c.requested_at <= $8::bigint)
         ORDER BY c.requested_at DESC, c.id LIMIT $9`,
        [
          after?.[0] ?? null,
          after?.[1] ?? null,
          filter.commandId ?? null,
          filter.instanceId ?? null,
          filter.documentName ?? null,
          json(filter.statuses),
          filter.invokedAfter ?? null,
          filter.invokedBefore ?? null,
          page.limit + 1,
        ],
      );
      return pageOf(rows.map(commandFromRow), page.limit, (last) => [last.requestedAt, last.id]);
    },
    async getInvocation(commandId, instanceId) {
      const row = await db.row<Row>(
        "SELECT * FROM invocations WHERE command_id = $1 AND instance_id = $2",
        [commandId, instanceId],
      );
      return row && invocationFromRow(row);
    },
    async listInvocations(filter, page) {
      const after = page.nextToken ? decodePageToken(page.nextToken, isInvocationKey) : undefined;
      const rows = await db.rows<Row>(
        `SELECT * FROM invocations i
         WHERE ($1::bigint IS NULL OR i.requested_at < $1::bigint
             OR (i.requested_at = $1::bigint AND (i.command_id > $2::text
               OR (i.command_id = $2::text AND i.ordinal > $3::integer))))
           AND ($4::text IS NULL OR i.command_id = $4::text)
           AND ($5::text IS NULL OR i.instance_id = $5::text)
           AND ($6::jsonb IS NULL OR i.status IN (SELECT jsonb_array_elements_text($6::jsonb)))
         ORDER BY i.requested_at DESC, i.command_id, i.ordinal LIMIT $7`,
        [
          after?.[0] ?? null,
          after?.[1] ?? null,
          after?.[2] ?? null,
          filter.commandId ?? null,
          filter.instanceId ?? null,
          json(filter.statuses),
          page.limit + 1,
        ],
      );
      return pageOf(rows.map(invocationFromRow), page.limit, (last) => [
        last.requestedAt,
        last.commandId,
        last.ordinal,
      ]);
    },
    claimInvocations(instanceId, now, redeliverBefore, limit, owner) {
      return db.transaction(async (tx) => {
        const ofNodes =
          instanceId === "ssh:*"
            ? `i.instance_id IN (SELECT id FROM managed_nodes WHERE connection_kind = 'ssh')
               AND $1::text = 'ssh:*'`
            : "i.instance_id = $1";
        // Rows another node is claiming right now are skipped, not waited for: each
        // invocation goes to one claimer.
        const claimed = (
          await tx.rows<Row>(
            `UPDATE invocations u SET phase = 'delivered', delivered_at = $4,
               delivery_attempts = u.delivery_attempts + 1, owner = coalesce($5, u.owner)
             FROM (SELECT i.command_id, i.instance_id FROM invocations i
               WHERE ${ofNodes} AND ${DELIVERABLE}
               ORDER BY i.requested_at, i.command_id, i.ordinal LIMIT $3
               FOR UPDATE SKIP LOCKED) due
             WHERE u.command_id = due.command_id AND u.instance_id = due.instance_id
             RETURNING u.*`,
            [instanceId, redeliverBefore, limit, now, owner ?? null],
          )
        ).map(invocationFromRow);
        claimed.sort(
          (a, b) =>
            a.requestedAt - b.requestedAt ||
            (a.commandId < b.commandId ? -1 : a.commandId > b.commandId ? 1 : 0) ||
            a.ordinal - b.ordinal,
        );
        const ids = [...new Set(claimed.map((invocation) => invocation.commandId))];
        const commands = new Map<string, CommandRecord>();
        if (ids.length > 0)
          for (const row of await tx.rows<Row>(
            "SELECT * FROM commands WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))",
            [JSON.stringify(ids)],
          ))
            commands.set(row.id as string, commandFromRow(row));
        return claimed.map(
          (invocation): Delivery => ({
            invocation,
            command: commands.get(invocation.commandId) as CommandRecord,
          }),
        );
      });
    },
    async startInvocation(commandId, instanceId, now) {
      const started = await db.transaction(async (tx) => {
        const row = await tx.row<Row>(
          `UPDATE invocations SET phase = 'running', started_at = $1,
             status = CASE WHEN cancel_requested THEN status ELSE 'InProgress' END,
             status_details = CASE WHEN cancel_requested THEN status_details ELSE 'InProgress' END
           WHERE command_id = $2 AND instance_id = $3 AND phase IN ('ready', 'delivered')
           RETURNING *`,
          [now, commandId, instanceId],
        );
        // The first node to start moves its command from Pending to InProgress.
        if (row)
          await tx.run(
            `UPDATE commands SET status = 'InProgress', status_details = 'InProgress'
             WHERE id = $1 AND status = 'Pending'`,
            [commandId],
          );
        return row;
      });
      const row =
        started ??
        (await db.row<Row>("SELECT * FROM invocations WHERE command_id = $1 AND instance_id = $2", [
          commandId,
          instanceId,
        ]));
      return row && invocationFromRow(row);
    },
    finishInvocation(commandId, instanceId, outcome, control) {
      return db.transaction(async (tx) => {
        const change = await beginChange(tx, commandId);
        if (!change) return undefined;
        const row = await tx.row<Row>(
          "SELECT * FROM invocations WHERE command_id = $1 AND instance_id = $2 FOR UPDATE",
          [commandId, instanceId],
        );
        if (!row) return undefined;
        const current = invocationFromRow(row);
        if (current.phase === "done") return { command: change.command, changed: [], wake: [] };
        await endInvocation(tx, change, current, outcome);
        return concludeChange(tx, change, outcome.endedAt, control);
      });
    },
    cancelCommand(commandId, instanceIds, now, control) {
      return db.transaction(async (tx) => {
        const change = await beginChange(tx, commandId);
        if (!change) return undefined;
        // Only a cancel of the whole command stops rate control; one of some nodes leaves
        // the others running and queued.
        if (instanceIds === undefined) change.progress.cancelRequested = true;
        const open = (
          await tx.rows<Row>(
            `SELECT * FROM invocations WHERE command_id = $1 AND phase <> 'done'
               AND ($2::jsonb IS NULL OR instance_id IN
                 (SELECT jsonb_array_elements_text($2::jsonb)))
             ORDER BY ordinal FOR UPDATE`,
            [commandId, json(instanceIds)],
          )
        ).map(invocationFromRow);
        for (const invocation of open) {
          if (invocation.phase === "queued" || invocation.phase === "ready")
            await endInvocation(tx, change, invocation, { ...CANCELLED, endedAt: now });
          else if (!invocation.cancelRequested) {
            const asked = await tx.row<Row>(
              `UPDATE invocations SET status = 'Cancelling', status_details = 'Cancelling',
                 cancel_requested = true WHERE command_id = $1 AND instance_id = $2 RETURNING *`,
              [commandId, invocation.instanceId],
            );
            if (asked) change.changed.push(invocationFromRow(asked));
            change.wake.push(invocation.instanceId);
          }
        }
        return concludeChange(tx, change, now, control);
      });
    },
    async unsettledWaiters(limit) {
      const rows = await db.rows<Row>(
        `SELECT * FROM commands WHERE waiter_token IS NOT NULL AND waiter_settled = false
           AND status IN (${ENDED}) ORDER BY requested_at, id LIMIT $1`,
        [limit],
      );
      return rows.map(commandFromRow);
    },
    async markWaiterSettled(commandId) {
      await db.run(
        "UPDATE commands SET waiter_settled = true WHERE id = $1 AND waiter_token IS NOT NULL",
        [commandId],
      );
    },
    async cancellationsFor(instanceId) {
      const rows = await db.rows<Row>(
        `SELECT * FROM invocations WHERE instance_id = $1 AND cancel_requested
           AND phase IN ('delivered', 'running') ORDER BY requested_at, command_id`,
        [instanceId],
      );
      return rows.map(invocationFromRow);
    },
    expireInvocations(now, graceMs, control) {
      const DUE = `i.phase <> 'done' AND (
        (i.phase IN ('queued', 'ready', 'delivered') AND c.expires_after < $1)
        OR (i.phase = 'running' AND i.started_at + c.execution_timeout_seconds * 1000 + $2 < $1))`;
      return db.transaction(async (tx) => {
        const commandIds = await tx.rows<{ id: string }>(
          `SELECT DISTINCT c.id FROM invocations i JOIN commands c ON c.id = i.command_id
           WHERE ${DUE} ORDER BY c.id`,
          [now, graceMs],
        );
        const changes: CommandChange[] = [];
        // Commands in id order, each locked before its invocations are read again: another
        // node expiring or settling them at once finds them done and leaves them.
        for (const { id } of commandIds) {
          const change = await beginChange(tx, id);
          if (!change) continue;
          const due = (
            await tx.rows<Row>(
              `SELECT i.* FROM invocations i JOIN commands c ON c.id = i.command_id
               WHERE i.command_id = $3 AND ${DUE} ORDER BY i.ordinal FOR UPDATE OF i`,
              [now, graceMs, id],
            )
          ).map(invocationFromRow);
          if (due.length === 0) continue;
          for (const invocation of due) {
            const ending =
              invocation.phase === "running" ? EXECUTION_TIMED_OUT : DELIVERY_TIMED_OUT;
            await endInvocation(tx, change, invocation, { ...ending, endedAt: now });
          }
          changes.push(await concludeChange(tx, change, now, control));
        }
        return changes;
      });
    },
  };
}
