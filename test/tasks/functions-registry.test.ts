import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  FunctionNotFoundError,
  FunctionRegistry,
  InvalidFunctionError,
} from "../../src/tasks/functions/index.js";

const fixtures = new URL("../fixtures/functions/", import.meta.url).pathname;
const roots: string[] = [];
const fresh = (options = {}) => {
  roots.push(mkdtempSync(join(tmpdir(), "opsflow-fn-")));
  return new FunctionRegistry(roots.at(-1) as string, options);
};
after(() => {
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

  it("deploys from files, numbers versions and keeps a manifest", async () => {
    const registry = fresh();
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
    const manifest = JSON.parse(readFileSync(join(registry.root, "f/manifest.json"), "utf8"));
    assert.equal(manifest.versions.length, 2);
    // A second registry over the same directory sees the same functions.
    assert.deepEqual(await new FunctionRegistry(registry.root).get("f"), second);
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
});
