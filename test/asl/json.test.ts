import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonEquals } from "../../src/asl/json.js";

test("jsonEquals compares structure, not key order", () => {
  assert.equal(jsonEquals({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }), true);
  assert.equal(jsonEquals({ a: 1 }, { a: 1, b: 2 }), false);
  assert.equal(jsonEquals([1, 2], [2, 1]), false);
  assert.equal(jsonEquals({ a: undefined as unknown as null }, { b: null }), false);
});
