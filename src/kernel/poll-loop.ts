/**
 * The skeleton of opsflow's background loops: run a round of work, then sleep on the injected
 * clock until work is next due (at most `maxSleepMs`, in case another process added some) or
 * someone rings. A round that failed is logged and the loop goes on: the work is durable in
 * the store, so the next round tries it again.
 */
import type { Clock } from "./clock.js";
import { Wakeup } from "./wakeup.js";

/** How a poll loop runs. */
export interface PollLoopSettings {
  clock: Clock;
  /** Names the loop in log lines. */
  name: string;
  log(message: string): void;
  /** The longest sleep between rounds (a second unless given). */
  maxSleepMs?: number;
}

/** A background loop over durable work, woken early by `wake`. Subclasses say what a round is. */
export abstract class PollLoop {
  private readonly due = new Wakeup();
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly settings: PollLoopSettings) {}

  /**
   * One round of work. Answering `true` (exactly) says more is ready at once: the loop yields,
   * then goes on. Any other answer (a count, nothing) lets it sleep.
   */
  protected abstract round(): Promise<unknown>;

  /** When work is next due without outside help; undefined sleeps `maxSleepMs`. */
  protected async nextDueAt(): Promise<number | undefined> {
    return undefined;
  }

  start(): void {
    this.stopped = false;
    this.running = this.loop();
  }

  /** Stops after the round under way; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.due.ring();
    await this.running;
  }

  /** Work arrived (or changed): run a round now. */
  wake(): void {
    this.due.ring();
  }

  /** Whether the loop was started and told to stop: a long round should end early. */
  protected get stopping(): boolean {
    return this.stopped && this.running !== undefined;
  }

  private async loop(): Promise<void> {
    const { clock, name } = this.settings;
    while (!this.stopped) {
      let more = false;
      try {
        more = (await this.round()) === true;
      } catch (error) {
        this.settings.log(`${name}: ${(error as Error).stack ?? error}`);
      }
      if (more) {
        // Let requests and I/O callbacks in between rounds: the store answers at once.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const next = await this.nextDueAt().catch(() => undefined);
      const until = Math.min(
        next ?? Number.POSITIVE_INFINITY,
        clock.now() + (this.settings.maxSleepMs ?? 1000),
      );
      await this.due.sleep((signal) => clock.sleepUntil(until, signal));
    }
  }
}
