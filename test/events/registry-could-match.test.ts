/**
 * RuleRegistry.couldMatch: whether any enabled rule of a bus could match events of one source
 * and detail-type (opsflow asks it for its own status events before writing any).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RuleRegistry } from "../../src/events/bus/registry.js";
import { STATUS_PROBE } from "../../src/events/bus/status-events.js";
import type { EventRuleRecord } from "../../src/store/events-port.js";

const rule = (name: string, pattern: object, state: "ENABLED" | "DISABLED" = "ENABLED") =>
  ({
    eventBusName: "default",
    name,
    arn: `arn:aws:events:us-east-1:000000000000:rule/${name}`,
    eventPattern: JSON.stringify(pattern),
    state,
    createdAt: 0,
    updatedAt: 0,
  }) satisfies EventRuleRecord;

test("rules whose source or detail-type refuse status events do not want them", () => {
  const registry = new RuleRegistry();
  registry.addBus("default");
  assert.equal(registry.couldMatch("default", STATUS_PROBE), false, "no rules");
  registry.setRule(rule("bench", { source: ["bench"] }));
  registry.setRule(rule("not-states", { source: [{ "anything-but": "opsflow.states" }] }));
  registry.setRule(rule("other-type", { "detail-type": ["Object Created"], detail: { x: [1] } }));
  registry.setRule(rule("off", { source: ["opsflow.states"] }, "DISABLED"));
  assert.equal(registry.couldMatch("default", STATUS_PROBE), false);
  assert.equal(registry.couldMatch("default", { source: "bench", "detail-type": "tick" }), true);
});

for (const [why, pattern] of [
  ["the exact source", { source: ["opsflow.states"], detail: { status: ["FAILED"] } }],
  ["a prefix of it", { source: [{ prefix: "opsflow." }] }],
  ["a detail-only pattern", { detail: { status: ["FAILED"] } }],
  ["a top-level $or", { $or: [{ source: ["bench"] }, { account: ["1"] }] }],
  [
    "the detail-type, any case",
    { "detail-type": [{ "equals-ignore-case": "step functions execution status change" }] },
  ],
] as const) {
  test(`a rule that could match status events wants them: ${why}`, () => {
    const registry = new RuleRegistry();
    registry.setRule(rule("bench", { source: ["bench"] }));
    assert.equal(registry.couldMatch("default", STATUS_PROBE), false);
    registry.setRule(rule("wants", pattern));
    assert.equal(registry.couldMatch("default", STATUS_PROBE), true);
    // The answer is kept until the rules change.
    registry.removeRule("default", "wants");
    assert.equal(registry.couldMatch("default", STATUS_PROBE), false);
  });
}
