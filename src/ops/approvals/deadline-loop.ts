/**
 * The deadline loop: durable timers of approval requests. Deadlines live in the store, so a
 * restart loses none; the loop sleeps on the injected clock until the earliest one (at most a
 * second, in case another process added one) and applies those that are due.
 */
import type { Clock } from "../../kernel/clock.js";
import { PollLoop } from "../../kernel/poll-loop.js";
import type { OpsStore } from "../../store/ops-port.js";

/** Applies approval deadlines when they come (`apply` applies those due, and counts them). */
export class DeadlineLoop extends PollLoop {
  constructor(
    private readonly store: OpsStore,
    clock: Clock,
    private readonly apply: () => Promise<number>,
    log: (message: string) => void,
  ) {
    super({ clock, name: "approval deadlines", log });
  }

  protected round(): Promise<number> {
    return this.apply();
  }

  protected override nextDueAt(): Promise<number | undefined> {
    return this.store.nextApprovalDeadline();
  }
}
