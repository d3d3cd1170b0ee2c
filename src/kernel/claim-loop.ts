/**
 * The loop every queue worker runs: lease due items from the store up to a concurrency limit,
 * work on each without waiting for the others, and sleep until the next item is due or
 * someone rings. Used by task dispatch, event deliveries and notification deliveries.
 */
import type { Clock } from "./clock.js";
import { PollLoop } from "./poll-loop.js";

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
export class ClaimLoop<T> extends PollLoop {
  private inFlight = 0;
  private readonly idle: (() => void)[] = [];

  constructor(private readonly options: ClaimLoopOptions<T>) {
    super({ clock: options.clock, name: options.name, log: (message) => options.log(message) });
  }

  /** Stops claiming and (unless told not to) waits for the items in flight. */
  override async stop(): Promise<void> {
    await super.stop();
    if (this.options.drainOnStop === false) return;
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** Claims what the free slots allow and starts on it; true when every slot was filled. */
  protected async round(): Promise<boolean> {
    const free = this.options.concurrency - this.inFlight;
    if (free <= 0) return false;
    const claimed = await this.options.claim(this.options.clock.now(), free);
    for (const item of claimed) void this.run(item);
    return claimed.length > 0 && claimed.length === free;
  }

  protected override async nextDueAt(): Promise<number | undefined> {
    return this.options.nextDueAt?.();
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
      this.wake();
    }
  }
}
