/**
 * Time for the runtimes. The language core never reads a clock; runtimes get one injected so
 * tests (and `opsflow run --fast-forward`) can skip waits instead of sleeping.
 */

/** A source of time and a way to wait for it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves once `now()` has reached `untilMs` (or rejects when the signal aborts). */
  sleepUntil(untilMs: number, signal?: AbortSignal): Promise<void>;
}

/** The machine's clock with real timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleepUntil(untilMs, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(done, Math.max(0, untilMs - Date.now()));
      function done() {
        signal?.removeEventListener("abort", abort);
        resolve();
      }
      function abort() {
        clearTimeout(timer);
        reject(signal?.reason);
      }
      signal?.addEventListener("abort", abort, { once: true });
    });
  },
};

interface Sleeper {
  untilMs: number;
  resolve(): void;
}

/**
 * A clock whose time jumps forward to the earliest pending timer whenever everything else is
 * idle (one event-loop turn), so waits cost no real time but keep their order.
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly sleepers: Sleeper[] = [];
  private pumping = false;

  constructor(startMs = Date.now()) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Moves time forward by `ms`, waking every sleeper that becomes due. */
  advance(ms: number): void {
    this.current += ms;
    this.wakeDue();
  }

  sleepUntil(untilMs: number, signal?: AbortSignal): Promise<void> {
    if (untilMs <= this.current) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper: Sleeper = { untilMs, resolve };
      signal?.addEventListener(
        "abort",
        () => {
          const index = this.sleepers.indexOf(sleeper);
          if (index >= 0) this.sleepers.splice(index, 1);
          reject(signal.reason);
        },
        { once: true },
      );
      this.sleepers.push(sleeper);
      this.sleepers.sort((a, b) => a.untilMs - b.untilMs);
      this.schedulePump();
    });
  }

  private schedulePump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      const first = this.sleepers[0];
      if (!first) return;
      this.current = Math.max(this.current, first.untilMs);
      this.wakeDue();
      if (this.sleepers.length > 0) this.schedulePump();
    });
  }

  private wakeDue(): void {
    while (this.sleepers.length > 0 && this.sleepers[0].untilMs <= this.current) {
      this.sleepers.shift()?.resolve();
    }
  }
}
