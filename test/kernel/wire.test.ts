import assert from "node:assert/strict";
import { test } from "node:test";
import { Wire } from "../../src/kernel/wire.js";

test("a wire calls the end connected to it, with the arguments, and returns its answer", () => {
  const wire = new Wire<[number, number], number>("add");
  wire.connect((a, b) => a + b);
  assert.equal(wire.send(2, 3), 5);
});

test("a send before anything is connected fails loudly, naming the wire", () => {
  const wire = new Wire<[], void>("wake the engine");
  assert.throws(() => wire.send(), /Nothing is connected to "wake the engine" yet/);
});

test("a wire is connected once", () => {
  const wire = new Wire<[], void>("wake the engine");
  wire.connect(() => undefined);
  assert.throws(() => wire.connect(() => undefined), /connected already/);
});
