/**
 * The loop every queue worker runs: lease due items from the store up to a concurrency limit,
 * work on each without waiting for the others, and sleep until the next item is due or
 * someone rings. Used by task dispatch, event deliveries and notification deliveries.
 */
import type { Clock } from "./clock.js";
import { Wakeup } from "./durable/wakeup.js";

/** What a claim loop does with its queue. */
export interface ClaimLoopOptions<T> {
  clock: Clock;
  /** Names the loop in log lines. */
  name: string;
  /** Items worked on at once. */
  concurrency: number;
  /** Leases up to `limit` items due at `now`. */
  claim(now: number, limit: number): Promise<T[]>;
  /** When the next item is due without outside help; undefined polls every second. */
  nextDueAt?(): Promise<number | undefined>;
  /**
   * Works on one item and records its outcome. A failure here is logged and the item's lease
   * expires, so it is tried again: at least once, never lost.
   */
  work(item: T): Promise<void>;
  log(message: string): void;
  /** Whether `stop` waits for the items in flight (default true). */
  drainOnStop?: boolean;
}

/** A queue worker over the store. */
export class ClaimLoop<T> {
  private readonly due = new Wakeup();
  private running: Promise<void> | undefined;
  private stopped = true;
  private inFlight = 0;
  private readonly idle: (() => void)[] = [];

  constructor(private readonly options: ClaimLoopOptions<T>) {}

  start(): void {
    this.stopped = false;
    this.running = this.loop();
  }

  /** Stops claiming and (unless told not to) waits for the items in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.due.ring();
    await this.running;
    if (this.options.drainOnStop === false) return;
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** New items were stored (or a slot became free). */
  wake(): void {
    this.due.ring();
  }

  private async loop(): Promise<void> {
    const { clock, concurrency } = this.options;
    while (!this.stopped) {
      const free = concurrency - this.inFlight;
      let claimed: T[] = [];
      if (free > 0) {
        try {
          claimed = await this.options.claim(clock.now(), free);
        } catch (error) {
          this.options.log(`${this.options.name}: ${(error as Error).stack ?? error}`);
        }
      }
      for (const item of claimed) void this.run(item);
      if (claimed.length > 0 && claimed.length === free) {
        // Let I/O callbacks run before claiming more: the store answers at once.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const next = await this.options.nextDueAt?.().catch(() => undefined);
      const until = Math.min(next ?? Number.POSITIVE_INFINITY, clock.now() + 1000);
      await this.due.sleep((signal) => clock.sleepUntil(until, signal));
    }
  }

  private async run(item: T): Promise<void> {
    this.inFlight++;
    try {
      await this.options.work(item);
    } catch (error) {
      this.options.log(`${this.options.name}: ${(error as Error).stack ?? error}`);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
      this.due.ring();
    }
  }
}
