import assert from "node:assert/strict";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Store } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { packCode, unpackCode } from "../../src/tasks/functions/archive.js";
import {
  FunctionNotFoundError,
  FunctionRegistry,
  InvalidFunctionError,
} from "../../src/tasks/functions/index.js";

const fixtures = new URL("../fixtures/functions/", import.meta.url).pathname;
const roots: string[] = [];
const stores: Store[] = [];
const freshRoot = () => {
  roots.push(mkdtempSync(join(tmpdir(), "opsflow-fn-")));
  return roots.at(-1) as string;
};
const freshStore = () => {
  stores.push(openSqliteStore({ path: ":memory:" }));
  return stores.at(-1) as Store;
};
const fresh = (options = {}) => new FunctionRegistry(freshRoot(), freshStore(), options);
after(async () => {
  for (const store of stores) await store.close();
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});
const echo = { "index.mjs": "export const handler = async (event) => event;" };

describe("FunctionRegistry", () => {
  it("deploys a fixture directory with its subdirectories", async () => {
    const registry = fresh();
    const fn = await registry.deploy({
      name: "esm",
      runtime: "nodejs",
      sourceDir: join(fixtures, "node-esm"),
    });
    assert.equal(fn.version, 1);
    assert.equal(fn.handler, "index.handler");
    assert.equal(fn.timeoutSeconds, 3);
    assert.equal(fn.memoryMb, 128);
    assert.deepEqual(readdirSync(fn.codeDir).sort(), ["index.js", "lib", "package.json"]);
    assert.match(readFileSync(join(fn.codeDir, "lib/shout.js"), "utf8"), /toUpperCase/);
    assert.equal(fn.codeDir, join(registry.root, "esm", "1"));
  });

  it("deploys from files, numbers versions and keeps them in the store", async () => {
    const store = freshStore();
    const registry = new FunctionRegistry(freshRoot(), store);
    const first = await registry.deploy({ name: "f", runtime: "nodejs", files: echo });
    const second = await registry.deploy({
      name: "f",
      runtime: "python",
      handler: "app.main",
      files: { "app.py": "def main(e, c):\n    return e\n" },
      timeoutSeconds: 10,
      memoryMb: 256,
      environment: { GREETING: "hi" },
    });
    assert.deepEqual([first.version, second.version], [1, 2]);
    assert.equal((await registry.get("f")).runtime, "python");
    assert.equal((await registry.get("f", 1)).runtime, "nodejs");
    assert.equal((await registry.versions("f")).length, 2);
    assert.equal(first.codeSha256, (await registry.get("f", 1)).codeSha256);
    assert.equal((await store.listFunctionVersions("f")).length, 2);
    // A second registry on the same store (another node) sees the same functions, and writes
    // their code into its own directory when it first uses them.
    const other = new FunctionRegistry(freshRoot(), store);
    assert.deepEqual(
      (await other.versions("f")).map((fn) => fn.codeSha256),
      [first.codeSha256, second.codeSha256],
    );
    assert.equal(existsSync(join(other.root, "f")), false);
    const seen = await other.get("f");
    assert.deepEqual(seen, { ...second, codeDir: join(other.root, "f", "2") });
    assert.equal(
      readFileSync(join(seen.codeDir, "app.py"), "utf8"),
      "def main(e, c):\n    return e\n",
    );
    assert.equal(
      readFileSync(join((await other.get("f", 1)).codeDir, "index.mjs"), "utf8"),
      echo["index.mjs"],
    );
  });

  it("lists and deletes", async () => {
    const registry = fresh();
    await registry.deploy({ name: "b", runtime: "nodejs", files: echo });
    await registry.deploy({ name: "a", runtime: "nodejs", files: echo });
    assert.deepEqual(
      (await registry.list()).map((fn) => fn.name),
      ["a", "b"],
    );
    await registry.delete("a");
    assert.deepEqual(
      (await registry.list()).map((fn) => fn.name),
      ["b"],
    );
    await assert.rejects(registry.get("a"), FunctionNotFoundError);
    await assert.rejects(registry.delete("a"), FunctionNotFoundError);
    assert.equal(await registry.find("nope"), undefined);
  });

  it("serialises concurrent deployments of one function", async () => {
    const registry = fresh();
    const versions = await Promise.all(
      [1, 2, 3, 4].map(() => registry.deploy({ name: "c", runtime: "nodejs", files: echo })),
    );
    assert.deepEqual(versions.map((fn) => fn.version).sort(), [1, 2, 3, 4]);
  });

  const refusals: [string, Record<string, unknown>, string, RegExp][] = [
    ["a bad name", { name: "bad name!" }, "name", /1 to 64 letters/],
    ["a long name", { name: "x".repeat(65) }, "name", /1 to 64/],
    ["an unknown runtime", { runtime: "ruby" }, "runtime", /nodejs, python/],
    ["a handler without export", { handler: "index" }, "handler", /file\.export/],
    ["a handler climbing out", { handler: "../x.handler" }, "handler", /file\.export/],
    [
      "a Python handler with a slash",
      { runtime: "python", handler: "a/b.f", files: { "a.py": "" } },
      "handler",
      /module\.function/,
    ],
    ["a missing handler file", { handler: "main.handler" }, "handler", /main\.mjs, main\.js/],
    ["a path traversal", { files: { "../evil.js": "x" } }, 'files["../evil.js"]', /no '\.\.'/],
    [
      "a nested traversal",
      { files: { "a/../../evil.js": "x" } },
      'files["a/../../evil.js"]',
      /no '\.\.'/,
    ],
    ["an absolute path", { files: { "/etc/passwd": "x" } }, 'files["/etc/passwd"]', /leading/],
    ["no files", { files: {} }, "files", /at least/],
    ["both sources", { sourceDir: fixtures }, "code", /exactly one/],
    ["a zero timeout", { timeoutSeconds: 0 }, "timeoutSeconds", /1 to 900/],
    ["a fractional memory", { memoryMb: 200.5 }, "memoryMb", /128 to 10240/],
    ["a bad variable", { environment: { "1X": "y" } }, "environment.1X", /start with a letter/],
    ["a non-string variable", { environment: { X: 1 } }, "environment.X", /strings/],
    [
      "a directory that does not exist",
      { files: undefined, sourceDir: "/nonexistent/dir" },
      "sourceDir",
      /not a readable directory/,
    ],
  ];
  for (const [what, change, field, message] of refusals) {
    it(`refuses ${what}`, async () => {
      const registry = fresh();
      const request = { name: "ok", runtime: "nodejs", files: echo, ...change };
      await assert.rejects(
        registry.deploy(request as never),
        (error: unknown) =>
          error instanceof InvalidFunctionError &&
          error.field === field &&
          message.test(error.message),
      );
      assert.deepEqual(await registry.list(), []);
      // Nothing is left half-written.
      const staging = join(registry.root, ".staging");
      assert.deepEqual(existsSync(staging) ? readdirSync(staging) : [], []);
    });
  }

  it("refuses code over the size limit before writing it", async () => {
    const registry = fresh({ maxCodeBytes: 100 });
    await assert.rejects(
      registry.deploy({
        name: "big",
        runtime: "nodejs",
        files: { ...echo, "data.bin": Buffer.alloc(200) },
      }),
      /code: the code takes \d+ bytes; the limit is 100 bytes/,
    );
    await assert.rejects(
      registry.deploy({ name: "big", runtime: "nodejs", sourceDir: join(fixtures, "node-esm") }),
      InvalidFunctionError,
    );
  });

  it("refuses two files that name the same path", async () => {
    await assert.rejects(
      fresh().deploy({
        name: "dup",
        runtime: "nodejs",
        files: { ...echo, "a/./b.js": "1", "a/b.js": "2" },
      }),
      /files: two entries name the same file 'a\/b\.js'/,
    );
  });
});

describe("FunctionRegistry on nodes sharing a store", () => {
  it("stops finding a function deleted on another node", async () => {
    const store = freshStore();
    const one = new FunctionRegistry(freshRoot(), store);
    const two = new FunctionRegistry(freshRoot(), store, { cacheMs: 0 });
    await one.deploy({ name: "gone", runtime: "nodejs", files: echo });
    const seen = await two.get("gone");
    assert.ok(existsSync(join(seen.codeDir, "index.mjs")));
    await one.delete("gone");
    assert.equal(await two.find("gone"), undefined);
    assert.equal(await two.find("gone", 1), undefined);
    await assert.rejects(two.versions("gone"), FunctionNotFoundError);
    await assert.rejects(two.delete("gone"), FunctionNotFoundError);
    assert.deepEqual(await two.list(), []);
  });

  it("reuses settings read less than a second ago, then reads the store again", async () => {
    const store = freshStore();
    const one = new FunctionRegistry(freshRoot(), store);
    const two = new FunctionRegistry(freshRoot(), store);
    await one.deploy({ name: "f", runtime: "nodejs", files: echo });
    assert.equal((await two.get("f")).version, 1);
    await one.deploy({ name: "f", runtime: "nodejs", files: echo, timeoutSeconds: 9 });
    assert.equal((await two.get("f")).version, 1);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    const latest = await two.get("f");
    assert.deepEqual([latest.version, latest.timeoutSeconds], [2, 9]);
  });

  it("replaces cached code that no longer matches, also after a delete and redeploy", async () => {
    const store = freshStore();
    const one = new FunctionRegistry(freshRoot(), store);
    const root = freshRoot();
    const first = await new FunctionRegistry(root, store).get(
      (await one.deploy({ name: "f", runtime: "nodejs", files: echo })).name,
    );
    // A later process on the same directory finds the file changed and writes it again.
    writeFileSync(join(first.codeDir, "index.mjs"), "tampered");
    writeFileSync(join(first.codeDir, "extra.js"), "left over");
    const again = await new FunctionRegistry(root, store).get("f");
    assert.deepEqual(readdirSync(again.codeDir), ["index.mjs"]);
    assert.equal(readFileSync(join(again.codeDir, "index.mjs"), "utf8"), echo["index.mjs"]);
    // Version 1 of a function deployed anew is other code in the same directory.
    const two = new FunctionRegistry(root, store, { cacheMs: 0 });
    await two.get("f");
    await one.delete("f");
    const other = { "index.mjs": "export const handler = async () => 'new';" };
    const redeployed = await one.deploy({ name: "f", runtime: "nodejs", files: other });
    assert.equal(redeployed.version, 1);
    const seen = await two.get("f");
    assert.equal(seen.codeSha256, redeployed.codeSha256);
    assert.equal(readFileSync(join(seen.codeDir, "index.mjs"), "utf8"), other["index.mjs"]);
  });

  it("refuses code that does not match its hash in the store", async () => {
    const store = freshStore();
    await store.importFunctionVersion(
      {
        name: "bad",
        version: 1,
        runtime: "nodejs",
        handler: "index.handler",
        timeoutSeconds: 3,
        memoryMb: 128,
        environment: {},
        codeSize: 1,
        codeSha256: "not the hash",
        createdAt: 0,
      },
      packCode([["index.mjs", Buffer.from("x")]]),
    );
    const registry = new FunctionRegistry(freshRoot(), store);
    await assert.rejects(registry.get("bad"), /does not match its hash/);
    assert.equal(existsSync(join(registry.root, "bad", "1")), false);
  });

  it("imports the functions of an older data directory once, and clears deleted ones", async () => {
    const store = freshStore();
    const root = freshRoot();
    // The layout the registry wrote before the store held functions.
    const legacy = new FunctionRegistry(freshRoot(), freshStore());
    const v1 = await legacy.deploy({ name: "old", runtime: "nodejs", files: echo });
    const v2 = await legacy.deploy({
      name: "old",
      runtime: "python",
      handler: "app.main",
      files: {
        "app.py": "def main(e, c):\n    return e\n",
        "data/blob.bin": Buffer.from([0, 255, 1]),
      },
      environment: { A: "b" },
    });
    const { codeDir: _1, ...stored1 } = v1;
    const { codeDir: _2, ...stored2 } = v2;
    for (const fn of [v1, v2])
      cpSync(fn.codeDir, join(root, "old", String(fn.version)), { recursive: true });
    const manifest = join(root, "old", "manifest.json");
    writeFileSync(manifest, JSON.stringify({ name: "old", versions: [stored1, stored2] }));
    // A cached function the store no longer has.
    cpSync(v1.codeDir, join(root, "stale", "1"), { recursive: true });

    const registry = new FunctionRegistry(root, store);
    await registry.start();
    assert.equal(existsSync(manifest), false);
    assert.ok(existsSync(`${manifest}.imported`));
    assert.equal(existsSync(join(root, "stale")), false);
    assert.deepEqual(await registry.versions("old"), [
      { ...v1, codeDir: join(root, "old", "1") },
      { ...v2, codeDir: join(root, "old", "2") },
    ]);
    // Another node gets the code from the store.
    const elsewhere = await new FunctionRegistry(freshRoot(), store).get("old");
    assert.deepEqual(
      readFileSync(join(elsewhere.codeDir, "data/blob.bin")),
      Buffer.from([0, 255, 1]),
    );
    // Deployments continue after the imported versions; a deleted function stays deleted.
    assert.equal(
      (await registry.deploy({ name: "old", runtime: "nodejs", files: echo })).version,
      3,
    );
    await registry.delete("old");
    await new FunctionRegistry(root, store).start();
    assert.deepEqual(await store.listFunctions(), []);
  });
});

describe("code archive", () => {
  it("round-trips paths and bytes exactly, in path order", () => {
    const files = [
      ["z.txt", Buffer.from("last")],
      ["dir/ünïcode €.js", Buffer.from("x")],
      ["empty", Buffer.alloc(0)],
      ["bin", Buffer.from([0, 1, 2, 255, 0])],
    ] as const;
    const archive = packCode(files);
    assert.deepEqual(
      unpackCode(archive),
      [...files].sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  });

  it("refuses an archive cut short, with bytes left over, or escaping its directory", () => {
    const archive = packCode([["a.js", Buffer.from("abc")]]);
    assert.throws(() => unpackCode(archive.subarray(0, archive.length - 1)), /cut short/);
    assert.throws(() => unpackCode(Buffer.concat([archive, Buffer.from([0])])), /bytes follow/);
    assert.throws(() => unpackCode(Buffer.from("ZIP!")), /OFA1/);
    assert.throws(() => unpackCode(packCode([["../evil.js", Buffer.from("x")]])), /no '\.\.'/);
  });
});
