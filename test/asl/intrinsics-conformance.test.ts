/**
 * Runs the recorded AWS cases that exercise intrinsic functions directly through the
 * intrinsic compiler: every single-Pass-state case whose Parameters hold `.$` values, the
 * Fail state whose ErrorPath/CausePath are intrinsics, and the definitions AWS rejected for
 * illegal escapes.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { after, describe, test } from "node:test";
import { StatesError } from "../../src/asl/errors.js";
import {
  checkIntrinsic,
  compileIntrinsic,
  IntrinsicSyntaxError,
  isIntrinsicCall,
} from "../../src/asl/intrinsics/index.js";
import { isJsonObject, type Json, type JsonObject } from "../../src/asl/json.js";
import { compilePath } from "../../src/asl/jsonpath/index.js";
import type { Scope } from "../../src/asl/scope.js";

const CASES = new URL("../../../shared/conformance/asl/cases/", import.meta.url);

interface Case {
  name: string;
  definition: JsonObject;
  input: Json;
  expected: JsonObject;
  ignorePaths?: string[];
  shapes?: Record<string, string>;
}

function load(folder: string, filter: (file: string) => boolean = () => true): Case[] {
  const dir = new URL(`${folder}/`, CASES);
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json") && filter(file))
    .sort()
    .map((file) => JSON.parse(readFileSync(new URL(file, dir), "utf8")) as Case);
}

/** The context object of a fresh execution, enough for the `$$` paths the cases use. */
function scopeFor(input: Json): Scope {
  let uuids = 0;
  return {
    input,
    context: {
      Execution: {
        Id: "arn:aws:states:us-east-1:111111111111:execution:sm-name:exec-name",
        Input: input,
        Name: "exec-name",
      },
      StateMachine: {
        Id: "arn:aws:states:us-east-1:111111111111:stateMachine:sm-name",
        Name: "sm-name",
      },
      State: { Name: "State" },
    },
    variables: { get: () => undefined },
    entropy: {
      random: () => 0.5,
      uuid: () => `00000000-0000-4000-8000-${String(++uuids).padStart(12, "0")}`,
    },
  };
}

/** Evaluates a `.$` value the way a payload template does: intrinsic or path. */
function evaluateDollar(text: string, scope: Scope): Json {
  if (isIntrinsicCall(text)) return compileIntrinsic(text)(scope);
  const value = compilePath(text).select(scope.input);
  if (value === undefined) throw new Error(`path ${text} not found`);
  return value;
}

function evaluateParameters(parameters: JsonObject, scope: Scope): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (key.endsWith(".$") && typeof value === "string") {
      result[key.slice(0, -2)] = evaluateDollar(value, scope);
    } else {
      result[key] = isJsonObject(value) ? evaluateParameters(value, scope) : value;
    }
  }
  return result;
}

/** Splits the README's simple paths (`$.a.b`, `$["k"]`, `$[0]`) into keys. */
function pathKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  const re = /\.([A-Za-z_][\w]*)|\[("(?:[^"\\]|\\.)*")\]|\[(\d+)\]/gy;
  re.lastIndex = 1;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    keys.push(m[1] ?? (m[2] !== undefined ? (JSON.parse(m[2]) as string) : Number(m[3])));
  }
  return keys;
}

function getAt(root: Json, keys: (string | number)[]): Json | undefined {
  let node: Json | undefined = root;
  for (const key of keys)
    node =
      node !== null && typeof node === "object" ? (node as Record<string, Json>)[key] : undefined;
  return node;
}

function deleteAt(root: Json, keys: (string | number)[]): void {
  const parent = getAt(root, keys.slice(0, -1));
  if (parent !== null && typeof parent === "object")
    delete (parent as Record<string, Json>)[keys[keys.length - 1]];
}

/** Applies the simple ResultPath/OutputPath forms the intrinsic cases use. */
function outputOf(state: JsonObject, input: Json, result: Json): Json {
  let output: Json = result;
  if (typeof state.ResultPath === "string" && state.ResultPath !== "$") {
    const keys = pathKeys(state.ResultPath);
    output = structuredClone(input);
    let node = output as JsonObject;
    for (const key of keys.slice(0, -1)) {
      if (!isJsonObject(node[key])) node[key] = {};
      node = node[key] as JsonObject;
    }
    node[keys[keys.length - 1]] = result;
  }
  if (typeof state.OutputPath === "string")
    output = compilePath(state.OutputPath).select(output) ?? null;
  return output;
}

function isSinglePassWithParameters(c: Case): boolean {
  const states = Object.values(c.definition.States as JsonObject);
  return (
    states.length === 1 &&
    isJsonObject(states[0]) &&
    states[0].Type === "Pass" &&
    isJsonObject(states[0].Parameters)
  );
}

let passed = 0;
let total = 0;

describe("intrinsics corpus (single Pass state with Parameters)", () => {
  for (const c of load("intrinsics").filter(isSinglePassWithParameters)) {
    total++;
    test(c.name, () => {
      const state = Object.values(c.definition.States as JsonObject)[0] as JsonObject;
      const scope = scopeFor(c.input);
      let actual: JsonObject;
      try {
        const result = evaluateParameters(state.Parameters as JsonObject, scope);
        actual = { status: "SUCCEEDED", output: outputOf(state, c.input, result) };
      } catch (error) {
        if (!(error instanceof StatesError)) throw error;
        actual = {
          status: "FAILED",
          error: error.error,
          ...(error.cause === undefined ? {} : { cause: error.cause }),
        };
      }
      const expected = structuredClone(c.expected);
      delete expected.historyTypes;
      delete expected.historyOrdered;
      for (const [path, shape] of Object.entries(c.shapes ?? {})) {
        const value = getAt(actual, pathKeys(path));
        assert.equal(typeof value, "string", `${path} should be a string`);
        assert.match(value as string, new RegExp(shape));
      }
      for (const path of c.ignorePaths ?? []) {
        deleteAt(expected, pathKeys(path));
        deleteAt(actual, pathKeys(path));
      }
      assert.deepEqual(actual, expected);
      passed++;
    });
  }
  after(() => console.log(`intrinsics corpus: ${passed}/${total} passed`));
});

describe("intrinsics in other corpus folders", () => {
  test("fail/state_fail_intrinsic: ErrorPath and CausePath as intrinsics", () => {
    const [c] = load("fail", (f) => f === "state_fail_intrinsic.json");
    const state = Object.values(c.definition.States as JsonObject)[0] as JsonObject;
    const scope = scopeFor(c.input);
    assert.equal(compileIntrinsic(state.ErrorPath as string)(scope), c.expected.error);
    assert.equal(compileIntrinsic(state.CausePath as string)(scope), c.expected.cause);
  });

  for (const c of load("validation", (f) => f.startsWith("illegal_escapes"))) {
    test(`${c.name}: rejected at definition time`, () => {
      const state = Object.values(c.definition.States as JsonObject)[0] as JsonObject;
      for (const [key, value] of Object.entries(state.Parameters as JsonObject)) {
        if (!key.endsWith(".$")) continue;
        assert.throws(() => compileIntrinsic(value as string), IntrinsicSyntaxError);
        assert.match(checkIntrinsic(value as string).join("\n"), /illegal escape '\\"'/);
      }
    });
  }

  test("intrinsics/escape_sequence and json_merge_escaped_argument parse", () => {
    for (const c of load("intrinsics", (f) => f.includes("escape"))) {
      const state = Object.values(c.definition.States as JsonObject)[0] as JsonObject;
      for (const value of Object.values(state.Parameters as JsonObject)) {
        assert.deepEqual(checkIntrinsic(value as string), [], c.name);
      }
    }
  });
});
