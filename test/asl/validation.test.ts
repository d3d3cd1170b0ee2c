/** Unit checks of individual validation rules and of message formatting. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DefinitionError } from "../../src/asl/errors.js";
import {
  assertValidDefinition,
  formatInvalidDefinitionMessage,
  validateDefinition,
} from "../../src/asl/validation/index.js";

type States = Record<string, unknown>;
const machine = (States: States, extra: Record<string, unknown> = {}) => ({
  StartAt: Object.keys(States)[0],
  States,
  ...extra,
});
const found = (def: unknown, code: string, location: string, message?: RegExp) => {
  const diagnostics = validateDefinition(def);
  const hit = diagnostics.find(
    (d) =>
      d.code === code &&
      d.location === location &&
      (message === undefined || message.test(d.message)),
  );
  assert.ok(hit, `expected ${code} at ${location}; got ${JSON.stringify(diagnostics)}`);
};

test("transitions: missing targets, unreachable states, Next/End", () => {
  found(
    machine({ A: { Type: "Pass", Next: "Nope" } }),
    "MISSING_TRANSITION_TARGET",
    "/States/A/Next",
    /Missing 'Next' target: Nope/,
  );
  found(
    machine({ A: { Type: "Pass", End: true }, B: { Type: "Pass", End: true } }),
    "MISSING_TRANSITION_TARGET",
    "/States/B",
    /State "B" is not reachable\./,
  );
  found(
    machine({ A: { Type: "Pass" } }),
    "SCHEMA_VALIDATION_FAILED",
    "/States/A",
    /'Next' or 'End'/,
  );
  found(machine({ A: { Type: "Pass", Next: "A" } }), "MISSING_END_STATE", "/");
  found(
    machine({
      A: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        End: true,
        Catch: [{ ErrorEquals: ["X"], Next: "Z" }],
      },
    }),
    "MISSING_TRANSITION_TARGET",
    "/States/A/Catch/0/Next",
  );
});

test("field rules: unknown fields, Retry ranges, timeouts, Fail exclusivity", () => {
  found(
    machine({ A: { Type: "Pass", End: true, Bogus: 1 } }),
    "SCHEMA_VALIDATION_FAILED",
    "/States/A",
    /Field 'Bogus' is not supported/,
  );
  const task = (extra: Record<string, unknown>) =>
    machine({
      A: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true, ...extra },
    });
  found(
    task({ Retry: [{ ErrorEquals: ["E"], IntervalSeconds: 0 }] }),
    "SCHEMA_VALIDATION_FAILED",
    "/States/A/Retry/0/IntervalSeconds",
  );
  found(
    task({ Retry: [{ ErrorEquals: ["E"], BackoffRate: 0.5 }] }),
    "SCHEMA_VALIDATION_FAILED",
    "/States/A/Retry/0/BackoffRate",
  );
  found(
    task({ Retry: [{ ErrorEquals: ["E"], JitterStrategy: "SOME" }] }),
    "SCHEMA_VALIDATION_FAILED",
    "/States/A/Retry/0/JitterStrategy",
  );
  found(
    task({ TimeoutSeconds: 5, HeartbeatSeconds: 5 }),
    "SCHEMA_VALIDATION_FAILED",
    "/States/A/HeartbeatSeconds",
  );
  found(task({ InputPath: "$..[" }), "INVALID_JSON_PATH", "/States/A/InputPath");
  found(
    machine({ F: { Type: "Fail", Error: "E", ErrorPath: "$.e" } }),
    "SCHEMA_VALIDATION_FAILED",
    "/States/F",
  );
  found(
    machine({ W: { Type: "Wait", End: true } }),
    "SCHEMA_VALIDATION_FAILED",
    "/States/W",
    /exactly one/,
  );
});

test("query languages: other-language fields and JSONata syntax", () => {
  found(
    machine({ A: { Type: "Pass", Parameters: {}, End: true } }, { QueryLanguage: "JSONata" }),
    "SCHEMA_VALIDATION_FAILED",
    "/States/A",
    /field 'Parameters' is only supported for the 'JSONPath' QueryLanguage/,
  );
  found(
    machine({ A: { Type: "Pass", Output: {}, End: true } }),
    "SCHEMA_VALIDATION_FAILED",
    "/States/A",
    /'Output'/,
  );
  found(
    machine(
      { A: { Type: "Pass", Output: "{% $states.input. %}", End: true } },
      { QueryLanguage: "JSONata" },
    ),
    "INVALID_JSONATA",
    "/States/A/Output",
  );
});

test("nested machines are validated with their own pointers", () => {
  found(
    machine({
      P: {
        Type: "Parallel",
        End: true,
        Branches: [{ StartAt: "X", States: { X: { Type: "Pass", Next: "Y" } } }],
      },
    }),
    "MISSING_TRANSITION_TARGET",
    "/States/P/Branches/0/States/X/Next",
  );
  found(
    machine({
      A: { Type: "Pass", Next: "M" },
      M: {
        Type: "Map",
        End: true,
        ItemProcessor: { StartAt: "A", States: { A: { Type: "Succeed" } } },
      },
    }),
    "DUPLICATE_STATE_NAME",
    "/States/M/ItemProcessor/States/A",
  );
});

test("formatInvalidDefinitionMessage follows AWS's form", () => {
  const one = {
    code: "SCHEMA_VALIDATION_FAILED",
    location: "/",
    message: "m",
    severity: "ERROR",
  } as const;
  assert.equal(
    formatInvalidDefinitionMessage([one]),
    "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: m at /'",
  );
  assert.equal(
    formatInvalidDefinitionMessage([one, { ...one, message: "n" }]),
    "Invalid State Machine Definition: ''SCHEMA_VALIDATION_FAILED: m at /', 'SCHEMA_VALIDATION_FAILED: n at /''",
  );
});

test("assertValidDefinition returns the definition or throws DefinitionError", () => {
  const ok = machine({ A: { Type: "Succeed" } });
  assert.equal(assertValidDefinition(ok), ok);
  assert.throws(() => assertValidDefinition({}), DefinitionError);
});
