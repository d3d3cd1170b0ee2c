/** Definition-time checks of Choice rules (what AWS rejects at CreateStateMachine). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkChoiceRule, compileChoiceRule } from "../../src/asl/choice/index.js";
import { DefinitionError } from "../../src/asl/errors.js";

const AT = "/States/C/Choices/0";

/** `[location, code, message fragment]` of each diagnostic. */
function problems(rule: unknown, level?: "top" | "nested" | "condition") {
  return checkChoiceRule(rule, AT, level).map((d) => [d.location, d.code, d.message] as const);
}

function assertOne(
  rule: unknown,
  location: string,
  fragment: string,
  code = "SCHEMA_VALIDATION_FAILED",
) {
  const found = problems(rule);
  assert.equal(found.length, 1, JSON.stringify(found));
  assert.equal(found[0][0], location);
  assert.equal(found[0][1], code);
  assert.ok(found[0][2].includes(fragment), found[0][2]);
}

test("valid rules have no diagnostics", () => {
  for (const rule of [
    { Variable: "$.a", StringEquals: "x", Next: "N" },
    { Variable: "$.a", NumericLessThanPath: "$.b", Next: "N", Comment: "c", Assign: { x: 1 } },
    { Variable: "$$.Execution.Id", IsPresent: false, Next: "N" },
    { Variable: "$v.x", TimestampEquals: "2012-10-09T19:00:55+01:00", Next: "N" },
    { And: [{ Variable: "$.a", IsNull: true, Comment: "nested comment" }], Next: "N" },
    { Not: { Or: [{ Variable: "$.a", BooleanEquals: true }] }, Next: "N" },
  ]) {
    assert.deepEqual(problems(rule), [], JSON.stringify(rule));
  }
});

test("unknown operator or field", () => {
  const misspelt = problems({ Variable: "$.a", StringEqual: "x", Next: "N" });
  assert.equal(misspelt.length, 2);
  assert.ok(
    misspelt.some(([at, , m]) => at === `${AT}/StringEqual` && m.includes("not supported")),
  );
  assert.ok(misspelt.some(([at, , m]) => at === AT && m.includes("found: none")));
  assertOne(
    { Variable: "$.a", IsNull: true, Next: "N", Condition: "{% true %}" },
    `${AT}/Condition`,
    "not supported",
  );
  assertOne(
    { Variable: "$.a", IsNull: true, Next: "N", "a/b~": 1 },
    `${AT}/a~1b~0`,
    "not supported",
  );
});

test("operand of the wrong type", () => {
  assertOne(
    { Variable: "$.a", NumericEquals: "1", Next: "N" },
    `${AT}/NumericEquals`,
    "must be a number",
  );
  assertOne(
    { Variable: "$.a", StringEquals: 1, Next: "N" },
    `${AT}/StringEquals`,
    "must be a string",
  );
  assertOne(
    { Variable: "$.a", BooleanEquals: "true", Next: "N" },
    `${AT}/BooleanEquals`,
    "must be a boolean",
  );
  assertOne({ Variable: "$.a", IsPresent: 1, Next: "N" }, `${AT}/IsPresent`, "must be a boolean");
  assertOne(
    { Variable: "$.a", StringMatches: null, Next: "N" },
    `${AT}/StringMatches`,
    "must be a string",
  );
  assertOne(
    { Variable: "$.a", TimestampEquals: "2012-10-09", Next: "N" },
    `${AT}/TimestampEquals`,
    "String does not match RFC3339 timestamp",
  );
  assertOne(
    { Variable: "$.a", NumericEqualsPath: 3, Next: "N" },
    `${AT}/NumericEqualsPath`,
    "must be a string",
  );
  assertOne(
    { Variable: "$.a", NumericEqualsPath: "a.b", Next: "N" },
    `${AT}/NumericEqualsPath`,
    "valid JSONPath",
    "INVALID_JSON_PATH",
  );
});

test("exactly one condition", () => {
  assertOne({ Variable: "$.a", Next: "N" }, AT, "found: none");
  assertOne(
    { Variable: "$.a", IsNull: true, IsString: true, Next: "N" },
    AT,
    "found: IsNull, IsString",
  );
  assertOne(
    { And: [{ Variable: "$.a", IsNull: true }], Not: { Variable: "$.a", IsNull: true }, Next: "N" },
    AT,
    "found: And, Not",
  );
  assertOne({ Next: "N" }, AT, "found: none");
});

test("Variable is required with a comparison and not allowed with And/Or/Not", () => {
  assertOne({ StringEquals: "x", Next: "N" }, AT, "'Variable' is required");
  assertOne({ Variable: 1, StringEquals: "x", Next: "N" }, `${AT}/Variable`, "must be a string");
  assertOne(
    { Variable: "x", StringEquals: "x", Next: "N" },
    `${AT}/Variable`,
    "valid JSONPath",
    "INVALID_JSON_PATH",
  );
  assertOne(
    { Variable: "$.a", Not: { Variable: "$.a", IsNull: true }, Next: "N" },
    `${AT}/Variable`,
    "not supported",
  );
});

test("Next is required on top-level rules and forbidden on nested ones", () => {
  assertOne({ Variable: "$.a", IsNull: true }, AT, "'Next' is required");
  assertOne({ Variable: "$.a", IsNull: true, Next: 1 }, `${AT}/Next`, "must be a string");
  assertOne(
    { And: [{ Variable: "$.a", IsNull: true, Next: "M" }], Next: "N" },
    `${AT}/And/0/Next`,
    "not supported",
  );
  assertOne(
    { Not: { Variable: "$.a", IsNull: true, Assign: {} }, Next: "N" },
    `${AT}/Not/Assign`,
    "not supported",
  );
  assert.deepEqual(problems({ Variable: "$.a", IsNull: true }, "condition"), []);
  assert.equal(problems({ Variable: "$.a", IsNull: true, Next: "N" }, "nested").length, 1);
});

test("And/Or need a non-empty array of rule objects", () => {
  assertOne({ And: [], Next: "N" }, `${AT}/And`, "non-empty array");
  assertOne({ Or: {}, Next: "N" }, `${AT}/Or`, "non-empty array");
  assertOne({ Or: [1], Next: "N" }, `${AT}/Or/0`, "must be a JSON object");
  assertOne({ Not: [], Next: "N" }, `${AT}/Not`, "must be a JSON object");
});

test("non-objects and deep nesting are reported, never thrown", () => {
  for (const rule of [null, 1, "x", [], true]) {
    assert.equal(problems(rule).length, 1);
  }
  let deep: Record<string, unknown> = { Variable: "$.a", IsNull: true };
  for (let i = 0; i < 5000; i++) deep = { Not: deep };
  deep.Next = "N";
  const found = checkChoiceRule(deep, AT);
  assert.equal(found.length, 1);
  assert.equal(found[0].code, "TOO_DEEPLY_NESTED");
});

test("compileChoiceRule refuses a rule that fails the check", () => {
  assert.throws(
    () => compileChoiceRule({ Variable: "$.a", NumericEquals: "x" }, AT),
    DefinitionError,
  );
});
