/**
 * Long polls waiting for work: each connected agent's poll waits here until something is new
 * for its node (an invocation released to it, a cancellation) or its time is up. Changes made
 * on this server node wake the waiters directly; changes on other nodes arrive through the
 * store's `onFleetWork` (PostgreSQL LISTEN). A poll subscribes before it looks in the store,
 * so a wake-up between its look and its wait is not lost. A waiter costs one closure.
 */

/** One poll's subscription: `woken` resolves at the first wake-up after it was taken. */
export interface Subscription {
  woken: Promise<void>;
  /** Ends the subscription (always call it, woken or not). */
  close(): void;
}

/** The waiting polls of this server node, by node id. */
export class DeliveryHub {
  private readonly waiters = new Map<string, Set<() => void>>();
  private closing = false;

  /** True once the server is stopping: polls answer at once. */
  get closed(): boolean {
    return this.closing;
  }

  /** Answers every waiting poll now, and every later one at once (the server is stopping). */
  close(): void {
    this.closing = true;
    for (const set of this.waiters.values()) for (const wake of set) wake();
  }

  /** Subscribes a poll of `instanceId` to its node's wake-ups. */
  subscribe(instanceId: string): Subscription {
    // The executor runs at once, so `wake` is assigned before it is used.
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const set = this.waiters.get(instanceId) ?? new Set();
    this.waiters.set(instanceId, set);
    set.add(wake);
    if (this.closing) wake();
    return {
      woken,
      close: () => {
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(instanceId) === set) this.waiters.delete(instanceId);
      },
    };
  }

  /** Something is new for these nodes: their subscribed polls are woken. */
  wake(instanceIds: Iterable<string>): void {
    for (const id of instanceIds) for (const wake of this.waiters.get(id) ?? []) wake();
  }

  /** How many polls are subscribed now. */
  get waiting(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }
}
