/** Accepted events, the delivery queue, dead letters and scheduled fires. */
import type Database from "better-sqlite3";
import type {
  DeadLetterRecord,
  DeliveryOutcome,
  DeliveryRecord,
  EventRuleRecord,
  NewDelivery,
  StoredEvent,
} from "../../events-port.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, pageOf } from "../../paging.js";
import { deadLetterFromRow, deliveryFromRow, ruleFromRow } from "../../rows/events.js";
import type { ExecutionRecord, NewExecution } from "../../workflows-port.js";

type Row = Record<string, unknown>;

const isIdKey = (value: unknown): value is number => typeof value === "number";

const INSERT_DELIVERY = `INSERT INTO event_deliveries (event_id, bus, rule, rule_arn, target, age_from, next_attempt_at)
  VALUES (?, ?, ?, ?, ?, ?, ?)`;

/** Stores deliveries owed, each due at once (ingestion, schedules and replays all owe them). */
export function deliveryInserter(db: Database.Database): (deliveries: NewDelivery[]) => void {
  const insert = db.prepare(INSERT_DELIVERY);
  return (deliveries) => {
    for (const d of deliveries)
      insert.run(
        d.eventId,
        d.eventBusName,
        d.ruleName,
        d.ruleArn,
        JSON.stringify(d.target),
        d.at,
        d.at,
      );
  };
}

/** The delivery operations of the SQLite store. */
export function eventDeliveryQueries(
  db: Database.Database,
  startExecution: (execution: NewExecution) => { record: ExecutionRecord; created: boolean },
) {
  const insertEvent = db.prepare(
    "INSERT INTO events (id, bus, envelope, ingested_at) VALUES (@id, @eventBusName, @envelope, @ingestedAt)",
  );
  const insertDelivery = db.prepare(INSERT_DELIVERY);
  const enqueue = deliveryInserter(db);
  const advanceSchedule = db.prepare(
    "UPDATE event_rules SET next_fire_at = ? WHERE bus = ? AND name = ? AND next_fire_at = ?",
  );
  const dueRules = db.prepare(
    `SELECT * FROM event_rules WHERE next_fire_at IS NOT NULL AND next_fire_at <= ? AND state = 'ENABLED'
     ORDER BY next_fire_at`,
  );
  const nextFire = db.prepare(
    "SELECT MIN(next_fire_at) AS at FROM event_rules WHERE next_fire_at IS NOT NULL AND state = 'ENABLED'",
  );
  const JOINED = `SELECT d.*, e.bus AS event_bus, e.envelope, e.ingested_at FROM %T d
    JOIN events e ON e.id = d.event_id`;
  const due = db.prepare(
    `${JOINED.replace("%T", "event_deliveries")} WHERE d.next_attempt_at <= ?
       AND (d.lease_until IS NULL OR d.lease_until <= ?) ORDER BY d.next_attempt_at LIMIT ?`,
  );
  const lease = db.prepare(
    "UPDATE event_deliveries SET lease_owner = ?, lease_until = ? WHERE id = ?",
  );
  const getDelivery = db.prepare("SELECT * FROM event_deliveries WHERE id = ?");
  const removeDelivery = db.prepare("DELETE FROM event_deliveries WHERE id = ?");
  const retry = db.prepare(
    `UPDATE event_deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?,
       lease_owner = NULL, lease_until = NULL WHERE id = ?`,
  );
  const insertDead = db.prepare(
    `INSERT INTO event_dead_letters (event_id, bus, rule, rule_arn, target, attempts, error_code,
       error_message, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const nextDue = db.prepare(
    "SELECT MIN(MAX(next_attempt_at, COALESCE(lease_until, 0))) AS at FROM event_deliveries",
  );
  const recover = db.prepare(
    "UPDATE event_deliveries SET lease_owner = NULL, lease_until = NULL WHERE lease_until IS NOT NULL",
  );
  const listDead = db.prepare(
    `${JOINED.replace("%T", "event_dead_letters")}
     WHERE (@bus IS NULL OR d.bus = @bus) AND (@rule IS NULL OR d.rule = @rule)
       AND (@dlq IS NULL OR json_extract(d.target, '$.DeadLetterConfig.Arn') = @dlq) AND d.id > @after
     ORDER BY d.id LIMIT @limit`,
  );
  const getDead = db.prepare("SELECT * FROM event_dead_letters WHERE id = ?");
  // Oldest first over events_by_age; each candidate is one probe of the deliveries and dead
  // letters by event (indexes of migration 015), so a batch costs `limit` probes plus the
  // old events still held.
  const prune = db.prepare(
    `DELETE FROM events WHERE id IN (
       SELECT e.id FROM events e WHERE e.ingested_at < ?
         AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = e.id)
         AND NOT EXISTS (SELECT 1 FROM event_dead_letters x WHERE x.event_id = e.id)
       ORDER BY e.ingested_at LIMIT ?)`,
  );
  const removeDead = db.prepare("DELETE FROM event_dead_letters WHERE id = ?");

  const claim = db.transaction(
    (owner: string, now: number, leaseMs: number, limit: number): DeliveryRecord[] => {
      const rows = due.all(now, now, limit) as Row[];
      for (const row of rows) lease.run(owner, now + leaseMs, row.id);
      return rows.map(deliveryFromRow);
    },
  );
  /** The connection's `synchronous` level (2 = FULL). */
  const durable = db.pragma("synchronous", { simple: true }) as number;

  return {
    /** Stores events and their deliveries; returns the deliveries' starts that created their execution. */
    acceptEvents(events: StoredEvent[], deliveries: NewDelivery[]): NewExecution[] {
      for (const event of events) insertEvent.run(event);
      const started: NewExecution[] = [];
      const queued: NewDelivery[] = [];
      for (const delivery of deliveries) {
        if (delivery.start) {
          try {
            // In its own savepoint: a start that fails leaves nothing and is queued instead.
            // An execution of that name exists: the delivery started it before (its name is
            // per event, rule and target), as the delivery loop counts it too.
            if (startExecution(delivery.start).created) started.push(delivery.start);
            continue;
          } catch {}
        }
        queued.push(delivery);
      }
      enqueue(queued);
      return started;
    },
    recordScheduledFire: db.transaction(
      (
        bus: string,
        rule: string,
        expectedAt: number,
        nextAt: number | undefined,
        event: StoredEvent,
        deliveries: NewDelivery[],
      ) => {
        if (advanceSchedule.run(nextAt ?? null, bus, rule, expectedAt).changes === 0) return false;
        insertEvent.run(event);
        enqueue(deliveries);
        return true;
      },
    ),
    dueScheduledRules: (now: number): EventRuleRecord[] =>
      (dueRules.all(now) as Row[]).map(ruleFromRow),
    nextScheduledFireAt: () => (nextFire.get() as { at: number | null }).at ?? undefined,
    claimDeliveries(owner: string, now: number, leaseMs: number, limit: number) {
      // A lease need not reach the disk before its delivery starts: leases are forgotten at
      // start-up anyway (recoverDeliveryLeases), so the claim commits without an fsync of its
      // own (the next durable commit syncs the WAL it sits in). That takes one fsync off the
      // PutEvents → target path; accepted events and deliveries stay fully durable.
      if (durable < 2 || db.inTransaction) return claim(owner, now, leaseMs, limit);
      db.pragma("synchronous = NORMAL");
      try {
        return claim(owner, now, leaseMs, limit);
      } finally {
        db.pragma(`synchronous = ${durable}`);
      }
    },
    settleDelivery(id: number, outcome: DeliveryOutcome, now: number) {
      if (outcome.kind === "delivered") {
        removeDelivery.run(id);
        return;
      }
      if (outcome.kind === "retry") {
        retry.run(outcome.at, outcome.error, id);
        return;
      }
      const row = getDelivery.get(id) as Row | undefined;
      if (!row) return;
      insertDead.run(
        row.event_id,
        row.bus,
        row.rule,
        row.rule_arn,
        row.target,
        (row.attempts as number) + 1,
        outcome.errorCode,
        outcome.errorMessage,
        now,
      );
      removeDelivery.run(id);
    },
    nextDeliveryAt: () => (nextDue.get() as { at: number | null }).at ?? undefined,
    recoverDeliveryLeases: () => {
      recover.run();
    },
    pruneEvents: (before: number, limit: number) => prune.run(before, limit).changes,
    listDeadLetters(
      filter: { eventBusName?: string; ruleName?: string; deadLetterArn?: string },
      page: PageRequest,
    ): Page<DeadLetterRecord> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isIdKey) : 0;
      const rows = listDead.all({
        bus: filter.eventBusName ?? null,
        rule: filter.ruleName ?? null,
        dlq: filter.deadLetterArn ?? null,
        after,
        limit: page.limit + 1,
      }) as Row[];
      return pageOf(rows.map(deadLetterFromRow), page.limit, (last) => last.id);
    },
    redriveDeadLetters: db.transaction((ids: number[], now: number) => {
      let moved = 0;
      for (const id of ids) {
        const row = getDead.get(id) as Row | undefined;
        if (!row) continue;
        insertDelivery.run(row.event_id, row.bus, row.rule, row.rule_arn, row.target, now, now);
        removeDead.run(id);
        moved++;
      }
      return moved;
    }),
  };
}
