/**
 * Conformance of Choice rules against the AWS-recorded corpus
 * (../shared/conformance/asl/cases/choice): every case is walked by a tiny test-only
 * interpreter (Choice via compileChoiceRule, Pass with a literal Result, echo Task, Wait,
 * Succeed, Fail) and must end as AWS ended: same status, same output or error.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { checkChoiceRule, compileChoiceRule } from "../../src/asl/choice/index.js";
import type { MachineDefinition, StateDefinition } from "../../src/asl/definition.js";
import { StatesError, StatesErrorName } from "../../src/asl/errors.js";
import { type Json, jsonEquals } from "../../src/asl/json.js";
import type { Scope } from "../../src/asl/scope.js";

const CASES = fileURLToPath(
  new URL("../../../shared/conformance/asl/cases/choice/", import.meta.url),
);

interface Case {
  name: string;
  definition: MachineDefinition;
  input: Json;
  functions?: Record<string, { kind: string }>;
  expected: { status: string; output?: Json; error?: string };
}

interface Outcome {
  status: "SUCCEEDED" | "FAILED";
  output?: Json;
  error?: string;
}

const NO_VARIABLES = { get: () => undefined };
const ENTROPY = { random: () => 0, uuid: () => "00000000-0000-4000-8000-000000000000" };

function scopeOf(input: Json): Scope {
  return { input, context: {}, variables: NO_VARIABLES, entropy: ENTROPY };
}

/** Runs the subset of ASL the choice cases use; anything else is a test-harness error. */
function walk(definition: MachineDefinition, input: Json, functions: Case["functions"]): Outcome {
  let name = definition.StartAt;
  let data = input;
  for (let steps = 0; steps < 100; steps++) {
    const state: StateDefinition = definition.States[name];
    let next = state.Next;
    switch (state.Type) {
      case "Choice": {
        next = state.Default;
        try {
          for (let i = 0; i < state.Choices.length; i++) {
            const rule = state.Choices[i];
            if (compileChoiceRule(rule, `/States/${name}/Choices/${i}`)(scopeOf(data))) {
              next = rule.Next;
              break;
            }
          }
        } catch (error) {
          if (error instanceof StatesError) return { status: "FAILED", error: error.error };
          throw error;
        }
        if (next === undefined) return { status: "FAILED", error: StatesErrorName.NoChoiceMatched };
        break;
      }
      case "Pass":
        if (state.Parameters !== undefined) throw new Error(`${name}: Parameters not modelled`);
        if (state.Result !== undefined) {
          if (state.ResultPath !== undefined && state.ResultPath !== "$") {
            throw new Error(`${name}: ResultPath ${state.ResultPath} not modelled`);
          }
          data = state.Result;
        }
        break;
      case "Task": {
        const fn = state.Resource.split(":").pop() ?? "";
        if (functions?.[fn]?.kind !== "echo") throw new Error(`${name}: only echo tasks modelled`);
        break;
      }
      case "Wait":
        break;
      case "Succeed":
        return { status: "SUCCEEDED", output: data };
      case "Fail":
        return { status: "FAILED", error: state.Error };
      default:
        throw new Error(`${name}: ${state.Type} not modelled`);
    }
    if (state.End === true) return { status: "SUCCEEDED", output: data };
    if (next === undefined) throw new Error(`${name}: no transition`);
    name = next;
  }
  throw new Error("more than 100 steps");
}

/** Every Choice rule of a definition, with its location. */
function* choiceRules(definition: MachineDefinition) {
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== "Choice") continue;
    for (let i = 0; i < state.Choices.length; i++) {
      yield { rule: state.Choices[i], location: `/States/${name}/Choices/${i}` };
    }
  }
}

test("Choice rules agree with AWS on the recorded choice corpus", {
  skip: !existsSync(CASES),
}, (t) => {
  const files = readdirSync(CASES)
    .filter((f) => f.endsWith(".json"))
    .sort();
  const disagreements: string[] = [];
  for (const file of files) {
    const c = JSON.parse(readFileSync(CASES + file, "utf8")) as Case;
    for (const { rule, location } of choiceRules(c.definition)) {
      const diagnostics = checkChoiceRule(rule, location);
      if (diagnostics.length > 0) {
        disagreements.push(`${c.name}: AWS accepted, we report ${JSON.stringify(diagnostics)}`);
      }
    }
    let actual: Outcome;
    try {
      actual = walk(c.definition, c.input, c.functions);
    } catch (error) {
      disagreements.push(`${c.name}: ${String(error)}`);
      continue;
    }
    const agrees =
      actual.status === c.expected.status &&
      (actual.status === "SUCCEEDED"
        ? jsonEquals(actual.output, c.expected.output)
        : actual.error === c.expected.error);
    if (!agrees) {
      disagreements.push(
        `${c.name}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(actual)}`,
      );
    }
  }
  t.diagnostic(
    `${files.length - disagreements.length}/${files.length} choice cases agree with AWS`,
  );
  assert.equal(files.length, 496);
  assert.deepEqual(disagreements, []);
});
