/**
 * Publishing the status outbox: the status change events the store wrote with the changes
 * (status-events.ts says which and why) go through the bus's normal ingestion — rules,
 * deliveries, archives — under the id each was given, and leave the outbox in the transaction
 * that accepts them. A crash before that transaction leaves the row, published at the next
 * start under the same id; once it committed, the row is gone and nothing publishes it again.
 *
 * The loop runs at start (what a crash left behind) and whenever a status change is committed,
 * and looks again every `intervalMs` in case a wake-up was missed.
 */
import type { Clock } from "../../kernel/clock.js";
import { PollLoop } from "../../kernel/poll-loop.js";
import type { EventStore, StatusEventRecord } from "../../store/events-port.js";
import type { EnvelopeContext, PutEventsRequestEntry } from "../envelope.js";
import type { ArchiveRegistry } from "./archive-registry.js";
import { type IngestPlan, planIngestion } from "./ingest.js";
import type { RuleRegistry } from "./registry.js";

/** Options of the status outbox loop. */
export interface StatusOutboxOptions {
  store: EventStore;
  clock: Clock;
  log: (message: string) => void;
  /** Publishes a batch (the bus's ingestion; it removes them from the outbox). */
  publish: (events: StatusEventRecord[]) => Promise<void>;
  /** Events published per transaction. */
  batchSize?: number;
  /** Time between looks when not woken. */
  intervalMs?: number;
  /**
   * Publishes an event only once it is this old. Zero in service; crash tests set it to stop
   * the server between a status change and its publication.
   */
  delayMs?: number;
}

/** Publishes the status outbox. */
export class StatusOutboxLoop extends PollLoop {
  constructor(private readonly options: StatusOutboxOptions) {
    super({
      clock: options.clock,
      name: "status outbox",
      log: options.log,
      maxSleepMs: options.intervalMs ?? 5_000,
    });
  }

  /** A full batch published means more may be waiting: the loop goes on after yielding. */
  protected async round(): Promise<boolean> {
    return (await this.publishDue()) === (this.options.batchSize ?? 100);
  }

  /** Publishes one batch of due outbox events now; returns how many. */
  async publishDue(): Promise<number> {
    const { store, clock } = this.options;
    const pending = await store.pendingStatusEvents(this.options.batchSize ?? 100);
    const before = clock.now() - (this.options.delayMs ?? 0);
    // Oldest first: the first one still held back holds back those after it (order is kept).
    const held = pending.findIndex((event) => event.createdAt > before);
    const due = held === -1 ? pending : pending.slice(0, held);
    if (due.length > 0) await this.options.publish(due);
    return due.length;
  }
}

/**
 * Plans the ingestion of outbox events, each under its own id. Only events some rule or
 * archive takes are stored (as PutEvents with `matchedOnly`). An entry the bus refuses (over
 * PutEvents' size limit, say) is logged and left out: it could never be published, and its
 * outbox row still goes, so it cannot block those after it.
 */
export function planStatusEvents(
  events: StatusEventRecord[],
  registry: RuleRegistry,
  context: EnvelopeContext,
  archives: ArchiveRegistry,
  log: (message: string) => void,
): IngestPlan {
  const plan: IngestPlan = {
    events: [],
    deliveries: [],
    archived: [],
    result: { FailedEntryCount: 0, Entries: [] },
  };
  for (const event of events) {
    let one: IngestPlan;
    try {
      const entry = JSON.parse(event.entry) as PutEventsRequestEntry;
      const own = { ...context, newId: () => event.id };
      one = planIngestion([entry], registry, own, { matchedOnly: true }, archives);
    } catch (error) {
      log(`status event ${event.id} not published: ${(error as Error).message}`);
      continue;
    }
    for (const answer of one.result.Entries)
      if ("ErrorCode" in answer)
        log(`status event ${event.id} not published: ${answer.ErrorCode}: ${answer.ErrorMessage}`);
    plan.events.push(...one.events);
    plan.deliveries.push(...one.deliveries);
    plan.archived.push(...one.archived);
    plan.result.Entries.push(...one.result.Entries);
    plan.result.FailedEntryCount += one.result.FailedEntryCount;
  }
  return plan;
}
