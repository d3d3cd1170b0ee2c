/**
 * What happens after a failed attempt: retry later with exponential back-off, or give up
 * (dead letter) when the error is not retryable, MaximumRetryAttempts is used up, or the
 * event is older than MaximumEventAgeInSeconds.
 */
import type { DeliveryOutcome, DeliveryRecord } from "../../store/events-port.js";
import { DeliveryError } from "./errors.js";
import { DEFAULT_RETRY } from "./targets.js";

/** Back-off settings: `baseMs × 2^attempt`, capped, with ±20% jitter. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 5 * 60_000 };

/** The outcome to record for a failed attempt made at `now`. */
export function failureOutcome(
  delivery: DeliveryRecord,
  error: unknown,
  now: number,
  backoff: BackoffOptions = DEFAULT_BACKOFF,
): DeliveryOutcome {
  const failure =
    error instanceof DeliveryError
      ? error
      : new DeliveryError("INTERNAL_ERROR", (error as Error)?.message ?? String(error), true);
  const attempts = delivery.attempts + 1;
  const message = `${failure.message} (after ${attempts} attempt${attempts === 1 ? "" : "s"})`;
  if (!failure.retryable) return { kind: "dead", errorCode: failure.code, errorMessage: message };
  const policy = { ...DEFAULT_RETRY, ...delivery.target.RetryPolicy };
  if (delivery.attempts >= policy.MaximumRetryAttempts)
    return {
      kind: "dead",
      errorCode: failure.code,
      errorMessage: `${message}; MaximumRetryAttempts (${policy.MaximumRetryAttempts}) exhausted`,
    };
  const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** delivery.attempts);
  const jitter = 1 + ((backoff.random ?? Math.random)() - 0.5) * 0.4;
  const at = now + Math.round(delay * jitter);
  if (at - delivery.ageFrom > policy.MaximumEventAgeInSeconds * 1000)
    return {
      kind: "dead",
      errorCode: failure.code,
      errorMessage: `${message}; MaximumEventAgeInSeconds (${policy.MaximumEventAgeInSeconds}) exceeded`,
    };
  return { kind: "retry", at, error: message };
}
