/**
 * Reconnect back-off with full jitter: the n-th wait is uniform in [0, min(cap, base·2ⁿ)), so
 * a thousand agents that lost their server at once come back spread over the window instead
 * of all together.
 */

/** How long to wait, ms. `random` is in [0, 1). */
export function fullJitterDelayMs(
  attempt: number,
  random: () => number,
  baseMs: number,
  capMs: number,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 52));
  return Math.floor(random() * ceiling);
}

/** Waits `ms` (rejecting when `signal` aborts). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface BackoffSettings {
  /** First window, ms (1 s unless given). */
  baseMs?: number;
  /** Largest window, ms (60 s unless given). */
  capMs?: number;
  random: () => number;
  sleep: Sleep;
}

/** Successive failures wait longer (with jitter); a success resets. */
export class Backoff {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly capMs: number;

  constructor(private readonly settings: BackoffSettings) {
    this.baseMs = settings.baseMs ?? 1000;
    this.capMs = settings.capMs ?? 60_000;
  }

  /** Sleeps the next delay and resolves to it (ms). */
  async wait(signal?: AbortSignal): Promise<number> {
    const delay = fullJitterDelayMs(this.attempt, this.settings.random, this.baseMs, this.capMs);
    this.attempt += 1;
    await this.settings.sleep(delay, signal);
    return delay;
  }

  /** After a success: the next failure starts from the first window again. */
  reset(): void {
    this.attempt = 0;
  }

  /** Failures in a row so far. */
  get failures(): number {
    return this.attempt;
  }
}
