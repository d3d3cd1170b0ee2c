import assert from "node:assert/strict";
import { test } from "node:test";
import { timeOrderedId } from "../../src/kernel/time-ordered-id.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test("time-ordered ids are version 7 UUIDs carrying their millisecond", () => {
  const at = Date.UTC(2026, 10, 23, 9, 45, 12, 345);
  const id = timeOrderedId(at);
  assert.match(id, UUID_V7);
  assert.equal(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16), at);
});

test("time-ordered ids sort in time order across milliseconds and differ within one", () => {
  const start = Date.UTC(2026, 0, 1);
  const ids = Array.from({ length: 2000 }, (_, index) =>
    timeOrderedId(start + Math.floor(index / 4)),
  );
  for (let index = 4; index < ids.length; index += 4)
    assert.ok(ids[index - 1] < ids[index], `${ids[index - 1]} sorts before ${ids[index]}`);
  assert.equal(new Set(ids).size, ids.length);
});
