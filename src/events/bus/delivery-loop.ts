/**
 * The delivery loop: leases due deliveries from the store, delivers them concurrently and
 * records each outcome (done, retry with back-off, dead letter). Leases make a crash safe:
 * a delivery in flight when the process died is claimed again at the next start.
 */

import { ClaimLoop } from "../../kernel/claim-loop.js";
import type { Clock } from "../../kernel/clock.js";
import type { DeliveryRecord, EventStore } from "../../store/events-port.js";
import { type DeliveryPorts, deliverOnce } from "./deliver.js";
import { type BackoffOptions, DEFAULT_BACKOFF, failureOutcome } from "./retry.js";

/** Options of the delivery loop. */
export interface DeliveryLoopOptions {
  store: EventStore;
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
  private readonly loop: ClaimLoop<DeliveryRecord>;

  constructor(private readonly options: DeliveryLoopOptions) {
    const { store, clock } = options;
    this.loop = new ClaimLoop({
      clock,
      name: "delivery loop",
      concurrency: options.concurrency ?? 64,
      claim: (now, limit) =>
        store.claimDeliveries(options.owner, now, options.leaseMs ?? 60_000, limit),
      nextDueAt: () => store.nextDeliveryAt(),
      work: (delivery) => this.attempt(delivery),
      log: options.log,
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Stops claiming and waits for the attempts in flight. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** New deliveries were stored. */
  wake(): void {
    this.loop.wake();
  }

  private async attempt(delivery: DeliveryRecord): Promise<void> {
    const { store, clock, ports } = this.options;
    let outcome: Parameters<EventStore["settleDelivery"]>[1];
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
  }
}
