/**
 * The deadline loop: durable timers of approval requests. Deadlines live in the store, so a
 * restart loses none; the loop sleeps on the injected clock until the earliest one (at most a
 * second, in case another process added one) and applies those that are due.
 */
import type { Clock } from "../../runtime/clock.js";
import { PollLoop } from "../../runtime/poll-loop.js";
import type { Store } from "../../store/port.js";
import type { ApprovalService } from "./service.js";

/** Applies approval deadlines when they come. */
export class DeadlineLoop extends PollLoop {
  constructor(
    private readonly store: Store,
    clock: Clock,
    private readonly approvals: ApprovalService,
    log: (message: string) => void,
  ) {
    super({ clock, name: "approval deadlines", log });
  }

  protected round(): Promise<number> {
    return this.approvals.applyDeadlines();
  }

  protected override nextDueAt(): Promise<number | undefined> {
    return this.store.nextApprovalDeadline();
  }
}
