/**
 * The parameters part of the store contract (ParameterStore), through the port only, so every
 * adapter runs it: `parameterStoreContract(name, factory)` with a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { ParameterRecord } from "../../src/store/parameters-port.js";
import type { Store } from "../../src/store/port.js";

const T0 = 1_700_000_000_000;

const record = (name: string, version: number, value = `${name}@${version}`): ParameterRecord => ({
  name,
  version,
  type: "String",
  value,
  tier: "Standard",
  dataType: "text",
  modifiedAt: T0 + version,
  modifiedBy: "tester",
});

/** Runs the contract against the stores `open` makes. */
export function parameterStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`parameter store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    /** Puts the next version of `name`, as a service would (with overwrite). */
    const put = (name: string, value?: string, keep = 100) =>
      store.putParameter(name, (_current, next) => record(name, next, value), keep);

    test("versions count up; decide sees the current version, the next number and the count", async () => {
      const seen: [number | undefined, number, number][] = [];
      for (let i = 0; i < 3; i++)
        await store.putParameter(
          "/a/p",
          (current, next, count) => {
            seen.push([current?.version, next, count]);
            return record("/a/p", next);
          },
          100,
        );
      assert.deepEqual(seen, [
        [undefined, 1, 0],
        [1, 2, 1],
        [2, 3, 1],
      ]);
      assert.equal((await store.getParameter("/a/p"))?.version, 3);
      assert.deepEqual(await store.getParameter("/a/p", 1), record("/a/p", 1));
      assert.equal(await store.getParameter("/a/p", 9), undefined);
      assert.equal(await store.getParameter("/nope"), undefined);
    });

    test("a decide that throws writes nothing", async () => {
      await put("/x", "kept");
      await assert.rejects(
        store.putParameter(
          "/x",
          () => {
            throw new Error("refused");
          },
          100,
        ),
        /refused/,
      );
      assert.equal((await store.getParameter("/x"))?.value, "kept");
      assert.equal((await store.getParameter("/x"))?.version, 1);
    });

    test("history is oldest first, paged, and keeps only the newest versions", async () => {
      for (let i = 0; i < 5; i++) await put("/h", undefined, 3);
      const first = await store.parameterHistory("/h", { limit: 2 });
      assert.deepEqual(
        first.items.map((r) => r.version),
        [3, 4],
      );
      assert.ok(first.nextToken);
      const second = await store.parameterHistory("/h", { limit: 2, nextToken: first.nextToken });
      assert.deepEqual(
        second.items.map((r) => r.version),
        [5],
      );
      assert.equal(second.nextToken, undefined);
      assert.equal(await store.getParameter("/h", 1), undefined);
    });

    test("listing by path: direct children or recursive; `_` is no wildcard; prefix and types", async () => {
      for (const n of ["/a_b/x", "/aXb/y", "/a_b/sub/z", "/a_b", "/a_bc/w", "plain"]) await put(n);
      await store.putParameter(
        "/a_b/s",
        (_c, next) => ({ ...record("/a_b/s", next), type: "SecureString" }),
        100,
      );
      const names = async (filter: Parameters<Store["listParameters"]>[0]) =>
        (await store.listParameters(filter, { limit: 100 })).items.map((r) => r.name);
      assert.deepEqual(await names({ path: "/a_b" }), ["/a_b/s", "/a_b/x"]);
      assert.deepEqual(await names({ path: "/a_b", recursive: true }), [
        "/a_b/s",
        "/a_b/sub/z",
        "/a_b/x",
      ]);
      assert.deepEqual(await names({ path: "/" }), ["/a_b"]);
      assert.deepEqual(await names({ namePrefix: "/a_b" }), [
        "/a_b",
        "/a_b/s",
        "/a_b/sub/z",
        "/a_b/x",
        "/a_bc/w",
      ]);
      assert.deepEqual(await names({ types: ["SecureString"] }), ["/a_b/s"]);
      assert.deepEqual(await names({}), [
        "/aXb/y",
        "/a_b",
        "/a_b/s",
        "/a_b/sub/z",
        "/a_b/x",
        "/a_bc/w",
        "plain",
      ]);
      const page = await store.listParameters({ path: "/a_b", recursive: true }, { limit: 2 });
      assert.equal(page.items.length, 2);
      const rest = await store.listParameters(
        { path: "/a_b", recursive: true },
        { limit: 2, nextToken: page.nextToken },
      );
      assert.deepEqual(
        rest.items.map((r) => r.name),
        ["/a_b/x"],
      );
    });

    test("delete removes every version; the name starts again at version 1", async () => {
      await put("/d");
      await put("/d");
      assert.equal(await store.deleteParameter("/d"), true);
      assert.equal(await store.deleteParameter("/d"), false);
      assert.equal(await store.getParameter("/d", 2), undefined);
      assert.equal((await store.parameterHistory("/d", { limit: 10 })).items.length, 0);
      assert.equal((await put("/d")).version, 1);
    });
  });
}
