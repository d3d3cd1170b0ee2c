/**
 * Retention of accepted events: an event's row is kept while a delivery of it is pending,
 * retrying or leased, or a dead letter holds it (listing and redriving read the event), and is
 * deleted once it is older than the retention period and nothing needs it any more. Archives
 * and replays keep their own copies of envelopes, so they never need these rows.
 *
 * The loop deletes in small batches, each its own short transaction, and goes straight on to
 * the next while batches come back full (yielding to requests in between); then it sleeps on
 * the injected clock for `intervalMs` (tests fast-forward it).
 */
import type { Clock } from "../../kernel/clock.js";
import { PollLoop } from "../../kernel/poll-loop.js";
import type { EventStore } from "../../store/events-port.js";

/** How long finished events are kept unless configured: a day, for looking into recent work. */
export const DEFAULT_EVENT_RETENTION_MS = 86_400_000;

/** Options of the event retention loop. */
export interface EventRetentionOptions {
  store: EventStore;
  clock: Clock;
  log: (message: string) => void;
  /** How long an event is kept after its ingestion (once nothing needs it). */
  retentionMs?: number;
  /** Events deleted per transaction. */
  batchSize?: number;
  /** Time between sweeps once nothing is left to delete. */
  intervalMs?: number;
}

/** Deletes old events that no delivery or dead letter needs. */
export class EventRetentionLoop extends PollLoop {
  constructor(private readonly options: EventRetentionOptions) {
    super({
      clock: options.clock,
      name: "event retention",
      log: options.log,
      maxSleepMs: options.intervalMs ?? 60_000,
    });
  }

  /** A full batch means more may be waiting: the loop goes on after yielding. */
  protected async round(): Promise<boolean> {
    const size = this.options.batchSize ?? 500;
    return (await this.prune()) === size;
  }

  /** Deletes one batch now; returns how many events went. */
  prune(): Promise<number> {
    const { store, clock } = this.options;
    const retention = this.options.retentionMs ?? DEFAULT_EVENT_RETENTION_MS;
    return store.pruneEvents(clock.now() - retention, this.options.batchSize ?? 500);
  }
}
