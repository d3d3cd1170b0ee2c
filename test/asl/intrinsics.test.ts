import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StatesError } from "../../src/asl/errors.js";
import {
  checkIntrinsic,
  compileIntrinsic,
  IntrinsicSyntaxError,
  intrinsicFunctions,
  isIntrinsicCall,
} from "../../src/asl/intrinsics/index.js";
import { javaNumber } from "../../src/asl/intrinsics/java-text.js";
import type { Json } from "../../src/asl/json.js";
import type { Scope } from "../../src/asl/scope.js";

function scopeOf(
  input: Json,
  extra: { context?: Json; variables?: Record<string, Json> } = {},
): Scope {
  const variables = extra.variables ?? {};
  let uuids = 0;
  return {
    input,
    context: extra.context ?? {},
    variables: { get: (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined) },
    entropy: { random: () => 0.5, uuid: () => `uuid-${++uuids}` },
  };
}

const run = (text: string, input: Json = {}, extra: Parameters<typeof scopeOf>[1] = {}): Json =>
  compileIntrinsic(text)(scopeOf(input, extra));

function failsWith(text: string, error: string, cause: RegExp, input: Json = {}): void {
  assert.throws(
    () => run(text, input),
    (e: unknown) => e instanceof StatesError && e.error === error && cause.test(e.cause ?? ""),
  );
}

const intrinsicFailure = (text: string, cause: RegExp, input: Json = {}) =>
  failsWith(text, "States.IntrinsicFailure", cause, input);

describe("parsing", () => {
  test("literals, whitespace and nesting", () => {
    assert.deepEqual(run("States.Array( 'a' ,1, -2.5e1 , true,false , null )"), [
      "a",
      1,
      -25,
      true,
      false,
      null,
    ]);
    assert.deepEqual(run("States.Array(States.Array(), States.Array(States.Array(1)))"), [
      [],
      [[1]],
    ]);
  });

  test("path arguments: input, context, variables", () => {
    const context = { Execution: { Id: "exec-1" } };
    const variables = { order: { items: ["x", "y"] }, n: 3 };
    assert.deepEqual(run("States.Array($, $.a, $$.Execution.Id)", { a: 1 }, { context }), [
      { a: 1 },
      1,
      "exec-1",
    ]);
    assert.deepEqual(run("States.Array($order.items[1], $n)", {}, { variables }), ["y", 3]);
    assert.deepEqual(run("States.Array($['a,b'])", { "a,b": 2 }), [2]);
  });

  test("string escapes", () => {
    assert.equal(run("States.Format('it\\'s \\{\\} \\\\')"), "it's {} \\");
    // An escaped pair is text; an unescaped pair is a placeholder.
    assert.equal(run("States.Format('\\{\\} {}', 'x')"), "{} x");
    // Unescaped braces are fine outside States.Format (recorded from AWS).
    assert.deepEqual(run(`States.StringToJson('{"a": 1}')`), { a: 1 });
  });

  test("syntax errors say where and what was expected", () => {
    const cases: [string, RegExp][] = [
      ["States.Format('x'", /expected ',' or '\)' but reached the end at position 17/],
      ["States.Format('x)", /unterminated string literal.* at position 14/],
      [`States.Format('a \\"b\\"')`, /illegal escape '\\"'.* at position 17/],
      ["States.Nope(1)", /unknown intrinsic function 'States.Nope' at position 0/],
      ["States.Array(1) x", /unexpected ' ' after the end of the call at position 15/],
      ["States.Array(1,)", /expected an argument .* but found '\)' at position 15/],
      ["States.Array(nul)", /expected an argument/],
      ["Format('x')", /expected an intrinsic function call/],
      ["States.Array(1 2)", /expected ',' or '\)' but found '2'/],
      ["States.Array($.a[)", /invalid path '\$.a\[\)'|unterminated|expected/],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => compileIntrinsic(text),
        (e: unknown) => e instanceof IntrinsicSyntaxError && message.test(e.message),
        text,
      );
    }
  });

  test("nesting is limited to 10 calls", () => {
    const nest = (n: number) => `${"States.Array(".repeat(n)}${")".repeat(n)}`;
    assert.doesNotThrow(() => compileIntrinsic(nest(10)));
    assert.throws(() => compileIntrinsic(nest(11)), /more than 10 nested/);
    assert.throws(() => compileIntrinsic(nest(100000)), IntrinsicSyntaxError);
  });

  test("isIntrinsicCall tells intrinsics from paths", () => {
    assert.equal(isIntrinsicCall("States.Format('x')"), true);
    assert.equal(isIntrinsicCall("$.States"), false);
    assert.equal(isIntrinsicCall("$"), false);
  });
});

describe("checkIntrinsic", () => {
  test("accepts valid expressions", () => {
    assert.deepEqual(checkIntrinsic("States.MathRandom(1, 2, 3)"), []);
    assert.deepEqual(checkIntrinsic("States.Array()"), []);
  });

  test("reports syntax errors, unknown names and every arity problem", () => {
    assert.match(checkIntrinsic("States.Format(")[0], /expected an argument/);
    assert.match(checkIntrinsic("States.Foo()")[0], /unknown intrinsic function/);
    assert.deepEqual(checkIntrinsic("States.Array(States.UUID(1), States.ArrayRange(1, 2))"), [
      "States.UUID expects exactly 0 arguments, but got 1 at position 13",
      "States.ArrayRange expects exactly 3 arguments, but got 2 at position 29",
    ]);
    assert.match(checkIntrinsic("States.Format()")[0], /at least 1 argument/);
    assert.match(checkIntrinsic("States.MathRandom(1)")[0], /2 to 3 arguments/);
  });

  test("the registry covers all 18 functions", () => {
    assert.equal(Object.keys(intrinsicFunctions).length, 18);
  });
});

describe("runtime failures", () => {
  test("absent paths and variables are States.Runtime", () => {
    failsWith("States.Format('{}', $.missing)", "States.Runtime", /'\$\.missing'/);
    failsWith("States.Format('{}', $nope)", "States.Runtime", /variable '\$nope'/);
  });

  test("wrong arity at run time is States.IntrinsicFailure", () => {
    intrinsicFailure("States.ArrayLength()", /exactly 1 argument, but got 0/);
  });

  test("wrong types name the argument", () => {
    intrinsicFailure("States.ArrayLength('x')", /first argument must be an array, but was string/);
    intrinsicFailure("States.ArrayGetItem($.a, 'x')", /second argument must be a number/, {
      a: [],
    });
  });
});

describe("functions", () => {
  test("States.Format renders values as AWS does", () => {
    const input = { o: { a: 1, b: [1, "x", null], c: { d: true } }, n: 1.5e-7, t: "v={}" };
    assert.equal(run("States.Format('{}', $.o)", input), "{a=1, b=[1, x, null], c={d=true}}");
    assert.equal(run("States.Format('{} {}', $.n, 12345678.5)", input), "1.5E-7 1.23456785E7");
    assert.equal(run("States.Format($.t, 3)", input), "v=3");
    intrinsicFailure("States.Format('{} {}', 1)", /2 placeholder\(s\) but 1 value\(s\)/);
    intrinsicFailure("States.Format(1)", /first argument must be a string/);
  });

  test("States.JsonToString is compact JSON with Java numbers", () => {
    assert.equal(
      run("States.JsonToString($)", { a: [1, 0.5, 1e21, 1e-4], b: 'q"' }),
      '{"a":[1,0.5,1.0E21,1.0E-4],"b":"q\\""}',
    );
    assert.equal(javaNumber(100), "100");
    assert.equal(javaNumber(1e7), "10000000");
    assert.equal(javaNumber(0.001), "0.001");
    assert.equal(javaNumber(-0), "0");
  });

  test("States.StringToJson", () => {
    assert.deepEqual(run("States.StringToJson(' [1, {\"a\": null}] ')"), [1, { a: null }]);
    intrinsicFailure("States.StringToJson('{')", /not valid JSON/);
  });

  test("States.ArrayRange", () => {
    assert.deepEqual(run("States.ArrayRange(9, 1, -3)"), [9, 6, 3]);
    assert.deepEqual(run("States.ArrayRange(1, 0, 1)"), []);
    assert.equal((run("States.ArrayRange(1, 1000, 1)") as Json[]).length, 1000);
    intrinsicFailure("States.ArrayRange(0, 1000, 1)", /1001 items; at most 1000/);
    intrinsicFailure("States.ArrayRange(0, 1e15, 1)", /items; at most 1000/);
    intrinsicFailure("States.ArrayRange(0, 10, 0)", /must not be 0/);
    intrinsicFailure("States.ArrayRange(0.5, 10, 1)", /must be an integer/);
  });

  test("array functions", () => {
    const input = { a: [1, { x: 1, y: 2 }, { y: 2, x: 1 }, [1], [1], 1, "1"] };
    assert.deepEqual(run("States.ArrayUnique($.a)", input), [1, { x: 1, y: 2 }, [1], "1"]);
    assert.deepEqual(run("States.ArrayPartition($.a, 3)", input), [
      [1, { x: 1, y: 2 }, { y: 2, x: 1 }],
      [[1], [1], 1],
      ["1"],
    ]);
    assert.equal(
      run('States.ArrayContains($.a, States.StringToJson(\'{"y":2,"x":1}\'))', input),
      true,
    );
    assert.equal(run("States.ArrayGetItem($.a, 6)", input), "1");
    intrinsicFailure(
      "States.ArrayGetItem($.a, 7)",
      /index 7 is out of bounds for an array of length 7/,
      input,
    );
    intrinsicFailure("States.ArrayPartition($.a, 0)", /positive integer/, input);
  });

  test("encoding and hashing", () => {
    assert.equal(run("States.Base64Encode('héllo ✓')"), "aMOpbGxvIOKckw==");
    assert.equal(run("States.Base64Decode('aMOpbGxvIOKckw==')"), "héllo ✓");
    assert.equal(run("States.Base64Decode('aGk')"), "hi");
    intrinsicFailure("States.Base64Decode('a$b=')", /not valid Base64/);
    intrinsicFailure("States.Base64Encode($.s)", /at most 10000 characters/, {
      s: "x".repeat(10001),
    });
    assert.equal(run("States.Hash('', 'SHA-1')"), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    intrinsicFailure("States.Hash('x', 'sha256')", /unsupported algorithm 'sha256'/);
  });

  test("States.JsonMerge is shallow only", () => {
    assert.deepEqual(
      run("States.JsonMerge($.a, $.b, false)", { a: { x: { p: 1 }, y: 1 }, b: { x: { q: 2 } } }),
      {
        x: { q: 2 },
        y: 1,
      },
    );
    intrinsicFailure("States.JsonMerge($, $, true)", /deep merging is not supported/);
    intrinsicFailure("States.JsonMerge($, 1, false)", /second argument must be an object/);
  });

  test("math", () => {
    assert.equal(run("States.MathAdd(-2.5, 2.5)"), 1);
    intrinsicFailure("States.MathAdd(2147483648, 0)", /between -2147483648 and 2147483647/);
    assert.equal(run("States.MathRandom(10, 20)"), 15); // entropy.random() = 0.5
    const seeded = run("States.MathRandom(0, 999, 7)");
    assert.equal(run("States.MathRandom(0, 999, 7)"), seeded);
    assert.ok(typeof seeded === "number" && seeded >= 0 && seeded <= 999);
    assert.equal(run("States.MathRandom(5, 5, 1)"), 5);
    intrinsicFailure("States.MathRandom(5, 4)", /must not be less than the start/);
  });

  test("strings and UUID", () => {
    assert.deepEqual(run("States.StringSplit('a,b;;c', ',;')"), ["a", "b", "c"]);
    assert.deepEqual(run("States.StringSplit('abc', '')"), ["abc"]);
    assert.deepEqual(run("States.Array(States.UUID(), States.UUID())"), ["uuid-1", "uuid-2"]);
  });
});
