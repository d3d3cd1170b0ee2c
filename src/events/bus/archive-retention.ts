/**
 * Archive retention: archived events older than their archive's RetentionDays are purged, at
 * start and then every `intervalMs` of the injected clock (tests fast-forward it).
 */
import type { Clock } from "../../runtime/clock.js";
import { Wakeup } from "../../runtime/durable/wakeup.js";
import type { Store } from "../../store/port.js";

/** Options of the retention loop. */
export interface RetentionLoopOptions {
  store: Store;
  clock: Clock;
  log: (message: string) => void;
  /** Time between purges; a minute by default (a purge is one indexed delete per archive). */
  intervalMs?: number;
}

/** Purges expired archived events. */
export class ArchiveRetentionLoop {
  private readonly stopping = new Wakeup();
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: RetentionLoopOptions) {}

  start(): void {
    this.stopped = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.ring();
    await this.running;
  }

  /** Purges now; returns how many archived events went. */
  purge(): Promise<number> {
    return this.options.store.purgeExpiredArchiveEvents(this.options.clock.now());
  }

  private async loop(): Promise<void> {
    const { clock } = this.options;
    const interval = this.options.intervalMs ?? 60_000;
    while (!this.stopped) {
      try {
        await this.purge();
      } catch (error) {
        this.options.log(`archive retention: ${(error as Error).stack ?? error}`);
      }
      const until = clock.now() + interval;
      await this.stopping.sleep((signal) => clock.sleepUntil(until, signal));
    }
  }
}
