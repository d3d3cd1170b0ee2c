/** Robustness: no input makes the validator throw, and deep nesting is refused quickly. */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { validateDefinition } from "../../src/asl/validation/index.js";

const VALID = {
  StartAt: "A",
  States: {
    A: { Type: "Pass", Parameters: { "x.$": "$.y" }, Next: "B" },
    B: {
      Type: "Map",
      ItemProcessor: { StartAt: "C", States: { C: { Type: "Wait", Seconds: 1, End: true } } },
      Catch: [{ ErrorEquals: ["States.ALL"], Next: "D" }],
      Next: "D",
    },
    D: {
      Type: "Choice",
      Choices: [{ Variable: "$.n", NumericEquals: 1, Next: "E" }],
      Default: "E",
    },
    E: { Type: "Succeed" },
  },
};

/** Replaces the value at a random path of `root` with `replacement`. */
function mutate(root: unknown, steps: number[], replacement: unknown): unknown {
  if (steps.length === 0 || typeof root !== "object" || root === null) return replacement;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(root) ? [...root] : { ...root };
  const keys = Object.keys(copy);
  if (keys.length === 0) return replacement;
  const key = keys[steps[0] % keys.length];
  (copy as Record<string, unknown>)[key] = mutate(
    (copy as Record<string, unknown>)[key],
    steps.slice(1),
    replacement,
  );
  return copy;
}

test("random JSON never makes the validator throw", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assert.ok(Array.isArray(validateDefinition(value)));
    }),
    { numRuns: 500 },
  );
});

test("mutated valid definitions never make the validator throw", () => {
  assert.deepEqual(validateDefinition(VALID), []);
  fc.assert(
    fc.property(
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.jsonValue({ maxDepth: 3 }),
      (steps, replacement) => {
        const mutated = mutate(VALID, steps, replacement);
        assert.ok(Array.isArray(validateDefinition(mutated)));
        assert.ok(Array.isArray(validateDefinition(mutated, { type: "EXPRESS" })));
      },
    ),
    { numRuns: 1000 },
  );
});

test("deeply nested definitions terminate fast with diagnostics", () => {
  let machine: unknown = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };
  for (let i = 0; i < 5000; i++) {
    machine = {
      StartAt: `S${i}`,
      States: { [`S${i}`]: { Type: "Parallel", Branches: [machine], End: true } },
    };
  }
  let payload: unknown = { "a.$": "$.b" };
  for (let i = 0; i < 100000; i++) payload = { nested: payload };
  const started = Date.now();
  const nested = validateDefinition(machine);
  const deepPayload = validateDefinition({
    StartAt: "A",
    States: { A: { Type: "Pass", Parameters: payload, End: true } },
  });
  assert.ok(Date.now() - started < 2000, "validation took too long");
  assert.ok(nested.some((d) => d.code === "TOO_DEEPLY_NESTED"));
  assert.ok(deepPayload.some((d) => d.code === "TOO_DEEPLY_NESTED"));
});
