import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { MachineDefinition } from "../../src/asl/definition.js";
import type { Json } from "../../src/asl/json.js";
import { compileMachine } from "../../src/evaluator/index.js";
import { VirtualClock } from "../../src/kernel/clock.js";
import { runInMemory } from "../../src/runtime/in-memory.js";
import { localFunctions } from "../../src/tasks/local-functions.js";

const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

function run(
  definition: MachineDefinition,
  input: Json,
  handlers: Record<string, unknown>,
  clock = new VirtualClock(0),
) {
  return runInMemory(compileMachine(definition), input, {
    dispatcher: localFunctions(handlers),
    clock,
    history: true,
  });
}

describe("in-memory runner", () => {
  test("retries with exponential back-off on the injected clock, then succeeds", async () => {
    const clock = new VirtualClock(0);
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls < 3) throw new Error("try again");
      return { ok: true, at: clock.now() };
    };
    const result = await run(
      {
        StartAt: "Call",
        States: {
          Call: {
            Type: "Task",
            Resource: fn("flaky"),
            Retry: [
              { ErrorEquals: ["States.ALL"], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 5 },
            ],
            End: true,
          },
        },
      },
      {},
      { flaky },
      clock,
    );
    assert.equal(result.status, "SUCCEEDED");
    // Two failures: waits of 2 s and 6 s before the third call.
    assert.deepEqual(result.output, { ok: true, at: 8000 });
    const types = result.history?.map((e) => e.type) ?? [];
    assert.equal(types.filter((t) => t === "LambdaFunctionScheduled").length, 3);
  });

  test("TimeoutSeconds fails a task that does not answer with States.Timeout, which Catch handles", async () => {
    const hang = (_event: Json, context: { signal: AbortSignal }) =>
      new Promise((_, reject) =>
        context.signal.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    const result = await run(
      {
        StartAt: "Slow",
        States: {
          Slow: {
            Type: "Task",
            Resource: fn("hang"),
            TimeoutSeconds: 30,
            Catch: [{ ErrorEquals: ["States.Timeout"], ResultPath: "$.error", Next: "Recover" }],
            End: true,
          },
          Recover: { Type: "Pass", End: true },
        },
      },
      {},
      { hang },
    );
    assert.equal(result.status, "SUCCEEDED");
    assert.deepEqual(result.output, { error: { Error: "States.Timeout" } });
    assert.ok(result.history?.some((e) => e.type === "LambdaFunctionTimedOut"));
  });

  test("a top-level TimeoutSeconds ends the execution TIMED_OUT", async () => {
    const result = await run(
      { StartAt: "W", TimeoutSeconds: 10, States: { W: { Type: "Wait", Seconds: 60, End: true } } },
      {},
      {},
    );
    assert.equal(result.status, "TIMED_OUT");
    assert.equal(result.history?.at(-1)?.type, "ExecutionTimedOut");
  });

  test("Map honours MaxConcurrency and keeps item order", async () => {
    let running = 0;
    let peak = 0;
    const clock = new VirtualClock(0);
    const work = async (event: { n: number }) => {
      running++;
      peak = Math.max(peak, running);
      await clock.sleepUntil(clock.now() + 1000);
      running--;
      return event.n * 10;
    };
    const result = await run(
      {
        StartAt: "Each",
        States: {
          Each: {
            Type: "Map",
            MaxConcurrency: 3,
            ItemSelector: { "n.$": "$$.Map.Item.Value" },
            ItemProcessor: {
              StartAt: "Work",
              States: { Work: { Type: "Task", Resource: fn("work"), End: true } },
            },
            End: true,
          },
        },
      },
      [1, 2, 3, 4, 5, 6, 7],
      { work },
      clock,
    );
    assert.equal(result.status, "SUCCEEDED");
    assert.deepEqual(result.output, [10, 20, 30, 40, 50, 60, 70]);
    assert.equal(peak, 3);
  });

  test("Map tolerates failures up to ToleratedFailureCount, then fails with ExceedToleratedFailureThreshold", async () => {
    const check = async (event: { n: number }) => {
      if (event.n % 2 === 0) throw new Error(`bad ${event.n}`);
      return event.n;
    };
    const definition = (tolerated: number): MachineDefinition => ({
      StartAt: "Each",
      States: {
        Each: {
          Type: "Map",
          MaxConcurrency: 1,
          ToleratedFailureCount: tolerated,
          ItemSelector: { "n.$": "$$.Map.Item.Value" },
          ItemProcessor: {
            StartAt: "Check",
            States: { Check: { Type: "Task", Resource: fn("check"), End: true } },
          },
          End: true,
        },
      },
    });
    const tolerated = await run(definition(2), [1, 2, 3, 4, 5], { check });
    assert.equal(tolerated.status, "SUCCEEDED");
    const exceeded = await run(definition(1), [1, 2, 3, 4, 5], { check });
    assert.equal(exceeded.status, "FAILED");
    assert.equal(exceeded.error, "States.ExceedToleratedFailureThreshold");
  });

  test("a failing Parallel branch aborts its siblings' running tasks", async () => {
    let siblingAborted = false;
    const slow = (_event: Json, context: { signal: AbortSignal }) =>
      new Promise((_, reject) =>
        context.signal.addEventListener("abort", () => {
          siblingAborted = true;
          reject(new Error("aborted"));
        }),
      );
    const boom = async () => {
      throw new TypeError("boom");
    };
    const result = await run(
      {
        StartAt: "Both",
        States: {
          Both: {
            Type: "Parallel",
            Branches: [
              {
                StartAt: "Slow",
                States: { Slow: { Type: "Task", Resource: fn("slow"), End: true } },
              },
              {
                StartAt: "Boom",
                States: { Boom: { Type: "Task", Resource: fn("boom"), End: true } },
              },
            ],
            End: true,
          },
        },
      },
      {},
      { slow, boom },
    );
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "TypeError");
    assert.equal(siblingAborted, true);
    assert.ok(result.history?.some((e) => e.type === "TaskStateAborted"));
  });

  test("an abort signal ends the execution ABORTED", async () => {
    const controller = new AbortController();
    const pending = runInMemory(
      compileMachine({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 3600, End: true } } }),
      {},
      { dispatcher: localFunctions({}), signal: controller.signal },
    );
    controller.abort();
    assert.equal((await pending).status, "ABORTED");
  });

  test("a missing handler fails like Lambda's ResourceNotFoundException", async () => {
    const result = await run(
      { StartAt: "T", States: { T: { Type: "Task", Resource: fn("nope"), End: true } } },
      {},
      {},
    );
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "Lambda.ResourceNotFoundException");
  });
});
