/**
 * The reason a timer is cancelled with. Aborting without one makes a DOMException, whose stack
 * trace costs more than the rest of a sleep; loops that are woken for every event pay it often.
 */
const WOKEN = Symbol("woken");

/** A one-shot alarm the loops sleep on: woken early when new work arrives. */
export class Wakeup {
  private pending: (() => void) | undefined;
  private signalled = false;

  /** Wakes the sleeper now (or the next one, if nobody sleeps). */
  ring(): void {
    this.signalled = true;
    this.pending?.();
  }

  /** Resolves when rung, or when `wait` resolves (a timer), whichever is first. */
  async sleep(wait: (signal: AbortSignal) => Promise<void>): Promise<void> {
    if (this.signalled) {
      this.signalled = false;
      return;
    }
    const controller = new AbortController();
    await new Promise<void>((resolve) => {
      this.pending = resolve;
      wait(controller.signal).then(resolve, resolve);
    });
    this.pending = undefined;
    this.signalled = false;
    controller.abort(WOKEN);
  }
}
