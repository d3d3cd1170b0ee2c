/**
 * The notification delivery loop: leases due deliveries from the store, sends them and records
 * each attempt (delivered; retried with exponential back-off; failed with the reason once the
 * error is permanent or the attempts are used up). Leases make a crash safe: a delivery in
 * flight when the process died is sent again at the next start (at least once).
 */

import { randomUUID } from "node:crypto";
import { ClaimLoop } from "../../kernel/claim-loop.js";
import type { Clock } from "../../kernel/clock.js";
import { openSecret } from "../../kernel/secret-box.js";
import type {
  NotificationDeliveryRecord,
  NotificationOutcome,
  OpsStore,
} from "../../store/ops-port.js";
import { SendError, type Sender } from "./senders.js";

/** Retry settings: `baseMs × 2^attempt` (±20% jitter), capped at `maxMs`, `maxAttempts` in all. */
export interface RetrySettings {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

/** About 30 minutes of retries before a delivery is recorded as failed. */
export const DEFAULT_RETRY: RetrySettings = { baseMs: 1000, maxMs: 5 * 60_000, maxAttempts: 12 };

/** Options of the loop. */
export interface NotificationLoopOptions {
  store: OpsStore;
  clock: Clock;
  sender: Sender;
  masterKey: Buffer;
  retry?: RetrySettings;
  concurrency?: number;
  log: (message: string) => void;
  /** The prefix of this process's lease owners (its node's; see the engine's). */
  leaseOwnerPrefix?: string;
}

/** The outcome to record after a failed attempt made at `now`. */
export function failedAttempt(
  delivery: NotificationDeliveryRecord,
  error: unknown,
  now: number,
  retry: RetrySettings,
): NotificationOutcome {
  const attempts = delivery.attempts + 1;
  const failure =
    error instanceof SendError ? error : new SendError((error as Error)?.message ?? "", true);
  const reason = `${failure.message} (attempt ${attempts})`;
  if (!failure.retryable) return { kind: "failed", error: reason };
  if (attempts >= retry.maxAttempts)
    return { kind: "failed", error: `${reason}; gave up after ${attempts} attempts` };
  const delay = Math.min(retry.maxMs, retry.baseMs * 2 ** delivery.attempts);
  return {
    kind: "retry",
    at: now + Math.round(delay * (0.8 + Math.random() * 0.4)),
    error: reason,
  };
}

/** Sends stored notification deliveries. */
export class NotificationLoop {
  private readonly loop: ClaimLoop<NotificationDeliveryRecord>;
  private readonly owner: string;

  constructor(private readonly options: NotificationLoopOptions) {
    const { store, clock } = options;
    this.owner = `${options.leaseOwnerPrefix ?? ""}notifications-${randomUUID()}`;
    this.loop = new ClaimLoop({
      clock,
      name: "notification loop",
      concurrency: options.concurrency ?? 32,
      claim: (now, limit) => store.claimNotificationDeliveries(this.owner, now, 120_000, limit),
      nextDueAt: () => store.nextNotificationDeliveryAt(),
      work: (delivery) => this.attempt(delivery),
      log: options.log,
    });
  }

  /** Recovers leases of a previous process and starts sending. */
  async start(): Promise<void> {
    await this.options.store.recoverNotificationLeases(this.options.leaseOwnerPrefix ?? "");
    this.loop.start();
  }

  /** Stops claiming and waits for the attempts in flight. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.options.sender.close();
  }

  /** New deliveries were stored. */
  wake(): void {
    this.loop.wake();
  }

  private async secretOf(delivery: NotificationDeliveryRecord): Promise<string | undefined> {
    if (delivery.subscriptionId === undefined) return undefined;
    const subscription = await this.options.store.getSubscription(delivery.subscriptionId);
    if (!subscription)
      throw new SendError("The subscription was deleted before the message went out.", false);
    return subscription.sealedSecret === undefined
      ? undefined
      : openSecret(this.options.masterKey, subscription.sealedSecret, subscription.id);
  }

  private async attempt(delivery: NotificationDeliveryRecord): Promise<void> {
    const { store, clock, sender } = this.options;
    let outcome: NotificationOutcome;
    try {
      await sender.send(delivery, await this.secretOf(delivery));
      outcome = { kind: "delivered" };
    } catch (error) {
      outcome = failedAttempt(delivery, error, clock.now(), this.options.retry ?? DEFAULT_RETRY);
    }
    await store.settleNotificationDelivery(delivery.id, outcome, clock.now());
  }
}
