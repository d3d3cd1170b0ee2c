import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { StatesError } from "../../src/asl/errors.js";
import type { Json } from "../../src/asl/json.js";
import { compilePath, PathSyntaxError } from "../../src/asl/jsonpath/index.js";

const json: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;

/** Path fragments, valid and broken, so random concatenations hit the parser's edges. */
const fragment = fc.oneof(
  fc.constantFrom(
    ".a",
    ".b",
    "['a']",
    '["b"]',
    "[0]",
    "[-1]",
    "[*]",
    ".*",
    "..",
    "..a",
    "[0,1]",
    "['a','b']",
    "[1:]",
    "[:2]",
    "[-2:-1]",
    "[?(@.a)]",
    "[?(@.a > 1)]",
    "[?(@ == 'x' || !@.b)]",
    "[?(@.a =~ /x.*/i)]",
    ".length()",
    "[",
    "]",
    "(",
    ")",
    "'",
    '"',
    "?",
    "@",
    "$",
    ".",
    ",",
    ":",
    " ",
    "\\",
    "/",
    "[?(",
    "==",
  ),
  fc.string({ maxLength: 4 }),
);
const pathText = fc.array(fragment, { maxLength: 8 }).map((parts) => `$${parts.join("")}`);

test("any text either compiles or throws PathSyntaxError", () => {
  fc.assert(
    fc.property(fc.oneof(pathText, fc.string({ maxLength: 30 })), (text) => {
      try {
        compilePath(text);
      } catch (error) {
        assert.ok(error instanceof PathSyntaxError, `unexpected ${String(error)} for ${text}`);
      }
    }),
    { numRuns: 3000 },
  );
});

test("compiled paths evaluate any JSON without throwing; shapes follow definiteness", () => {
  fc.assert(
    fc.property(pathText, json, (text, root) => {
      let path: ReturnType<typeof compilePath>;
      try {
        path = compilePath(text);
      } catch {
        return;
      }
      const value = path.select(root);
      if (!path.definite) assert.ok(Array.isArray(value), `${text} must give an array`);
      else if (value === undefined) assert.equal(typeof path.missing(root), "string");
    }),
    { numRuns: 3000 },
  );
});

test("definite name/index paths agree with a direct walk", () => {
  const step = fc.oneof(
    fc
      .constantFrom("a", "b", "c")
      .map((name) => ({ text: `.${name}`, key: name as string | number })),
    fc.integer({ min: -3, max: 3 }).map((i) => ({ text: `[${i}]`, key: i as string | number })),
  );
  fc.assert(
    fc.property(fc.array(step, { maxLength: 5 }), json, (steps, root) => {
      let node: Json | undefined = root;
      for (const { key } of steps) {
        if (node === undefined) break;
        if (typeof key === "string") {
          node =
            typeof node === "object" &&
            node !== null &&
            !Array.isArray(node) &&
            Object.hasOwn(node, key)
              ? node[key]
              : undefined;
        } else if (Array.isArray(node)) {
          node = node[key < 0 ? node.length + key : key];
        } else node = undefined;
      }
      const path = compilePath(`$${steps.map((s) => s.text).join("")}`);
      assert.equal(path.definite, true);
      assert.deepEqual(path.select(root), node);
    }),
    { numRuns: 2000 },
  );
});

test("hostile input: very deep documents neither crash nor hang", () => {
  let deep: Json = { x: 1 };
  for (let i = 0; i < 200_000; i++) deep = [deep];
  assert.deepEqual(compilePath("$..[?(@.x == 1)]").select(deep), [{ x: 1 }]);
  assert.equal((compilePath("$..*").select(deep) as Json[]).length, 200_001);
  let deepObject: Json = { x: 1 };
  for (let i = 0; i < 200_000; i++) deepObject = { a: deepObject };
  assert.equal((compilePath("$..x").select(deepObject) as Json[])[0], 1);
  // Structural equality on a deep value may exhaust the stack: reported as States.Runtime.
  let twin: Json = { x: 1 };
  for (let i = 0; i < 200_000; i++) twin = [twin];
  assert.throws(
    () => compilePath("$[?(@.a == @.b)]").select({ a: deep, b: twin }),
    (error) => error instanceof StatesError && error.error === "States.Runtime",
  );
});
