/**
 * The functions part of the store contract (FunctionStore), through the port only:
 * `functionStoreContract(name, factory)` with a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, test } from "node:test";
import { StoreConflictError } from "../../src/store/errors.js";
import type {
  FunctionRecord,
  FunctionStore,
  NewFunctionVersion,
} from "../../src/store/functions-port.js";
import { T0 } from "./fixtures.js";

/** A FunctionStore that can be closed. */
export type ClosableFunctionStore = FunctionStore & { close(): Promise<void> };

/** A version of `name` to deploy, with `code` (bytes) and some settings changed. */
export function newVersion(
  name: string,
  code: Uint8Array = Buffer.from(`code of ${name}`),
  change: Partial<NewFunctionVersion> = {},
): NewFunctionVersion {
  return {
    name,
    runtime: "nodejs",
    handler: "index.handler",
    timeoutSeconds: 3,
    memoryMb: 128,
    environment: {},
    codeSize: code.length,
    codeSha256: `sha-${name}`,
    createdAt: T0,
    code,
    ...change,
  };
}

/** The record a stored version reads back as. */
const recordOf = ({ code: _code, ...fields }: NewFunctionVersion, version: number) => ({
  ...fields,
  version,
});

const bytes = (code: Uint8Array | undefined) => code && Buffer.from(code);

/** Runs the contract against the stores `factory` opens. */
export function functionStoreContract(
  name: string,
  factory: () => Promise<ClosableFunctionStore>,
  options: { skip?: string | false } = {},
): void {
  describe(`function store contract: ${name}`, { skip: options.skip }, () => {
    let store: ClosableFunctionStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    test("numbers the versions of each name from 1 and reads them back without code", async () => {
      const first = newVersion("f", Buffer.from("one"), {
        runtime: "python",
        handler: "app.main",
        timeoutSeconds: 900,
        memoryMb: 10240,
        environment: { GREETING: "héllo", EMPTY: "", JSON: '{"a":[1]}' },
        codeSha256: "aGFzaA==",
        createdAt: T0 + 5,
      });
      assert.deepEqual(await store.putFunctionVersion(first), recordOf(first, 1));
      const second = newVersion("f", Buffer.from("two"), { createdAt: T0 + 6 });
      assert.deepEqual(await store.putFunctionVersion(second), recordOf(second, 2));
      assert.equal((await store.putFunctionVersion(newVersion("g"))).version, 1);

      const latest = await store.getFunction("f");
      assert.deepEqual(latest, recordOf(second, 2));
      assert.equal(Object.hasOwn(latest as object, "code"), false);
      assert.deepEqual(await store.getFunction("f", 1), recordOf(first, 1));
      assert.equal(await store.getFunction("f", 3), undefined);
      assert.equal(await store.getFunction("nope"), undefined);
      assert.equal(await store.getFunction("nope", 1), undefined);
      assert.deepEqual(await store.listFunctionVersions("f"), [
        recordOf(first, 1),
        recordOf(second, 2),
      ]);
      assert.deepEqual(await store.listFunctionVersions("nope"), []);
    });

    test("keeps each version's code byte for byte", async () => {
      const binary = Buffer.from([0, 1, 2, 0, 255, 254, 0x5c, 0x27, 0]);
      const large = randomBytes(3 * 1024 * 1024);
      await store.putFunctionVersion(newVersion("f", binary));
      await store.putFunctionVersion(newVersion("f", large));
      await store.putFunctionVersion(newVersion("f", new Uint8Array(0)));
      // A view into a larger buffer stores only its own bytes.
      const backing = Buffer.from("xxINSIDExx");
      await store.putFunctionVersion(newVersion("f", backing.subarray(2, 8)));
      assert.deepEqual(bytes(await store.getFunctionCode("f", 1)), binary);
      assert.ok(bytes(await store.getFunctionCode("f", 2))?.equals(large));
      assert.deepEqual(bytes(await store.getFunctionCode("f", 3)), Buffer.alloc(0));
      assert.deepEqual(bytes(await store.getFunctionCode("f", 4)), Buffer.from("INSIDE"));
      assert.equal(await store.getFunctionCode("f", 5), undefined);
      assert.equal(await store.getFunctionCode("g", 1), undefined);
    });

    test("lists the newest version of every function in name order", async () => {
      assert.deepEqual(await store.listFunctions(), []);
      for (const name of ["b", "a", "B", "a_1", "a-1", "9"])
        await store.putFunctionVersion(newVersion(name));
      const newest = newVersion("b", Buffer.from("newer"), { memoryMb: 256 });
      await store.putFunctionVersion(newest);
      const listed = await store.listFunctions();
      assert.deepEqual(
        listed.map((fn) => fn.name),
        ["9", "B", "a", "a-1", "a_1", "b"],
      );
      assert.deepEqual(listed.at(-1), recordOf(newest, 2));
      assert.equal(
        listed.some((fn) => Object.hasOwn(fn, "code")),
        false,
      );
    });

    test("deletes a function with all its versions; a new deployment starts at 1", async () => {
      await store.putFunctionVersion(newVersion("f"));
      await store.putFunctionVersion(newVersion("f"));
      await store.putFunctionVersion(newVersion("kept"));
      assert.equal(await store.deleteFunction("f"), true);
      assert.equal(await store.deleteFunction("f"), false);
      assert.equal(await store.deleteFunction("never"), false);
      assert.equal(await store.getFunction("f"), undefined);
      assert.equal(await store.getFunction("f", 1), undefined);
      assert.equal(await store.getFunctionCode("f", 2), undefined);
      assert.deepEqual(await store.listFunctionVersions("f"), []);
      assert.deepEqual(
        (await store.listFunctions()).map((fn) => fn.name),
        ["kept"],
      );
      const again = newVersion("f", Buffer.from("again"));
      assert.equal((await store.putFunctionVersion(again)).version, 1);
      assert.deepEqual(bytes(await store.getFunctionCode("f", 1)), Buffer.from("again"));
    });

    test("imports versions under their numbers; deployments continue after the highest", async () => {
      const third: FunctionRecord = { ...recordOf(newVersion("old"), 3), handler: "x.y" };
      await store.importFunctionVersion(third, Buffer.from("v3"));
      const first: FunctionRecord = { ...recordOf(newVersion("old"), 1), memoryMb: 512 };
      await store.importFunctionVersion(first, Buffer.from("v1"));
      // An older version imported later does not become the newest.
      assert.deepEqual(await store.getFunction("old"), third);
      assert.deepEqual(await store.listFunctions(), [third]);
      assert.deepEqual(await store.listFunctionVersions("old"), [first, third]);
      assert.deepEqual(bytes(await store.getFunctionCode("old", 1)), Buffer.from("v1"));
      await assert.rejects(
        store.importFunctionVersion({ ...first, handler: "other.h" }, Buffer.from("other")),
        (error: unknown) => error instanceof StoreConflictError && error.reason === "exists",
      );
      assert.deepEqual(await store.getFunction("old", 1), first);
      assert.deepEqual(bytes(await store.getFunctionCode("old", 1)), Buffer.from("v1"));
      assert.equal((await store.putFunctionVersion(newVersion("old"))).version, 4);
    });

    test("gives concurrent deployments of one name distinct, consecutive versions", async () => {
      const versions = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.putFunctionVersion(newVersion("busy", Buffer.from(`code ${i}`))),
        ),
      );
      assert.deepEqual(
        versions.map((fn) => fn.version).sort((a, b) => a - b),
        [1, 2, 3, 4, 5, 6, 7, 8],
      );
      // Each version holds the code deployed with it.
      for (const [i, fn] of versions.entries())
        assert.deepEqual(
          bytes(await store.getFunctionCode("busy", fn.version)),
          Buffer.from(`code ${i}`),
        );
    });
  });
}
