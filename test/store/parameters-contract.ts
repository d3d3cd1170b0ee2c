/**
 * The parameters part of the store contract (ParameterStore), through the port only, so every
 * adapter runs it: `parameterStoreContract(name, factory)` with a fresh, empty store per test.
 * An adapter whose stores can share one database as several nodes also passes `nodes`, which
 * runs the cases that only hold if the database decides.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type {
  ParameterFilter,
  ParameterRecord,
  ParameterStore,
} from "../../src/store/parameters-port.js";

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

/** A ParameterStore that can be closed. */
export type ClosableParameterStore = ParameterStore & { close(): Promise<void> };

/** Options of the suite. */
export interface ParameterContractOptions {
  /** Why the suite is skipped, if it is. */
  skip?: string | false;
  /** Stores on one shared database, as separate nodes; `close` closes them all. */
  nodes?: () => Promise<{ stores: ParameterStore[]; close(): Promise<void> }>;
}

/** Puts the next version of `name` on `store`, as a service would (with overwrite). */
const putOn = (store: ParameterStore, name: string, value?: string, keep = 100) =>
  store.putParameter(name, (_current, next) => record(name, next, value), keep);

/**
 * Creates `name` unless `limit` parameters exist, as the service does; the names refused
 * resolve to undefined.
 */
const createUnder = (store: ParameterStore, name: string, limit: number) =>
  store
    .putParameter(
      name,
      (_current, next, count) => {
        if (count >= limit) throw new Error("limit");
        return record(name, next);
      },
      100,
    )
    .catch((error: Error) => {
      if (error.message !== "limit") throw error;
      return undefined;
    });

/** Runs the contract against the stores `open` makes. */
export function parameterStoreContract(
  name: string,
  open: () => Promise<ClosableParameterStore>,
  options: ParameterContractOptions = {},
): void {
  describe(`parameter store contract: ${name}`, { skip: options.skip }, () => {
    let store: ClosableParameterStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    /** Puts the next version of `name`, as a service would (with overwrite). */
    const put = (name: string, value?: string, keep = 100) => putOn(store, name, value, keep);

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
      const names = async (filter: ParameterFilter) =>
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

    test("every field round-trips; fields not given stay absent", async () => {
      const full: ParameterRecord = {
        ...record("/full", 1, "v1:sealed"),
        type: "SecureString",
        description: "the db password",
        allowedPattern: "^[a-z]+$",
        keyId: "alias/aws/ssm",
        tier: "Advanced",
        dataType: "text",
      };
      await store.putParameter("/full", () => full, 100);
      assert.deepEqual(await store.getParameter("/full"), full);
      assert.deepEqual(await store.getParameter("/full", 1), full);
      assert.deepEqual((await store.listParameters({}, { limit: 10 })).items, [full]);
      await put("/full", "plain");
      assert.deepEqual(await store.getParameter("/full"), record("/full", 2, "plain"));
      assert.deepEqual((await store.parameterHistory("/full", { limit: 10 })).items, [
        full,
        record("/full", 2, "plain"),
      ]);
    });

    test("the count decide sees follows creations and deletions, not new versions", async () => {
      const counts: number[] = [];
      const countAt = (name: string) =>
        store.putParameter(
          name,
          (_current, next, count) => {
            counts.push(count);
            return record(name, next);
          },
          100,
        );
      await countAt("/a");
      await countAt("/b");
      await countAt("/a");
      await store.deleteParameter("/b");
      await countAt("/c");
      await countAt("/c");
      assert.deepEqual(counts, [0, 1, 2, 1, 2]);
    });

    test("puts of one name at once get distinct, consecutive versions", async () => {
      const written = await Promise.all(Array.from({ length: 12 }, () => put("/race")));
      assert.deepEqual(
        written.map((r) => r.version).sort((a, b) => a - b),
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
      assert.equal((await store.getParameter("/race"))?.version, 12);
      assert.equal((await store.parameterHistory("/race", { limit: 100 })).items.length, 12);
    });

    test("creations at once respect the limit on the number of parameters", async () => {
      await put("/existing");
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, i) => createUnder(store, `/new/${i}`, 4)),
      );
      assert.equal(created.filter(Boolean).length, 3);
      assert.equal((await store.listParameters({}, { limit: 100 })).items.length, 4);
    });

    const { nodes } = options;
    if (nodes)
      describe("several nodes on one database", () => {
        test("puts of one name on two nodes at once get distinct, consecutive versions", async () => {
          const { stores, close } = await nodes();
          try {
            const [a, b] = stores;
            // A name that does not exist yet, then one that does.
            for (const name of ["/fresh", "/fresh"]) {
              const written = await Promise.all(
                Array.from({ length: 16 }, (_, i) => putOn(i % 2 ? a : b, name)),
              );
              const versions = written.map((r) => r.version).sort((x, y) => x - y);
              assert.equal(new Set(versions).size, 16);
              assert.equal(versions[15] - versions[0], 15);
            }
            assert.equal((await b.getParameter("/fresh"))?.version, 32);
            assert.equal((await a.parameterHistory("/fresh", { limit: 100 })).items.length, 32);
          } finally {
            await close();
          }
        });

        test("creations on two nodes at once respect the limit on the number of parameters", async () => {
          const { stores, close } = await nodes();
          try {
            const [a, b] = stores;
            const created = await Promise.all(
              Array.from({ length: 12 }, (_, i) => createUnder(i % 2 ? a : b, `/n/${i}`, 5)),
            );
            assert.equal(created.filter(Boolean).length, 5);
            assert.equal((await a.listParameters({}, { limit: 100 })).items.length, 5);
          } finally {
            await close();
          }
        });
      });
  });
}
