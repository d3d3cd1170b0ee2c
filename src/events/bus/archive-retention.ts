/**
 * Archive retention: archived events older than their archive's RetentionDays are purged, at
 * start and then every `intervalMs` of the injected clock (tests fast-forward it).
 */
import type { Clock } from "../../kernel/clock.js";
import { PollLoop } from "../../kernel/poll-loop.js";
import type { EventStore } from "../../store/events-port.js";

/** Options of the retention loop. */
export interface RetentionLoopOptions {
  store: EventStore;
  clock: Clock;
  log: (message: string) => void;
  /** Time between purges; a minute by default (a purge is one indexed delete per archive). */
  intervalMs?: number;
}

/** Purges expired archived events. */
export class ArchiveRetentionLoop extends PollLoop {
  constructor(private readonly options: RetentionLoopOptions) {
    super({
      clock: options.clock,
      name: "archive retention",
      log: options.log,
      maxSleepMs: options.intervalMs ?? 60_000,
    });
  }

  protected round(): Promise<number> {
    return this.purge();
  }

  /** Purges now; returns how many archived events went. */
  purge(): Promise<number> {
    return this.options.store.purgeExpiredArchiveEvents(this.options.clock.now());
  }
}
