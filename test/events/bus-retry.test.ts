/** Delivery failure outcomes: back-off, MaximumRetryAttempts, MaximumEventAgeInSeconds, final errors. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeliveryError } from "../../src/events/bus/errors.js";
import { failureOutcome } from "../../src/events/bus/retry.js";
import type { DeliveryRecord } from "../../src/store/events-port.js";

const T0 = 1_700_000_000_000;
const backoff = { baseMs: 1000, maxMs: 60_000, random: () => 0.5 };

function delivery(
  attempts: number,
  retry?: DeliveryRecord["target"]["RetryPolicy"],
): DeliveryRecord {
  return {
    id: 1,
    event: { id: "e", eventBusName: "default", envelope: "{}", ingestedAt: T0 },
    ruleName: "r",
    ruleArn: "arn:aws:events:us-east-1:123456789012:rule/r",
    target: { Id: "t", Arn: "arn:aws:sns:us-east-1:123456789012:t", RetryPolicy: retry },
    attempts,
    ageFrom: T0,
  };
}

const transient = new DeliveryError("HTTP_INVOCATION_FAILURE", "answered 503", true);

test("retryable failures back off exponentially, capped", () => {
  assert.deepEqual(failureOutcome(delivery(0), transient, T0, backoff), {
    kind: "retry",
    at: T0 + 1000,
    error: "answered 503 (after 1 attempt)",
  });
  assert.equal(
    (failureOutcome(delivery(3), transient, T0, backoff) as { at: number }).at,
    T0 + 8000,
  );
  assert.equal(
    (failureOutcome(delivery(30), transient, T0, backoff) as { at: number }).at,
    T0 + 60_000,
  );
});

test("MaximumRetryAttempts and MaximumEventAgeInSeconds end in a dead letter that says which", () => {
  const exhausted = failureOutcome(
    delivery(2, { MaximumRetryAttempts: 2 }),
    transient,
    T0,
    backoff,
  );
  assert.equal(exhausted.kind, "dead");
  assert.match(
    (exhausted as { errorMessage: string }).errorMessage,
    /MaximumRetryAttempts \(2\) exhausted/,
  );
  const old = failureOutcome(
    delivery(0, { MaximumEventAgeInSeconds: 60 }),
    transient,
    T0 + 59_500,
    backoff,
  );
  assert.equal(old.kind, "dead");
  assert.match(
    (old as { errorMessage: string }).errorMessage,
    /MaximumEventAgeInSeconds \(60\) exceeded/,
  );
});

test("final errors are not retried; unexpected errors are", () => {
  const final = failureOutcome(
    delivery(0),
    new DeliveryError("RESOURCE_NOT_FOUND", "gone", false),
    T0,
    backoff,
  );
  assert.deepEqual(final, {
    kind: "dead",
    errorCode: "RESOURCE_NOT_FOUND",
    errorMessage: "gone (after 1 attempt)",
  });
  assert.equal(failureOutcome(delivery(0), new Error("boom"), T0, backoff).kind, "retry");
});
