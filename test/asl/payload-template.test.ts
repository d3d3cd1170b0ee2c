import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { StatesError } from "../../src/asl/errors.js";
import type { Json, JsonObject } from "../../src/asl/json.js";
import { PathSyntaxError } from "../../src/asl/jsonpath/index.js";
import { compilePayloadTemplate } from "../../src/asl/payload-template.js";
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

const PREFIX =
  /^An error occurred while executing the state '[^']*' \(entered at the event id #\d+\)\. /;

interface RecordedCase {
  definition: { States: Record<string, JsonObject> };
  input: Json;
  expected: { status: string; output?: Json; error?: string; cause?: string };
}

describe("recorded cases: a single Pass state with Parameters", () => {
  let checked = 0;
  for (const category of ["paths", "pass", "context"]) {
    for (const file of readdirSync(new URL(`${category}/`, CASES))) {
      const recorded = JSON.parse(
        readFileSync(new URL(`${category}/${file}`, CASES), "utf8"),
      ) as RecordedCase;
      const states = Object.values(recorded.definition.States);
      const state = states[0] as JsonObject;
      const fields = Object.keys(state).filter((k) => !["Type", "End", "Comment"].includes(k));
      if (states.length !== 1 || state.Type !== "Pass" || fields.join() !== "Parameters") continue;
      checked++;
      test(`${category}/${file}`, () => {
        const { input, expected } = recorded;
        const context: Json = { Execution: { Input: input } };
        const template = compilePayloadTemplate(state.Parameters as Json, "Parameters");
        if (expected.status === "SUCCEEDED") {
          assert.deepEqual(template(scope(input, {}, context)), expected.output);
          return;
        }
        assert.throws(
          () => template(scope(input, {}, context)),
          (error) => {
            assert.ok(error instanceof StatesError);
            assert.equal(error.error, expected.error);
            // The recording masks the quoted input as <json-input:1>.
            const cause = (expected.cause as string)
              .replace(PREFIX, "")
              .replace("<json-input:1>", JSON.stringify(input));
            assert.equal(error.cause, cause);
            return true;
          },
        );
      });
    }
  }
  test("the corpus provided cases", () => assert.ok(checked >= 17, `only ${checked} cases`));
});

describe("templates", () => {
  const input: Json = { a: 1, list: [1, 2, 3], obj: { k: "v" } };

  test("`.$` keys take paths, context paths and variables; other keys are literal", () => {
    const template = compilePayloadTemplate(
      {
        "a.$": "$.a",
        "whole.$": "$",
        "ctx.$": "$$.Execution.Name",
        "v.$": "$v.x",
        "many.$": "$.list[1:]",
        literal: "$.a",
        nested: { "k.$": "$.obj.k", arr: [{ "i.$": "$.list[0]" }, 5] },
        "x.$y": 1,
      },
      "Parameters",
    );
    assert.deepEqual(template(scope(input, { v: { x: true } }, { Execution: { Name: "run" } })), {
      a: 1,
      whole: input,
      ctx: "run",
      v: true,
      many: [2, 3],
      literal: "$.a",
      nested: { k: "v", arr: [{ i: 1 }, 5] },
      "x.$y": 1,
    });
  });

  test("constant subtrees are shared, dynamic parts are rebuilt", () => {
    const constant = { deep: { list: [1, 2] } };
    const whole = compilePayloadTemplate(constant, "Parameters");
    assert.equal(whole(scope({})), constant);
    const mixed = compilePayloadTemplate({ c: constant, "d.$": "$" }, "Parameters");
    const first = mixed(scope(1)) as JsonObject;
    const second = mixed(scope(2)) as JsonObject;
    assert.equal(first.c, constant);
    assert.notEqual(first, second);
    assert.deepEqual([first.d, second.d], [1, 2]);
    assert.equal(compilePayloadTemplate("text", "Result")(scope({})), "text");
  });

  test("missing values: definite paths fail, indefinite ones give []", () => {
    const template = compilePayloadTemplate({ "v.$": "$.nope" }, "Parameters");
    assert.throws(
      () => template(scope({ x: 1 })),
      (e) =>
        e instanceof StatesError &&
        e.error === "States.Runtime" &&
        e.cause ===
          `The JSONPath '$.nope' specified for the field 'v.$' could not be found in the input '{"x":1}'`,
    );
    assert.throws(() => compilePayloadTemplate({ "v.$": "$unset" }, "P")(scope({})), StatesError);
    assert.deepEqual(compilePayloadTemplate({ "v.$": "$.nope[*]" }, "P")(scope({})), { v: [] });
  });

  test("intrinsic calls", () => {
    const template = compilePayloadTemplate(
      { "s.$": "States.Format('{} and {}', $.a, $v)", "n.$": "States.ArrayLength($.list)" },
      "Parameters",
    );
    assert.deepEqual(template(scope(input, { v: "w" })), { s: "1 and w", n: 3 });
  });

  test("invalid `.$` values are PathSyntaxError at compile time", () => {
    for (const bad of [1, null, true, {}, [], "plain", "$.a[", "States.Nope(", "$v x"] as Json[]) {
      assert.throws(
        () => compilePayloadTemplate({ nested: [{ "f.$": bad }] }, "Parameters"),
        (e) =>
          e instanceof PathSyntaxError &&
          /The value for the field 'f\.\$' must be a valid JSONPath/.test(e.message),
        JSON.stringify(bad),
      );
    }
  });

  test("a `__proto__` key stays an ordinary member", () => {
    const out = compilePayloadTemplate(
      JSON.parse('{"__proto__.$": "$"}') as Json,
      "P",
    )(scope(5)) as JsonObject;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(Object.hasOwn(out, "__proto__"), true);
    assert.equal(JSON.stringify(out), '{"__proto__":5}');
  });

  test("templates nested absurdly deep are refused at compile time", () => {
    let deep: Json = { "x.$": "$" };
    for (let i = 0; i < 5000; i++) deep = { d: deep };
    assert.throws(() => compilePayloadTemplate(deep, "Parameters"), PathSyntaxError);
  });
});
