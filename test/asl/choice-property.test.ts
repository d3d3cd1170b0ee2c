/**
 * Property: for any rule and any input, checkChoiceRule returns diagnostics without throwing;
 * a rule it accepts compiles, and evaluating it yields a boolean or throws only StatesError.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { checkChoiceRule, compileChoiceRule, OPERATORS } from "../../src/asl/choice/index.js";
import type { ChoiceRule } from "../../src/asl/definition.js";
import { DefinitionError, StatesError } from "../../src/asl/errors.js";
import type { Json } from "../../src/asl/json.js";
import type { Scope } from "../../src/asl/scope.js";

const operatorNames = Object.keys(OPERATORS);

const timestamp = fc
  .date({
    min: new Date("0001-01-01T00:00:00Z"),
    max: new Date("9999-12-31T23:59:59Z"),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString());

const paths = fc.constantFrom(
  "$",
  "$.a",
  "$.b",
  "$.a.b",
  "$['a']",
  "$.list[0]",
  "$$.ctx",
  "$v",
  "$v.a",
  "$nope",
  "a",
  "$.",
  "",
);

const operand: fc.Arbitrary<unknown> = fc.oneof(
  paths,
  timestamp,
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

const json: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  timestamp,
  fc.record({
    a: fc.oneof(timestamp, fc.jsonValue({ maxDepth: 2 })),
    b: fc.jsonValue({ maxDepth: 1 }),
  }) as fc.Arbitrary<Json>,
);

const validPaths = fc.constantFrom(
  "$",
  "$.a",
  "$.b",
  "$.a.b",
  "$['a']",
  "$.list[0]",
  "$$.ctx",
  "$v",
  "$v.a",
  "$nope",
);

/** An operand of the type the operator expects (so most generated rules pass the check). */
function typedOperand(op: string): fc.Arbitrary<unknown> {
  const spec = OPERATORS[op as keyof typeof OPERATORS];
  if (spec.kind === "path") return validPaths;
  switch (spec.operand) {
    case "string":
      return fc.oneof(fc.string(), fc.stringMatching(/^[a\\*]{0,6}$/));
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "timestamp":
      return timestamp;
  }
}

const wellTyped = fc
  .constantFrom(...operatorNames)
  .chain((op) => typedOperand(op).map((value) => ({ Variable: "", [op]: value })))
  .chain((r) => validPaths.map((variable) => ({ ...r, Variable: variable })));

const extraField = fc.constantFrom("Next", "Comment", "Assign", "Bogus", "Condition", "Variable");

const randomComparison = fc
  .tuple(
    fc.option(paths, { nil: undefined }),
    fc.array(fc.tuple(fc.constantFrom(...operatorNames), operand), { minLength: 0, maxLength: 2 }),
    fc.array(fc.tuple(extraField, operand), { maxLength: 1 }),
  )
  .map(([variable, ops, extras]) => {
    const r: Record<string, unknown> = Object.fromEntries([...extras, ...ops]);
    if (variable !== undefined) r.Variable = variable;
    return r;
  });

const { rule } = fc.letrec<{ rule: unknown }>((tie) => ({
  rule: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { arbitrary: wellTyped, weight: 6 },
    { arbitrary: randomComparison, weight: 2 },
    { arbitrary: fc.record({ And: fc.array(tie("rule"), { maxLength: 3 }) }), weight: 1 },
    { arbitrary: fc.record({ Or: fc.array(tie("rule"), { maxLength: 3 }) }), weight: 1 },
    { arbitrary: fc.record({ Not: tie("rule") }), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 },
  ),
}));

function scopeOf(input: Json, variable: Json, context: Json): Scope {
  return {
    input,
    context,
    variables: { get: (name) => (name === "v" ? variable : undefined) },
    entropy: { random: () => 0, uuid: () => "" },
  };
}

test("random rules: check never throws; accepted rules evaluate to booleans or StatesError", () => {
  fc.assert(
    fc.property(rule, json, json, json, (r, input, variable, context) => {
      const diagnostics = checkChoiceRule(r, "/r", "condition");
      assert.ok(Array.isArray(diagnostics));
      if (diagnostics.length > 0) {
        assert.throws(() => compileChoiceRule(r as ChoiceRule, "/r"), DefinitionError);
        return;
      }
      const compiled = compileChoiceRule(r as ChoiceRule, "/r");
      try {
        assert.equal(typeof compiled(scopeOf(input, variable, context)), "boolean");
      } catch (error) {
        if (!(error instanceof StatesError)) throw error;
        assert.equal(error.error, "States.Runtime");
      }
    }),
    { numRuns: 3000 },
  );
});

test("Not inverts and double negation is identity on accepted comparisons", () => {
  const comparison = wellTyped.filter((r) => checkChoiceRule(r, "/r", "condition").length === 0);
  fc.assert(
    fc.property(comparison, json, (r, a) => {
      const s = scopeOf({ a, b: a, list: [a] }, { a }, { ctx: a });
      let direct: boolean;
      try {
        direct = compileChoiceRule(r as ChoiceRule, "/r")(s);
      } catch {
        return; // the operand path was missing; covered above
      }
      const rule = r as ChoiceRule;
      assert.equal(compileChoiceRule({ Not: rule }, "/r")(s), !direct);
      assert.equal(compileChoiceRule({ Not: { Not: rule } }, "/r")(s), direct);
    }),
    { numRuns: 2000 },
  );
});

test("the generator mostly produces rules the check accepts", () => {
  const accepted = fc
    .sample(rule, 1000)
    .filter((r) => checkChoiceRule(r, "/r", "condition").length === 0);
  assert.ok(accepted.length > 300, `only ${accepted.length} of 1000 accepted`);
});
