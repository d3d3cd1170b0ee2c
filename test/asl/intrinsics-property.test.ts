/**
 * Property tests: whatever the expression or input, the intrinsic compiler answers with a
 * value, an IntrinsicSyntaxError or a StatesError, never another exception or a hang.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { StatesError } from "../../src/asl/errors.js";
import {
  compileIntrinsic,
  IntrinsicSyntaxError,
  intrinsicFunctions,
} from "../../src/asl/intrinsics/index.js";
import type { Json } from "../../src/asl/json.js";
import type { Scope } from "../../src/asl/scope.js";

const scopeOf = (input: Json): Scope => ({
  input,
  context: { Execution: { Id: "x", Input: input } },
  variables: { get: (name) => (name === "v" ? input : undefined) },
  entropy: { random: () => 0.999, uuid: () => "00000000-0000-4000-8000-000000000000" },
});

/** Runs `text` on `input`; returns what happened, failing on any unexpected exception. */
function outcome(text: string, input: Json): "value" | "syntax" | "states" {
  let compiled: ReturnType<typeof compileIntrinsic>;
  try {
    compiled = compileIntrinsic(text);
  } catch (error) {
    assert.ok(error instanceof IntrinsicSyntaxError, `compile threw ${String(error)}`);
    return "syntax";
  }
  try {
    const value = compiled(scopeOf(input));
    assert.doesNotThrow(() => JSON.stringify(value));
    return "value";
  } catch (error) {
    assert.ok(error instanceof StatesError, `evaluation threw ${String(error)}`);
    return "states";
  }
}

const names = Object.keys(intrinsicFunctions);
const input = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;

/** Text made of the grammar's own pieces, so random strings get deep into the parser. */
const tokenSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ...names,
        "States.",
        "(",
        ")",
        ",",
        " ",
        "'",
        "\\",
        "{}",
        "$",
        "$$",
        ".a",
        "[0]",
        "-",
        "1",
        "true",
        "null",
      ),
      fc.string({ maxLength: 4 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(""));

test("random strings never escape as other exceptions", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 60 }), tokenSoup), input, (text, data) => {
      outcome(text, data);
    }),
    { numRuns: 3000 },
  );
});

/** Syntactically valid expressions with arbitrary functions, arities and argument kinds. */
const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string; arg: string }>((tie) => ({
  expr: fc
    .tuple(fc.constantFrom(...names), fc.array(tie("arg"), { maxLength: 4 }))
    .map(([name, args]) => `${name}(${args.join(", ")})`),
  arg: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(
      "$",
      "$.a",
      "$.a[0]",
      "$$.Execution.Input",
      "$v",
      "$v.a",
      "true",
      "null",
      "'{}'",
      "'SHA-256'",
      "''",
    ),
    fc.integer({ min: -5000, max: 5000 }).map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    fc.string({ maxLength: 8 }).map((s) => `'${s.replace(/[\\'{}]/g, (c) => `\\${c}`)}'`),
    tie("expr"),
  ),
})).expr;

test("valid expressions compile (or exceed the nesting limit) and fail only with StatesError", () => {
  fc.assert(
    fc.property(expression, input, (text, data) => {
      const result = outcome(text, data);
      if (result === "syntax") assert.throws(() => compileIntrinsic(text), /nested/);
    }),
    { numRuns: 3000 },
  );
});

test("any string survives escaping into a literal", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
      const literal = s.replace(/[\\'{}]/g, (c) => `\\${c}`);
      assert.equal(compileIntrinsic(`States.Format('${literal}')`)(scopeOf(null)), s);
    }),
  );
});

test("ArrayRange never builds more than 1000 items, whatever the bounds", () => {
  fc.assert(
    fc.property(fc.integer(), fc.integer(), fc.integer(), (first, last, step) => {
      try {
        const range = compileIntrinsic(`States.ArrayRange(${first}, ${last}, ${step})`)(
          scopeOf(null),
        );
        assert.ok(Array.isArray(range) && range.length <= 1000);
        for (const n of range as number[])
          assert.ok(step > 0 ? n >= first && n <= last : n <= first && n >= last);
      } catch (error) {
        assert.ok(error instanceof StatesError);
      }
    }),
  );
});
