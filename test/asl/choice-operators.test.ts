/** Semantics of each operator family, the operand roots and the runtime errors. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compileChoiceRule, isTimestamp } from "../../src/asl/choice/index.js";
import type { ChoiceRule } from "../../src/asl/definition.js";
import { StatesError } from "../../src/asl/errors.js";
import type { Json } from "../../src/asl/json.js";
import type { Scope } from "../../src/asl/scope.js";

function scope(input: Json, variables: Record<string, Json> = {}, context: Json = {}): Scope {
  return {
    input,
    context,
    variables: { get: (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined) },
    entropy: { random: () => 0, uuid: () => "" },
  };
}

/** Evaluates `{Variable: "$.v", [op]: operand}` against `{v: value}`. */
function holds(op: string, operand: Json, value: Json): boolean {
  return compileChoiceRule({ Variable: "$.v", [op]: operand }, "/r")(scope({ v: value }));
}

/** Evaluates `{Variable: "$.v", [op]: "$.w"}` against `{v, w}`. */
function holdsPath(op: string, value: Json, other: Json): boolean {
  return compileChoiceRule({ Variable: "$.v", [op]: "$.w" }, "/r")(scope({ v: value, w: other }));
}

function assertRuntime(run: () => unknown, path: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof StatesError);
    assert.equal(error.error, "States.Runtime");
    assert.equal(
      error.cause,
      `Invalid path '${path}': The choice state's condition path references an invalid value.`,
    );
    return true;
  });
}

describe("string comparisons", () => {
  test("order by UTF-16 code units, like Java's compareTo", () => {
    assert.equal(holds("StringLessThan", "b", "a"), true);
    assert.equal(holds("StringLessThan", "B", "a"), false); // "a" (97) is after "B" (66)
    assert.equal(holds("StringLessThanEquals", "ab", "ab"), true);
    assert.equal(holds("StringGreaterThan", "A", "AB"), true);
    assert.equal(holds("StringGreaterThanEquals", "b", "a"), false);
    assert.equal(holds("StringEquals", "é", "é"), true);
    assert.equal(holds("StringLessThan", "\uffff", "\u{1F600}"), true); // surrogate 0xD83D < 0xFFFF
  });
  test("a non-string value is false, not an error", () => {
    for (const value of [1, true, null, [], {}, ["a"]]) {
      assert.equal(holds("StringEquals", "1", value), false);
      assert.equal(holdsPath("StringEqualsPath", value, value), false);
    }
  });
  test("Path forms compare two strings", () => {
    assert.equal(holdsPath("StringEqualsPath", "x", "x"), true);
    assert.equal(holdsPath("StringLessThanPath", "a", "b"), true);
    assert.equal(holdsPath("StringGreaterThanEqualsPath", "a", "b"), false);
    assert.equal(holdsPath("StringEqualsPath", "1", 1), false);
  });
});

describe("StringMatches", () => {
  const cases: [string, string, boolean][] = [
    ["log-*.txt", "log-2024.txt", true],
    ["log-*.txt", "log-.txt", true],
    ["log-*.txt", "log-2024.txt.gz", false],
    ["*", "", true],
    ["", "", true],
    ["", "a", false],
    ["a*b*c", "abc", true],
    ["a*b*c", "aXbYbZc", true],
    ["a*b*c", "acb", false],
    ["*ab*ab*", "abab", true],
    ["a*a", "a", false],
    ["\\*", "*", true],
    ["\\*", "x", false],
    ["a\\*b", "a*b", true],
    ["a\\*b", "aXb", false],
    ["\\\\*", "\\anything", true],
    ["\\\\", "\\", true],
    ["a\\b", "a\\b", true], // backslash before another character is literal
    ["?", "x", false], // only * is special
  ];
  for (const [pattern, value, expected] of cases) {
    test(`${JSON.stringify(pattern)} ~ ${JSON.stringify(value)} is ${expected}`, () => {
      assert.equal(holds("StringMatches", pattern, value), expected);
    });
  }
  test("non-strings do not match", () => {
    assert.equal(holds("StringMatches", "*", 1), false);
    assert.equal(holds("StringMatches", "*", null), false);
  });
});

describe("numeric comparisons", () => {
  test("compare by value; int and float are the same number", () => {
    assert.equal(holds("NumericEquals", 1, 1.0), true);
    assert.equal(holds("NumericEquals", 2.22, 2.22), true);
    assert.equal(holds("NumericEquals", 0, -0), true);
    assert.equal(holds("NumericLessThan", 1, 0.999), true);
    assert.equal(holds("NumericGreaterThan", -1, -0.5), true);
    assert.equal(holds("NumericLessThanEquals", 3, 3), true);
    assert.equal(holds("NumericGreaterThanEquals", 3, 2), false);
    assert.equal(holds("NumericEquals", 1e21, 1e21), true);
  });
  test("non-numbers, including numeric strings, are false", () => {
    for (const value of ["1", true, null, [1], { a: 1 }]) {
      assert.equal(holds("NumericEquals", 1, value), false);
      assert.equal(holds("NumericLessThan", 100, value), false);
      assert.equal(holdsPath("NumericEqualsPath", 1, value), false);
    }
  });
  test("Path forms", () => {
    assert.equal(holdsPath("NumericLessThanPath", 1, 2), true);
    assert.equal(holdsPath("NumericGreaterThanEqualsPath", 2, 2), true);
  });
});

describe("BooleanEquals", () => {
  test("only JSON booleans", () => {
    assert.equal(holds("BooleanEquals", true, true), true);
    assert.equal(holds("BooleanEquals", false, false), true);
    assert.equal(holds("BooleanEquals", true, "true"), false);
    assert.equal(holds("BooleanEquals", false, 0), false);
    assert.equal(holds("BooleanEquals", false, null), false);
    assert.equal(holdsPath("BooleanEqualsPath", true, true), true);
    assert.equal(holdsPath("BooleanEqualsPath", false, true), false);
    assert.equal(holdsPath("BooleanEqualsPath", 1, 1), false);
  });
});

describe("timestamps", () => {
  test("accepted forms", () => {
    for (const text of [
      "2016-03-14T01:59:00Z",
      "2016-03-14T01:59:00.1Z",
      "2016-03-05T21:29:29.243167252Z",
      "2012-10-09T19:00:55+01:00",
      "2012-10-09T19:00:55-00:00",
      "2024-02-29T23:59:59.999+14:00",
      "2024-02-29T23:59:59-18:00",
      "0001-01-01T00:00:00Z",
    ]) {
      assert.equal(isTimestamp(text), true, text);
    }
  });
  test("rejected forms", () => {
    for (const text of [
      "2012-10-09T19:00:55", // no zone
      "2012-10-09 19:00:55Z", // no T
      "2012-10-09t19:00:55Z", // lowercase t
      "2012-10-09T19:00:55z", // lowercase z
      "2023-02-24",
      "2023-02-24 12:15:56.832957",
      "05-12-2016T21:29:29Z",
      "2016-13-05T21:29:29Z",
      "2016-12-05T25:29:29Z",
      "2023-02-29T00:00:00Z", // not a leap year
      "2016-12-05T21:60:00Z",
      "2016-12-05T21:29:60Z", // no leap second
      "2016-12-05T21:29:29.Z",
      "2016-12-05T21:29:29.1234567891Z", // more than nanoseconds
      "2016-12-05T21:29:29+0100",
      "2016-12-05T21:29:29+18:01", // beyond Java's ZoneOffset range
      "2016-12-05T21:29:29+19:00",
      "2016-12-05T21:29:29+01",
      "2016-12-05T21:29Z",
      "2016-12-05T21:29:29Z ",
      "",
    ]) {
      assert.equal(isTimestamp(text), false, text);
    }
    assert.equal(isTimestamp(1 as Json), false);
  });
  test("offsets and fractions compare as instants", () => {
    assert.equal(
      holds("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T20:00:55+01:00"),
      true,
    );
    assert.equal(
      holds("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55.000Z"),
      true,
    );
    assert.equal(
      holds("TimestampLessThan", "2012-10-09T19:00:55.1Z", "2012-10-09T19:00:55.09Z"),
      true,
    );
    assert.equal(
      holds(
        "TimestampGreaterThan",
        "2012-10-09T19:00:55.000000001Z",
        "2012-10-09T19:00:55.000000002Z",
      ),
      true,
    );
    assert.equal(
      holds("TimestampLessThanEquals", "2012-10-10T00:30:00+05:30", "2012-10-09T19:00:00Z"),
      true,
    );
    assert.equal(
      holds("TimestampGreaterThanEquals", "2000-01-01T00:00:00Z", "1999-12-31T23:59:59Z"),
      false,
    );
    assert.equal(
      holds("TimestampLessThan", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z"),
      true,
    );
  });
  test("non-timestamps are false", () => {
    for (const value of ["", "2023-02-24 12:15:56.832957", 0, null, true, {}]) {
      assert.equal(holds("TimestampEquals", "2012-10-09T19:00:55Z", value), false);
      assert.equal(holdsPath("TimestampEqualsPath", value, "2012-10-09T19:00:55Z"), false);
    }
    assert.equal(holdsPath("TimestampEqualsPath", "2012-10-09T19:00:55Z", "x"), false);
  });
  test("Path forms", () => {
    assert.equal(
      holdsPath("TimestampLessThanPath", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z"),
      true,
    );
    assert.equal(
      holdsPath("TimestampEqualsPath", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z"),
      true,
    );
  });
});

describe("type tests", () => {
  const values: [Json, string][] = [
    [null, "IsNull"],
    [1.5, "IsNumeric"],
    ["s", "IsString"],
    [false, "IsBoolean"],
    ["2012-10-09T19:00:55+01:00", "IsTimestamp"],
  ];
  for (const [value, yes] of values) {
    test(`${JSON.stringify(value)} satisfies exactly ${yes} (and IsString for timestamps)`, () => {
      for (const op of ["IsNull", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"]) {
        const expected = op === yes || (yes === "IsTimestamp" && op === "IsString");
        assert.equal(holds(op, true, value), expected, op);
        assert.equal(holds(op, false, value), !expected, op);
      }
    });
  }
  test("missing Variable is States.Runtime for type tests", () => {
    assertRuntime(
      () => compileChoiceRule({ Variable: "$.nope", IsNull: true }, "/r")(scope({})),
      "$.nope",
    );
  });
});

describe("IsPresent", () => {
  test("absent paths are an answer, not an error", () => {
    const present = compileChoiceRule({ Variable: "$.a.b", IsPresent: true }, "/r");
    const absent = compileChoiceRule({ Variable: "$.a.b", IsPresent: false }, "/r");
    assert.equal(present(scope({ a: { b: null } })), true);
    assert.equal(present(scope({ a: {} })), false);
    assert.equal(present(scope({})), false);
    assert.equal(absent(scope({ a: 1 })), true);
    assert.equal(absent(scope({ a: { b: 0 } })), false);
  });
  test("works on variables and the context", () => {
    assert.equal(
      compileChoiceRule({ Variable: "$x", IsPresent: true }, "/r")(scope({}, { x: 1 })),
      true,
    );
    assert.equal(compileChoiceRule({ Variable: "$x", IsPresent: true }, "/r")(scope({})), false);
    assert.equal(
      compileChoiceRule(
        { Variable: "$$.Execution.Id", IsPresent: true },
        "/r",
      )(scope({}, {}, { Execution: { Id: "e" } })),
      true,
    );
  });
});

describe("operand roots and runtime errors", () => {
  test("$ reads input, $$ the context, $name a variable", () => {
    const ctx = { Execution: { Name: "run-1" } };
    assert.equal(compileChoiceRule({ Variable: "$", StringEquals: "x" }, "/r")(scope("x")), true);
    assert.equal(
      compileChoiceRule(
        { Variable: "$$.Execution.Name", StringEquals: "run-1" },
        "/r",
      )(scope({}, {}, ctx)),
      true,
    );
    assert.equal(
      compileChoiceRule(
        { Variable: "$count", NumericGreaterThan: 2 },
        "/r",
      )(scope({}, { count: 3 })),
      true,
    );
    assert.equal(
      compileChoiceRule(
        { Variable: "$cfg.limits[1]", NumericEquals: 20 },
        "/r",
      )(scope({}, { cfg: { limits: [10, 20] } })),
      true,
    );
    assert.equal(
      compileChoiceRule(
        { Variable: "$.v", NumericLessThanPath: "$limit" },
        "/r",
      )(scope({ v: 1 }, { limit: 2 })),
      true,
    );
  });
  test("a missing Variable fails with States.Runtime and AWS's text", () => {
    assertRuntime(() => holds("StringEquals", "x", undefined as unknown as Json), "$.v");
    assertRuntime(
      () => compileChoiceRule({ Variable: "$missing", BooleanEquals: true }, "/r")(scope({})),
      "$missing",
    );
    assertRuntime(
      () => compileChoiceRule({ Variable: "$$.Nope", StringEquals: "x" }, "/r")(scope({})),
      "$$.Nope",
    );
  });
  test("a missing ...Path operand fails the same way", () => {
    assertRuntime(
      () => compileChoiceRule({ Variable: "$.v", NumericEqualsPath: "$.w" }, "/r")(scope({ v: 1 })),
      "$.w",
    );
  });
  test("null is present: comparisons are false, not errors", () => {
    assert.equal(holds("NumericEquals", 0, null), false);
    assert.equal(holdsPath("StringEqualsPath", "x", null), false);
  });
});

describe("And, Or, Not", () => {
  const rule: ChoiceRule = {
    And: [
      { Variable: "$.n", NumericGreaterThanEquals: 20 },
      {
        Or: [
          { Variable: "$.n", NumericLessThan: 30 },
          { Not: { Variable: "$.s", IsPresent: true } },
        ],
      },
    ],
    Next: "X",
  };
  const compiled = compileChoiceRule(rule, "/r");
  test("combine", () => {
    assert.equal(compiled(scope({ n: 22, s: 1 })), true);
    assert.equal(compiled(scope({ n: 40, s: 1 })), false);
    assert.equal(compiled(scope({ n: 40 })), true);
    assert.equal(compiled(scope({ n: 10 })), false);
  });
  test("short-circuit left to right", () => {
    const andRule = compileChoiceRule(
      {
        And: [
          { Variable: "$.a", BooleanEquals: true },
          { Variable: "$.missing", IsNull: true },
        ],
      },
      "/r",
    );
    assert.equal(andRule(scope({ a: false })), false);
    assertRuntime(() => andRule(scope({ a: true })), "$.missing");
    const orRule = compileChoiceRule(
      {
        Or: [
          { Variable: "$.a", BooleanEquals: true },
          { Variable: "$.missing", IsNull: true },
        ],
      },
      "/r",
    );
    assert.equal(orRule(scope({ a: true })), true);
  });
});
