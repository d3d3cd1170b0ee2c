/**
 * The deadline loop: durable timers of approval requests. Deadlines live in the store, so a
 * restart loses none; the loop sleeps on the injected clock until the earliest one (at most a
 * second, in case another process added one) and applies those that are due.
 */
import type { Clock } from "../../runtime/clock.js";
import { Wakeup } from "../../runtime/durable/wakeup.js";
import type { Store } from "../../store/port.js";
import type { ApprovalService } from "./service.js";

/** Applies approval deadlines when they come. */
export class DeadlineLoop {
  private readonly due = new Wakeup();
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly approvals: ApprovalService,
    private readonly log: (message: string) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.due.ring();
    await this.running;
  }

  /** A deadline was added or changed. */
  wake(): void {
    this.due.ring();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.approvals.applyDeadlines();
      } catch (error) {
        this.log(`approval deadlines: ${(error as Error).stack ?? error}`);
      }
      const next = await this.store.nextApprovalDeadline().catch(() => undefined);
      const until = Math.min(next ?? Number.POSITIVE_INFINITY, this.clock.now() + 1000);
      await this.due.sleep((signal) => this.clock.sleepUntil(until, signal));
    }
  }
}
