import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  applyInputPath,
  applyOutputPath,
  applyResultPath,
  compileResultPath,
} from "../../src/asl/data-flow.js";
import { StatesError } from "../../src/asl/errors.js";
import type { Json } from "../../src/asl/json.js";
import { PathSyntaxError } from "../../src/asl/jsonpath/index.js";
import { compileReferencePath } from "../../src/asl/reference-path.js";
import type { Scope } from "../../src/asl/scope.js";

const CASES = new URL("../../../shared/conformance/asl/cases/", import.meta.url);

function scope(input: Json, variables: Record<string, Json> = {}, context: Json = {}): Scope {
  return {
    input,
    context,
    variables: { get: (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined) },
    entropy: { random: () => 0.5, uuid: () => "00000000-0000-4000-8000-000000000000" },
  };
}

function fails(fn: () => unknown, error: string, cause: string | RegExp): void {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof StatesError, String(e));
    assert.equal(e.error, error);
    if (typeof cause === "string") assert.equal(e.cause, cause);
    else assert.match(e.cause ?? "", cause);
    return true;
  });
}

/** The state-independent part of a recorded cause. */
function recordedCause(file: string): string {
  const recorded = JSON.parse(readFileSync(new URL(file, CASES), "utf8")) as {
    expected: { cause: string };
  };
  return recorded.expected.cause.replace(
    /^An error occurred while executing the state '[^']*' \(entered at the event id #\d+\)\. /,
    "",
  );
}

describe("reference paths", () => {
  const s = scope({ a: [1, 2] }, { v: { x: [3, 4] }, n: null }, { Execution: { Input: { k: 1 } } });

  test("roots: input, context, variables", () => {
    const cases: [string, string, Json | undefined][] = [
      ["$", "input", { a: [1, 2] }],
      ["$.a[1]", "input", 2],
      ["$$", "context", { Execution: { Input: { k: 1 } } }],
      ["$$.Execution.Input.k", "context", 1],
      ["$v", "variable", { x: [3, 4] }],
      ["$v.x[-1]", "variable", 4],
      ["$v['x'][*]", "variable", [3, 4]],
      ["$n", "variable", null],
      ["$unset", "variable", undefined],
      ["$v.nope", "variable", undefined],
    ];
    for (const [text, kind, expected] of cases) {
      const reference = compileReferencePath(text);
      assert.equal(reference.kind, kind, text);
      assert.deepEqual(reference.evaluate(s), expected, text);
    }
    assert.equal(compileReferencePath("$v.x").variable, "v");
  });

  test("bad reference paths are PathSyntaxError", () => {
    for (const bad of ["", "a", "$v x", "$v.", "$$.", "$.a[", "$1"]) {
      assert.throws(() => compileReferencePath(bad), PathSyntaxError, bad);
    }
  });
});

describe("InputPath and OutputPath", () => {
  const input: Json = { "int-literal": 0, nested: { v: 1 } };

  test("absent keeps the input, null gives {}, a path selects", () => {
    assert.equal(applyInputPath(undefined, scope(input)), input);
    assert.deepEqual(applyInputPath(null, scope(input)), {});
    assert.deepEqual(applyOutputPath(null, scope(input)), {});
    assert.equal(applyInputPath("$", scope(input)), input);
    assert.deepEqual(applyInputPath("$.nested", scope(input)), { v: 1 });
    assert.deepEqual(applyInputPath(compileReferencePath("$.nested.v"), scope(input)), 1);
    assert.deepEqual(applyOutputPath("$.missing[*]", scope(input)), []);
  });

  test("context and variable roots (recorded: context/input_path_execution_input, variables/reference_assign_base_reference_in_inputpath)", () => {
    const context: Json = { Execution: { Input: { "input-value": 0 } } };
    assert.deepEqual(applyInputPath("$$.Execution.Input", scope({}, {}, context)), {
      "input-value": 0,
    });
    assert.deepEqual(applyOutputPath("$$", scope({}, {}, context)), context);
    assert.equal(applyInputPath("$theAnswer", scope({}, { theAnswer: 42 })), 42);
  });

  test("recorded failures", () => {
    fails(
      () => applyInputPath("$.NoSuchInputPath", scope(input)),
      "States.Runtime",
      recordedCause("paths/invalid_jsonpath_st_invalid_jsonpath_in_inputpath.json"),
    );
    fails(
      () => applyOutputPath("$.NoSuchOutputPath", scope(input)),
      "States.Runtime",
      recordedCause("paths/invalid_jsonpath_st_invalid_jsonpath_in_outputpath.json"),
    );
    fails(
      () => applyOutputPath("$.no.such.result.path", scope({})),
      "States.Runtime",
      recordedCause("errors/catch_states_runtime.json"),
    );
    assert.equal(
      recordedCause("errors/catch_states_runtime.json"),
      "Invalid path '$.no.such.result.path' : Missing property in path $['no']",
    );
  });

  test("a syntactically bad path text at run time is States.Runtime, not a crash", () => {
    fails(
      () => applyInputPath("$.a[", scope(input)),
      "States.Runtime",
      /^Invalid path '\$\.a\[' : /,
    );
  });
});

describe("ResultPath", () => {
  const input: Json = { a: { b: 1 }, list: [{ x: 1 }, { x: 2 }], s: "str" };

  test("absent and $ give the result, null keeps the input", () => {
    assert.equal(applyResultPath(input, 7, undefined), 7);
    assert.equal(applyResultPath(input, 7, "$"), 7);
    assert.equal(applyResultPath(input, 7, null), input);
  });

  test("writes at the path, creating intermediate objects, without mutating the input", () => {
    const before = JSON.stringify(input);
    assert.deepEqual(applyResultPath(input, 7, "$.r"), { ...input, r: 7 });
    assert.deepEqual(applyResultPath(input, 7, "$.a.b"), { ...input, a: { b: 7 } });
    assert.deepEqual(applyResultPath(input, 7, "$.n.m.o"), { ...input, n: { m: { o: 7 } } });
    assert.deepEqual(applyResultPath(input, 7, "$['a']['c']"), { ...input, a: { b: 1, c: 7 } });
    assert.deepEqual(applyResultPath(input, 7, "$.list[1].x"), {
      ...input,
      list: [{ x: 1 }, { x: 7 }],
    });
    assert.deepEqual(applyResultPath(input, 7, compileResultPath("$.list[-1]")), {
      ...input,
      list: [{ x: 1 }, 7],
    });
    assert.deepEqual(applyResultPath({}, 1, "$.__proto__"), JSON.parse('{"__proto__":1}'));
    assert.equal(JSON.stringify(input), before, "the input is untouched");
    const out = applyResultPath(input, 7, "$.r") as { a: Json };
    assert.equal(out.a, (input as { a: Json }).a, "untouched members are shared");
  });

  test("writes under an existing nested object", () => {
    assert.deepEqual(applyResultPath({ detail: {} }, { ok: true }, "$.detail.shipped_output"), {
      detail: { shipped_output: { ok: true } },
    });
  });

  test("States.ResultPathMatchFailure when the input cannot hold the result", () => {
    for (const [value, path] of [
      ["text", "$.r"],
      [[1, 2], "$.r"],
      [null, "$.r"],
      [{ s: "str" }, "$.s.t"],
      [{ l: [1] }, "$.l[3]"],
      [{ o: {} }, "$.o[0]"],
      [{}, "$.missing[0]"],
    ] as [Json, string][]) {
      fails(
        () => applyResultPath(value, 1, path),
        "States.ResultPathMatchFailure",
        `Unable to apply ReferencePath ${path} to input ${JSON.stringify(value)}`,
      );
    }
  });

  test("ResultPath must be a plain reference path", () => {
    for (const bad of [
      "$$.x",
      "$v",
      "$.a[*]",
      "$..a",
      "$.a[0,1]",
      "$.a[?(@.x)]",
      "$.a.length()",
      "x",
    ]) {
      assert.throws(() => compileResultPath(bad), PathSyntaxError, bad);
    }
    fails(() => applyResultPath({}, 1, "$.a[*]"), "States.Runtime", /^Invalid path/);
  });
});
