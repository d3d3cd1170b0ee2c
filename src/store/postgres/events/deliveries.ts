/**
 * Accepted events, the delivery queue, dead letters and scheduled fires on PostgreSQL. Nodes
 * share the queue: a claim leases rows with FOR UPDATE SKIP LOCKED, so two nodes never lease
 * the same delivery, and an expired lease (its node died) is simply claimable again.
 */
import type { DeliveryOutcome, EventStore, NewDelivery, StoredEvent } from "../../events-port.js";
import type { PageRequest } from "../../paging.js";
import { decodePageToken, pageOf } from "../../paging.js";
import { deadLetterFromRow, deliveryFromRow, ruleFromRow } from "../../rows/events.js";
import type { NewExecution } from "../../workflows-port.js";
import type { PostgresDatabase, Sql } from "../database.js";
import { insertExecution } from "../workflows/executions.js";

const isIdKey = (value: unknown): value is number => typeof value === "number";

/**
 * Stores events in the order given (their seq is their arrival order). `ignoreDuplicates`
 * skips ids already stored (replays); otherwise a duplicate id fails the transaction.
 */
export async function insertEvents(
  tx: Sql,
  events: StoredEvent[],
  ignoreDuplicates = false,
): Promise<void> {
  if (events.length === 0) return;
  await tx.run(
    `INSERT INTO events (id, bus, envelope, ingested_at)
     SELECT id, bus, envelope, ingested_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
       WITH ORDINALITY AS e (id, bus, envelope, ingested_at, n)
     ORDER BY n ${ignoreDuplicates ? "ON CONFLICT (id) DO NOTHING" : ""}`,
    [
      events.map((e) => e.id),
      events.map((e) => e.eventBusName),
      events.map((e) => e.envelope),
      events.map((e) => e.ingestedAt),
    ],
  );
}

/** Stores deliveries owed, each due at once (ingestion, schedules and replays all owe them). */
export async function insertDeliveries(tx: Sql, deliveries: NewDelivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  await tx.run(
    `INSERT INTO event_deliveries (event_id, bus, rule, rule_arn, target, age_from, next_attempt_at)
     SELECT event_id, bus, rule, rule_arn, target, at, at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])
       WITH ORDINALITY AS d (event_id, bus, rule, rule_arn, target, at, n)
     ORDER BY n`,
    [
      deliveries.map((d) => d.eventId),
      deliveries.map((d) => d.eventBusName),
      deliveries.map((d) => d.ruleName),
      deliveries.map((d) => d.ruleArn),
      deliveries.map((d) => JSON.stringify(d.target)),
      deliveries.map((d) => d.at),
    ],
  );
}

/**
 * Stores events and their deliveries in the caller's transaction; a delivery carrying a start
 * starts its execution instead of being queued. Returns the starts that created their execution.
 */
export async function storeAccepted(
  tx: Sql,
  events: StoredEvent[],
  deliveries: NewDelivery[],
): Promise<NewExecution[]> {
  await insertEvents(tx, events);
  const started: NewExecution[] = [];
  const queued: NewDelivery[] = [];
  for (const delivery of deliveries) {
    if (delivery.start) {
      // In its own savepoint: a start that fails (over its team's quota) leaves nothing and
      // is queued instead, the rest of the transaction kept. An execution of that name
      // exists: the delivery started it before (its name is per event, rule and target), as
      // the delivery loop counts it too.
      await tx.run("SAVEPOINT delivery_start");
      try {
        const { created } = await insertExecution(tx, delivery.start);
        await tx.run("RELEASE SAVEPOINT delivery_start");
        if (created) started.push(delivery.start);
        continue;
      } catch {
        await tx.run("ROLLBACK TO SAVEPOINT delivery_start");
        await tx.run("RELEASE SAVEPOINT delivery_start");
      }
    }
    queued.push(delivery);
  }
  await insertDeliveries(tx, queued);
  return started;
}

const JOINED = (table: string) =>
  `SELECT d.*, e.bus AS event_bus, e.envelope, e.ingested_at FROM ${table} d
   JOIN events e ON e.id = d.event_id`;

/** The delivery, dead letter and schedule operations of the PostgreSQL store. */
export function postgresDeliveryStore(db: PostgresDatabase) {
  return {
    // Compare-and-set on the rule's next fire time: of two nodes firing the same occurrence,
    // the second's UPDATE waits for the first to commit, then matches nothing.
    recordScheduledFire: (
      bus: string,
      rule: string,
      expectedAt: number,
      nextAt: number | undefined,
      event: StoredEvent,
      deliveries: NewDelivery[],
    ) =>
      db.transaction(async (tx) => {
        const moved = await tx.run(
          "UPDATE event_rules SET next_fire_at = $1 WHERE bus = $2 AND name = $3 AND next_fire_at = $4",
          [nextAt ?? null, bus, rule, expectedAt],
        );
        if (moved === 0) return false;
        await insertEvents(tx, [event]);
        await insertDeliveries(tx, deliveries);
        return true;
      }),
    async dueScheduledRules(now: number) {
      const rows = await db.rows(
        `SELECT * FROM event_rules WHERE next_fire_at IS NOT NULL AND next_fire_at <= $1
           AND state = 'ENABLED' ORDER BY next_fire_at, bus, name`,
        [now],
      );
      return rows.map(ruleFromRow);
    },
    async nextScheduledFireAt() {
      const row = await db.row<{ at: number | null }>(
        "SELECT MIN(next_fire_at) AS at FROM event_rules WHERE next_fire_at IS NOT NULL AND state = 'ENABLED'",
      );
      return row?.at ?? undefined;
    },
    // SKIP LOCKED passes over rows another node is leasing right now; a row another node has
    // just leased and committed is re-checked against its new lease and skipped.
    async claimDeliveries(owner: string, now: number, leaseMs: number, limit: number) {
      const rows = await db.rows(
        `WITH due AS (
           SELECT d.id FROM event_deliveries d JOIN events e ON e.id = d.event_id
           WHERE d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR d.lease_until <= $1)
           ORDER BY d.next_attempt_at, d.id LIMIT $2
           FOR UPDATE OF d SKIP LOCKED)
         UPDATE event_deliveries d SET lease_owner = $3, lease_until = $4
         FROM due, events e WHERE d.id = due.id AND e.id = d.event_id
         RETURNING d.*, e.bus AS event_bus, e.envelope, e.ingested_at`,
        [now, limit, owner, now + leaseMs],
      );
      rows.sort(
        (a, b) =>
          (a.next_attempt_at as number) - (b.next_attempt_at as number) ||
          (a.id as number) - (b.id as number),
      );
      return rows.map(deliveryFromRow);
    },
    async settleDelivery(id: number, outcome: DeliveryOutcome, now: number) {
      if (outcome.kind === "delivered") {
        await db.run("DELETE FROM event_deliveries WHERE id = $1", [id]);
        return;
      }
      if (outcome.kind === "retry") {
        await db.run(
          `UPDATE event_deliveries SET attempts = attempts + 1, next_attempt_at = $1,
             last_error = $2, lease_owner = NULL, lease_until = NULL WHERE id = $3`,
          [outcome.at, outcome.error, id],
        );
        return;
      }
      // One statement: the row moves to the dead letters whole, or not at all when gone.
      await db.run(
        `WITH gone AS (DELETE FROM event_deliveries WHERE id = $1 RETURNING *)
         INSERT INTO event_dead_letters (event_id, bus, rule, rule_arn, target, attempts,
           error_code, error_message, failed_at)
         SELECT event_id, bus, rule, rule_arn, target, attempts + 1, $2::text, $3::text, $4::bigint
         FROM gone`,
        [id, outcome.errorCode, outcome.errorMessage, now],
      );
    },
    async nextDeliveryAt() {
      const row = await db.row<{ at: number | null }>(
        "SELECT MIN(GREATEST(next_attempt_at, COALESCE(lease_until, 0))) AS at FROM event_deliveries",
      );
      return row?.at ?? undefined;
    },
    // Only this node's previous process's leases: other nodes hold live ones in this table.
    async recoverDeliveryLeases(ownerPrefix: string) {
      await db.run(
        `UPDATE event_deliveries SET lease_owner = NULL, lease_until = NULL
         WHERE lease_until IS NOT NULL AND starts_with(lease_owner, $1)`,
        [ownerPrefix],
      );
    },
    // Oldest first; a batch another node is pruning at the same moment is skipped.
    pruneEvents: (before: number, limit: number) =>
      db.run(
        `DELETE FROM events WHERE seq IN (
           SELECT e.seq FROM events e WHERE e.ingested_at < $1
             AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = e.id)
             AND NOT EXISTS (SELECT 1 FROM event_dead_letters x WHERE x.event_id = e.id)
           ORDER BY e.ingested_at, e.seq LIMIT $2
           FOR UPDATE SKIP LOCKED)`,
        [before, limit],
      ),
    async listDeadLetters(
      filter: { eventBusName?: string; ruleName?: string; deadLetterArn?: string },
      page: PageRequest,
    ) {
      const after = page.nextToken ? decodePageToken(page.nextToken, isIdKey) : 0;
      const rows = await db.rows(
        `${JOINED("event_dead_letters")}
         WHERE ($1::text IS NULL OR d.bus = $1) AND ($2::text IS NULL OR d.rule = $2)
           AND ($3::text IS NULL OR d.target::json #>> '{DeadLetterConfig,Arn}' = $3)
           AND d.id > $4
         ORDER BY d.id LIMIT $5`,
        [
          filter.eventBusName ?? null,
          filter.ruleName ?? null,
          filter.deadLetterArn ?? null,
          after,
          page.limit + 1,
        ],
      );
      return pageOf(rows.map(deadLetterFromRow), page.limit, (last) => last.id);
    },
    // One statement: each dead letter moves once, even when two nodes redrive it together.
    redriveDeadLetters: (ids: number[], now: number) =>
      db.run(
        `WITH gone AS (DELETE FROM event_dead_letters WHERE id = ANY($1::bigint[]) RETURNING *)
         INSERT INTO event_deliveries (event_id, bus, rule, rule_arn, target, age_from, next_attempt_at)
         SELECT event_id, bus, rule, rule_arn, target, $2::bigint, $2::bigint FROM gone
         ORDER BY array_position($1::bigint[], gone.id)`,
        [ids, now],
      ),
  } satisfies Pick<
    EventStore,
    | "recordScheduledFire"
    | "dueScheduledRules"
    | "nextScheduledFireAt"
    | "claimDeliveries"
    | "settleDelivery"
    | "nextDeliveryAt"
    | "recoverDeliveryLeases"
    | "pruneEvents"
    | "listDeadLetters"
    | "redriveDeadLetters"
  >;
}
