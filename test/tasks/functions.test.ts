import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Json, JsonObject } from "../../src/asl/json.js";
import { TaskFailure, type TaskInvocation } from "../../src/runtime/task-dispatcher.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import {
  createFunctionDispatcher,
  FunctionPool,
  FunctionRegistry,
  type FunctionVersion,
  handles,
} from "../../src/tasks/functions/index.js";

const fixtures = new URL("../fixtures/functions/", import.meta.url).pathname;
const ARN = "arn:aws:lambda:us-east-1:123456789012:function:";

// Every process any pool started: after the suite none may be left, not even as a zombie.
const pids = new Set<number>();
function track(pool: FunctionPool): void {
  for (const group of pool.stats()) for (const pid of group.pids) pids.add(pid);
}

/** The TaskFailure a promise rejects with. */
async function failureOf(promise: Promise<unknown>): Promise<TaskFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TaskFailure, `expected a TaskFailure, got ${error}`);
    return error;
  }
  assert.fail("expected the call to fail");
}

function invocation(resource: string, parameters: Json, key = "key-1"): TaskInvocation {
  return {
    resource,
    parameters,
    stateName: "Call",
    idempotencyKey: key,
    executionArn: "arn:aws:states:us-east-1:123456789012:execution:m:e",
  };
}

describe("deployed functions", () => {
  const store = openSqliteStore({ path: ":memory:" });
  const registry = new FunctionRegistry(mkdtempSync(join(tmpdir(), "opsflow-fn-")), store);
  const pool = new FunctionPool({ maxWorkersPerFunction: 2 });
  const dispatcher = createFunctionDispatcher(registry, pool);
  const signal = new AbortController().signal;
  let esm: FunctionVersion;
  let python: FunctionVersion;
  const call = async (fn: FunctionVersion, event: Json, key?: string) => {
    const result = await pool.invoke(fn, event, key ? { idempotencyKey: key } : {});
    track(pool);
    return result.payload as JsonObject;
  };

  before(async () => {
    esm = await registry.deploy({
      name: "esm",
      runtime: "nodejs",
      sourceDir: join(fixtures, "node-esm"),
      timeoutSeconds: 1,
      environment: { GREETING: "hello" },
    });
    await registry.deploy({
      name: "cjs",
      runtime: "nodejs",
      sourceDir: join(fixtures, "node-cjs"),
    });
    python = await registry.deploy({
      name: "py",
      runtime: "python",
      sourceDir: join(fixtures, "python"),
      timeoutSeconds: 1,
      environment: { GREETING: "hola" },
    });
    process.env.OPSFLOW_TEST_SECRET = "server-only";
  });

  after(async () => {
    track(pool);
    await pool.close();
    await store.close();
    rmSync(registry.root, { recursive: true, force: true });
    assert.ok(pids.size >= 6, `expected several processes, saw ${pids.size}`);
    for (const pid of pids) {
      assert.throws(() => process.kill(pid, 0), { code: "ESRCH" }, `process ${pid} is left`);
      assert.equal(existsSync(`/proc/${pid}`), false);
    }
  });

  it("runs ES module, CommonJS and Python handlers", async () => {
    assert.deepEqual(await call(esm, { action: "echo", n: [1, "two"] }), {
      action: "echo",
      n: [1, "two"],
    });
    assert.deepEqual(await call(esm, { action: "shout", text: "disk full" }), {
      text: "DISK FULL!",
    });
    const cjs = await registry.get("cjs");
    assert.deepEqual(await call(cjs, { numbers: [1, 2, 3] }), { total: 6, module: "object" });
    assert.deepEqual(await call(python, { action: "echo", x: null }), { action: "echo", x: null });
    assert.deepEqual(await call(python, { action: "shout", text: "ok" }), { text: "OK!" });
    assert.equal(await call(python, { action: "log" }), null);
  });

  it("gives handlers the Lambda context and their environment, not the server's", async () => {
    const node = await call(esm, { action: "context" }, "task-7");
    assert.equal(node.functionName, "esm");
    assert.equal(node.functionVersion, "1");
    assert.equal(node.idempotencyKey, "task-7");
    assert.equal(node.memoryLimitInMB, "128");
    assert.equal(node.env, "hello");
    assert.equal(node.secretVisible, false);
    assert.ok((node.remaining as number) > 500 && (node.remaining as number) <= 1000);
    const py = await call(python, { action: "context" }, "task-8");
    assert.equal(py.idempotencyKey, "task-8");
    assert.equal(py.memoryLimitInMB, 128);
    assert.equal(py.env, "hola");
    assert.ok((py.remaining as number) > 500 && (py.remaining as number) <= 1000);
    assert.match(py.awsRequestId as string, /^[0-9a-f-]{36}$/);
  });

  it("reports thrown errors by class name with Lambda's error document", async () => {
    const node = await failureOf(pool.invoke(esm, { action: "throw", field: "host" }));
    assert.equal(node.error, "ValidationError");
    const cause = JSON.parse(node.cause ?? "");
    assert.equal(cause.errorType, "ValidationError");
    assert.equal(cause.errorMessage, "bad input: host");
    assert.match(cause.requestId, /^[0-9a-f-]{36}$/);
    assert.ok(cause.stackTrace.some((line: string) => line.includes("index.js")));
    const cjs = await failureOf(pool.invoke(await registry.get("cjs"), { action: "throw" }));
    assert.equal(cjs.error, "QuotaExceeded");
    const py = await failureOf(pool.invoke(python, { action: "throw", field: "port" }));
    assert.equal(py.error, "ValidationError");
    const pyCause = JSON.parse(py.cause ?? "");
    assert.equal(pyCause.errorMessage, "bad input: port");
    assert.ok(pyCause.stackTrace.some((line: string) => line.includes("index.py")));
    assert.ok(!pyCause.stackTrace.some((line: string) => line.includes("bootstrap.py")));
  });

  it("fails results that are not JSON", async () => {
    assert.equal(
      (await failureOf(pool.invoke(esm, { action: "circular" }))).error,
      "Runtime.MarshalError",
    );
    const py = await failureOf(pool.invoke(python, { action: "set" }));
    assert.equal(py.error, "Runtime.MarshalError");
    assert.match(py.cause ?? "", /not JSON serializable/);
    // The worker survives a marshal error.
    assert.equal(await call(python, { action: "echo" }).then((r) => r.action), "echo");
  });

  it("keeps request pipes away from handler code", async () => {
    assert.equal(await call(python, { action: "stdin" }), "");
  });

  for (const runtime of ["nodejs", "python"] as const) {
    it(`kills a ${runtime} call at its timeout, then serves the next`, async () => {
      const fn = runtime === "nodejs" ? esm : python;
      await call(fn, { action: "sleep", ms: 1 }); // warm, so the timing below is the call's
      const started = performance.now();
      const failure = await failureOf(pool.invoke(fn, { action: "sleep", ms: 5000 }));
      const elapsed = performance.now() - started;
      assert.equal(failure.error, "Sandbox.Timedout");
      assert.match(
        JSON.parse(failure.cause ?? "").errorMessage,
        /Task timed out after 1\.00 seconds/,
      );
      assert.ok(elapsed >= 950 && elapsed < 2000, `timed out after ${elapsed} ms`);
      const next = await call(fn, { action: "sleep", ms: 1 });
      assert.equal(next.slept, 1);
      assert.ok(pool.stats().every((group) => group.workers <= 2));
    });

    it(`replaces a ${runtime} process that runs out of memory`, async () => {
      const fn = runtime === "nodejs" ? esm : python;
      const failure = await failureOf(pool.invoke(fn, { action: "hog" }));
      assert.equal(failure.error, "Runtime.OutOfMemory");
      assert.match(failure.cause ?? "", /out of memory \(limit 128 MB/);
      assert.equal((await call(fn, { action: "echo" })).action, "echo");
    });

    it(`reports a ${runtime} process that exits mid-call, then recovers`, async () => {
      const fn = runtime === "nodejs" ? esm : python;
      const failure = await failureOf(pool.invoke(fn, { action: "exit" }));
      assert.equal(failure.error, "Runtime.ExitError");
      assert.match(
        JSON.parse(failure.cause ?? "").errorMessage,
        /^RequestId: \S+ Error: Runtime exited with error: exit status [34]$/,
      );
      assert.equal((await call(fn, { action: "echo" })).action, "echo");
    });
  }

  it("runs calls in parallel up to the pool limit and queues the rest", async () => {
    const started = performance.now();
    const calls = [1, 2, 3].map(() => pool.invoke(python, { action: "sleep", ms: 400 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    track(pool);
    const group = pool.stats().find((entry) => entry.functionName === "py");
    assert.equal(group?.workers, 2);
    assert.equal(group?.waiting, 1);
    const results = await Promise.all(calls);
    const elapsed = performance.now() - started;
    // Two rounds, not one (the third waited) and not three (the first two overlapped; the
    // stats above already showed two busy workers and one waiting call).
    assert.ok(elapsed >= 790 && elapsed < 1190, `three 400 ms calls on two workers: ${elapsed} ms`);
    assert.equal(new Set(results.map((result) => (result.payload as JsonObject).pid)).size, 2);
  });

  it("kills the process when the caller aborts", async () => {
    const controller = new AbortController();
    const pending = pool.invoke(esm, { action: "sleep", ms: 5000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("state timed out")), 50);
    await assert.rejects(pending, /state timed out/);
    assert.equal((await call(esm, { action: "echo" })).action, "echo");
  });

  it("fails a handler that cannot be loaded with Lambda's names", async () => {
    const missing = await registry.deploy({
      name: "missing",
      runtime: "nodejs",
      files: { "index.mjs": "export const other = 1;" },
    });
    assert.equal((await failureOf(pool.invoke(missing, {}))).error, "Runtime.HandlerNotFound");
    const broken = await registry.deploy({
      name: "broken",
      runtime: "python",
      files: { "index.py": "import not_a_module\n" },
    });
    const failure = await failureOf(pool.invoke(broken, {}));
    assert.equal(failure.error, "Runtime.ImportModuleError");
    assert.match(failure.cause ?? "", /No module named 'not_a_module'/);
  });

  describe("dispatcher", () => {
    it("routes only Lambda resources", () => {
      assert.equal(handles(`${ARN}esm`), true);
      assert.equal(handles("arn:aws:states:::lambda:invoke"), true);
      assert.equal(handles("arn:aws:states:::sns:publish"), false);
      assert.equal(dispatcher.handles("arn:aws:states:::http:invoke"), false);
    });

    it("calls a function ARN with the parameters and returns the result", async () => {
      const result = await dispatcher.invoke(
        invocation(`${ARN}esm:live`, { action: "context" }, "exec-1/Call/3"),
        signal,
      );
      assert.equal((result as JsonObject).idempotencyKey, "exec-1/Call/3");
    });

    it("wraps lambda:invoke results in the SDK envelope", async () => {
      const result = (await dispatcher.invoke(
        invocation("arn:aws:states:::lambda:invoke", {
          FunctionName: `${ARN}py`,
          Payload: { action: "shout", text: "hi" },
        }),
        signal,
      )) as JsonObject;
      assert.deepEqual(result.Payload, { text: "HI!" });
      assert.equal(result.StatusCode, 200);
      const tail = (await dispatcher.invoke(
        invocation("arn:aws:states:::lambda:invoke", {
          FunctionName: "esm",
          Payload: { action: "log" },
          LogType: "Tail",
        }),
        signal,
      )) as JsonObject;
      assert.equal(typeof tail.LogResult, "string");
    });

    it("reports unknown functions as Lambda does", async () => {
      const failure = await failureOf(dispatcher.invoke(invocation(`${ARN}ghost`, {}), signal));
      assert.equal(failure.error, "Lambda.ResourceNotFoundException");
      assert.match(failure.cause ?? "", /Function not found: arn:aws:lambda:.*:function:ghost/);
      await assert.rejects(dispatcher.invokeFunction("../etc", {}), /ResourceNotFound/);
    });

    it("runs a function deployed through another node sharing the store", async () => {
      const root = mkdtempSync(join(tmpdir(), "opsflow-fn-"));
      const elsewhere = new FunctionRegistry(root, store);
      const otherPool = new FunctionPool();
      try {
        await registry.deploy({
          name: "remote",
          runtime: "python",
          handler: "pkg.app.main",
          files: {
            "pkg/__init__.py": "",
            "pkg/app.py":
              "from pkg.data import WORD\ndef main(e, c):\n    return {'word': WORD, 'got': e}\n",
            "pkg/data.py": "WORD = 'shared'\n",
          },
        });
        const result = await createFunctionDispatcher(elsewhere, otherPool).invoke(
          invocation(`${ARN}remote`, { n: 1 }),
          signal,
        );
        track(otherPool);
        assert.deepEqual(result, { word: "shared", got: { n: 1 } });
        assert.ok(existsSync(join(root, "remote", "1", "pkg", "data.py")));
      } finally {
        await otherPool.close();
        rmSync(root, { recursive: true, force: true });
      }
    });

    it("invokes by name for the API", async () => {
      const result = await dispatcher.invokeFunction("cjs", { numbers: [4, 5] });
      assert.deepEqual(result.payload, { total: 9, module: "object" });
      assert.match(result.requestId, /^[0-9a-f-]{36}$/);
    });
  });
});

describe("pool lifecycle", () => {
  it("stops idle processes, and refuses calls once closed", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    const registry = new FunctionRegistry(mkdtempSync(join(tmpdir(), "opsflow-fn-")), store);
    const pool = new FunctionPool({ idleTimeoutMs: 150 });
    const fn = await registry.deploy({
      name: "idle",
      runtime: "nodejs",
      files: { "index.mjs": "export const handler = async () => process.pid;" },
    });
    const { payload: pid } = await pool.invoke(fn, {});
    assert.deepEqual(pool.stats()[0].pids, [pid]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(pool.stats(), []);
    assert.throws(() => process.kill(pid as number, 0), { code: "ESRCH" });
    await pool.close();
    await assert.rejects(pool.invoke(fn, {}), /closed/);
    await store.close();
    rmSync(registry.root, { recursive: true, force: true });
  });
});
