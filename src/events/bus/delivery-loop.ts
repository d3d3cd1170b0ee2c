/**
 * The delivery loop: leases due deliveries from the store, delivers them concurrently and
 * records each outcome (done, retry with back-off, dead letter). Leases make a crash safe:
 * a delivery in flight when the process died is claimed again at the next start.
 */
import type { Clock } from "../../runtime/clock.js";
import { Wakeup } from "../../runtime/durable/wakeup.js";
import type { DeliveryRecord } from "../../store/events-port.js";
import type { Store } from "../../store/port.js";
import { type DeliveryPorts, deliverOnce } from "./deliver.js";
import { type BackoffOptions, DEFAULT_BACKOFF, failureOutcome } from "./retry.js";

/** Options of the delivery loop. */
export interface DeliveryLoopOptions {
  store: Store;
  clock: Clock;
  ports: DeliveryPorts;
  owner: string;
  concurrency?: number;
  leaseMs?: number;
  backoff?: BackoffOptions;
  log: (message: string) => void;
}

/** Delivers accepted events to their targets, at least once. */
export class DeliveryLoop {
  private readonly due = new Wakeup();
  private running: Promise<void> | undefined;
  private stopped = true;
  private inFlight = 0;
  private readonly idle: (() => void)[] = [];

  constructor(private readonly options: DeliveryLoopOptions) {}

  start(): void {
    this.stopped = false;
    this.running = this.loop();
  }

  /** Stops claiming and waits for the attempts in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.due.ring();
    await this.running;
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** New deliveries were stored. */
  wake(): void {
    this.due.ring();
  }

  private async loop(): Promise<void> {
    const { store, clock } = this.options;
    const limit = this.options.concurrency ?? 64;
    while (!this.stopped) {
      const free = limit - this.inFlight;
      let claimed: DeliveryRecord[] = [];
      if (free > 0) {
        try {
          claimed = await store.claimDeliveries(
            this.options.owner,
            clock.now(),
            this.options.leaseMs ?? 60_000,
            free,
          );
        } catch (error) {
          this.options.log(`delivery loop: ${(error as Error).stack ?? error}`);
        }
      }
      for (const delivery of claimed) void this.attempt(delivery);
      if (claimed.length > 0 && claimed.length === free) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const next = await store.nextDeliveryAt().catch(() => undefined);
      const until = Math.min(next ?? Number.POSITIVE_INFINITY, clock.now() + 1000);
      await this.due.sleep((signal) => clock.sleepUntil(until, signal));
    }
  }

  private async attempt(delivery: DeliveryRecord): Promise<void> {
    const { store, clock, ports } = this.options;
    this.inFlight++;
    try {
      let outcome: Parameters<Store["settleDelivery"]>[1];
      try {
        await deliverOnce(delivery, ports);
        outcome = { kind: "delivered" };
      } catch (error) {
        outcome = failureOutcome(
          delivery,
          error,
          clock.now(),
          this.options.backoff ?? DEFAULT_BACKOFF,
        );
      }
      await store.settleDelivery(delivery.id, outcome, clock.now());
    } catch (error) {
      // The lease expires and the delivery is tried again: at least once, never lost.
      this.options.log(`delivery ${delivery.id}: ${(error as Error).stack ?? error}`);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
      this.due.ring();
    }
  }
}
