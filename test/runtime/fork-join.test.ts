/**
 * The fork/join rules live once, in the evaluator: the in-memory runner and the durable
 * runtime must end Parallel and Map states the same way (tolerated failures, the error of an
 * intolerable one, Map iteration events, aborted branches). Each case runs on both and
 * compares how the execution ended and the fork's events.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { MachineDefinition } from "../../src/asl/definition.js";
import type { Json } from "../../src/asl/json.js";
import { compileMachine } from "../../src/evaluator/index.js";
import { systemClock } from "../../src/kernel/clock.js";
import { DurableEngine } from "../../src/runtime/durable/engine.js";
import { runInMemory } from "../../src/runtime/in-memory.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import type { WorkflowStore } from "../../src/store/workflows-port.js";
import { localFunctions } from "../../src/tasks/local-functions.js";
import { eventually } from "../server/harness.js";

const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const handlers = {
  work: async (event: Json) => {
    const { fail } = event as { fail?: boolean };
    if (fail) throw new RangeError("bad item");
    return event;
  },
};

/** A Map over `$.items`, one at a time so both runners see the same order. */
function map(settings: Record<string, number>): MachineDefinition {
  return {
    StartAt: "M",
    States: {
      M: {
        Type: "Map",
        ItemsPath: "$.items",
        MaxConcurrency: 1,
        ...settings,
        ItemProcessor: {
          StartAt: "Work",
          States: { Work: { Type: "Task", Resource: fn("work"), End: true } },
        },
        End: true,
      },
    },
  } as MachineDefinition;
}

const items = (...fails: boolean[]) => ({ items: fails.map((fail, n) => ({ n, fail })) });

/** The events the join rules decide, in order. */
const FORK_EVENTS = /^(MapIteration|TaskStateAborted|ParallelState|MapState|Execution)/;

/** A Lambda error's cause without what differs from call to call (request id, stack). */
function sameCause(cause: string | undefined): string | undefined {
  if (cause === undefined || !cause.startsWith("{")) return cause;
  const { requestId: _, stackTrace: __, ...rest } = JSON.parse(cause) as Record<string, Json>;
  return JSON.stringify(rest);
}

interface Ending {
  status: string;
  error?: string;
  cause?: string;
  output?: Json;
  events: string[];
}

async function inMemory(definition: MachineDefinition, input: Json): Promise<Ending> {
  const result = await runInMemory(compileMachine(definition), input, {
    dispatcher: localFunctions(handlers),
    history: true,
  });
  return {
    status: result.status,
    ...(result.error !== undefined && { error: result.error }),
    ...(result.cause !== undefined && { cause: sameCause(result.cause) }),
    ...(result.output !== undefined && { output: result.output }),
    events: (result.history ?? []).map((event) => event.type).filter((t) => FORK_EVENTS.test(t)),
  };
}

describe("fork/join: the in-memory runner and the durable runtime agree", () => {
  let store: WorkflowStore & { close(): Promise<void> };
  let engine: DurableEngine;
  let count = 0;

  before(async () => {
    store = openSqliteStore({ path: ":memory:" });
    engine = new DurableEngine({
      store,
      dispatcher: localFunctions(handlers),
      clock: systemClock,
      region: "us-east-1",
      account: "123456789012",
    });
    await engine.start();
  });
  after(async () => {
    await engine.stop();
    await store.close();
  });

  async function durable(definition: MachineDefinition, input: Json): Promise<Ending> {
    const name = `m${++count}`;
    const arn = `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
    const now = Date.now();
    await store.createStateMachine({
      arn,
      name,
      type: "STANDARD",
      definition: JSON.stringify(definition),
      roleArn: "arn:aws:iam::123456789012:role/r",
      revisionId: "1",
      createdAt: now,
      updatedAt: now,
    });
    const machine = await engine.starter.resolve(arn);
    const execution = engine.starter.build(machine, "e", input, now);
    await store.startExecution(execution);
    engine.publishStarted(execution.record, execution);
    const record = await eventually(async () => {
      const current = await store.getExecution(execution.record.arn);
      return current && current.status !== "RUNNING" ? current : undefined;
    });
    const history = await store.getHistory(execution.record.arn, {
      page: { limit: 1000 },
      reverse: false,
    });
    return {
      status: record.status,
      ...(record.error !== undefined && { error: record.error }),
      ...(record.cause !== undefined && { cause: sameCause(record.cause) }),
      ...(record.output !== undefined && { output: JSON.parse(record.output) as Json }),
      events: history.items.map((event) => event.type).filter((t) => FORK_EVENTS.test(t)),
    };
  }

  async function agree(definition: MachineDefinition, input: Json): Promise<Ending> {
    const memory = await inMemory(definition, input);
    assert.deepEqual(await durable(definition, input), memory);
    return memory;
  }

  test("a tolerated failure leaves null in its place and the Map succeeds", async () => {
    const end = await agree(map({ ToleratedFailureCount: 1 }), items(false, true, false));
    assert.equal(end.status, "SUCCEEDED");
    assert.deepEqual(end.output, [{ n: 0, fail: false }, null, { n: 2, fail: false }]);
    assert.deepEqual(
      end.events.filter((type) => type.startsWith("MapIteration")),
      [
        "MapIterationStarted",
        "MapIterationSucceeded",
        "MapIterationStarted",
        "MapIterationFailed",
        "MapIterationStarted",
        "MapIterationSucceeded",
      ],
    );
  });

  test("one failure too many fails the Map with States.ExceedToleratedFailureThreshold", async () => {
    const end = await agree(map({ ToleratedFailureCount: 1 }), items(true, true, false));
    assert.equal(end.status, "FAILED");
    assert.equal(end.error, "States.ExceedToleratedFailureThreshold");
    // The third iteration never starts.
    assert.equal(end.events.filter((type) => type === "MapIterationStarted").length, 2);
  });

  test("ToleratedFailurePercentage counts failures against every item", async () => {
    const end = await agree(
      map({ ToleratedFailurePercentage: 50 }),
      items(true, false, false, true),
    );
    assert.equal(end.status, "SUCCEEDED");
  });

  test("without a tolerance the first failure fails the Map with its own error", async () => {
    const end = await agree(map({}), items(false, true, false));
    assert.equal(end.status, "FAILED");
    assert.equal(end.error, "RangeError");
  });

  test("a failing Parallel branch fails the state with its error and is recorded as aborted", async () => {
    const definition = {
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          Branches: [
            {
              StartAt: "Bad",
              States: { Bad: { Type: "Task", Resource: fn("work"), End: true } },
            },
          ],
          End: true,
        },
      },
    } as MachineDefinition;
    const end = await agree(definition, { fail: true });
    assert.equal(end.status, "FAILED");
    assert.equal(end.error, "RangeError");
    assert.ok(end.events.includes("TaskStateAborted"));
  });
});
