/**
 * Nested executions on a real server: `arn:aws:states:::states:startExecution` and its
 * `.sync`, `.sync:2` and `.waitForTaskToken` forms, a failing child, and an unknown child.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import { eventually, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";

let server: ServerProcess;
let client: sfn.SFNClient;
let childArn: string;
let failingChildArn: string;

const START = "arn:aws:states:::states:startExecution";

before(async () => {
  server = await startServerProcess();
  client = new sfn.SFNClient(sdkConfig(server.url));
  childArn = await create("child", {
    StartAt: "Double",
    States: {
      Double: {
        Type: "Pass",
        Parameters: { "doubled.$": "States.MathAdd($.value, $.value)", by: "child" },
        End: true,
      },
    },
  });
  failingChildArn = await create("failing-child", {
    StartAt: "Break",
    States: { Break: { Type: "Fail", Error: "ChildBroke", Cause: "on purpose" } },
  });
});
after(async () => {
  client?.destroy();
  await server?.stop();
});

async function create(name: string, definition: object) {
  const result = await client.send(
    new sfn.CreateStateMachineCommand({
      name,
      definition: JSON.stringify(definition),
      roleArn: "arn:aws:iam::123456789012:role/x",
    }),
  );
  return result.stateMachineArn as string;
}

async function run(machineArn: string, input: object) {
  const { executionArn } = await client.send(
    new sfn.StartExecutionCommand({ stateMachineArn: machineArn, input: JSON.stringify(input) }),
  );
  return finished(executionArn as string);
}

async function finished(executionArn: string) {
  return eventually(async () => {
    const execution = await client.send(new sfn.DescribeExecutionCommand({ executionArn }));
    return execution.status === "RUNNING" ? undefined : execution;
  });
}

async function historyTypes(executionArn: string) {
  const { events } = await client.send(
    new sfn.GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
  );
  return (events ?? []).map((event) => event.type);
}

/** A parent with one nested Task (Catch-all into `$.caught` when `catchable`). */
function parent(resource: string, parameters: object, catchable = false) {
  return {
    StartAt: "Nested",
    States: {
      Nested: {
        Type: "Task",
        Resource: resource,
        Parameters: parameters,
        ...(catchable && {
          Catch: [{ ErrorEquals: ["States.TaskFailed"], ResultPath: "$.caught", Next: "Caught" }],
        }),
        End: true,
      },
      ...(catchable && { Caught: { Type: "Pass", End: true } }),
    },
  };
}

const outputOf = (execution: sfn.DescribeExecutionOutput) => JSON.parse(execution.output as string);

describe("nested executions (states:startExecution)", () => {
  test("startExecution returns ExecutionArn and StartDate at once; the child runs on its own", async () => {
    // The child waits, so the parent can only have succeeded without waiting for it.
    const slowChild = await create("slow-child", {
      StartAt: "Wait",
      States: {
        Wait: { Type: "Wait", Seconds: 1, Next: "Done" },
        Done: { Type: "Pass", End: true },
      },
    });
    const arn = await create(
      "fire-and-forget",
      parent(START, { StateMachineArn: slowChild, Name: "fired", "Input.$": "$" }),
    );
    const started = Date.now();
    const execution = await run(arn, { value: 4 });
    assert.equal(execution.status, "SUCCEEDED", execution.cause);
    const result = outputOf(execution);
    assert.deepEqual(Object.keys(result).sort(), ["ExecutionArn", "StartDate"]);
    assert.equal(
      result.ExecutionArn,
      "arn:aws:states:us-east-1:123456789012:execution:slow-child:fired",
    );
    assert.ok(Math.abs(Date.parse(result.StartDate) - started) < 10_000, result.StartDate);
    const child = await client.send(
      new sfn.DescribeExecutionCommand({ executionArn: result.ExecutionArn }),
    );
    assert.equal(child.status, "RUNNING", "the parent did not wait for the child");
    assert.deepEqual(JSON.parse(child.input as string), { value: 4 });
    const done = await finished(result.ExecutionArn);
    assert.equal(done.status, "SUCCEEDED");
    assert.deepEqual(outputOf(done), { value: 4 });
  });

  test(".sync waits for the child; Output is JSON text", async () => {
    const arn = await create(
      "sync-parent",
      parent(`${START}.sync`, { StateMachineArn: childArn, Input: { "value.$": "$.value" } }),
    );
    const execution = await run(arn, { value: 21 });
    assert.equal(execution.status, "SUCCEEDED", execution.cause);
    const result = outputOf(execution);
    assert.equal(result.Status, "SUCCEEDED");
    assert.equal(result.StateMachineArn, childArn);
    assert.match(result.ExecutionArn, /:execution:child:/);
    assert.equal(typeof result.Output, "string");
    assert.deepEqual(JSON.parse(result.Output), { doubled: 42, by: "child" });
    assert.equal(typeof result.Input, "string");
    assert.deepEqual(JSON.parse(result.Input), { value: 21 });
    const child = await client.send(
      new sfn.DescribeExecutionCommand({ executionArn: result.ExecutionArn }),
    );
    assert.equal(child.status, "SUCCEEDED");
    const types = await historyTypes(execution.executionArn as string);
    for (const type of ["TaskScheduled", "TaskStarted", "TaskSucceeded"])
      assert.ok(types.includes(type as sfn.HistoryEventType), `${type} in ${types}`);
  });

  test(".sync:2 gives the child's Output as parsed JSON", async () => {
    const arn = await create(
      "sync2-parent",
      parent(`${START}.sync:2`, { StateMachineArn: childArn, Input: { "value.$": "$.value" } }),
    );
    const execution = await run(arn, { value: 5 });
    assert.equal(execution.status, "SUCCEEDED", execution.cause);
    const result = outputOf(execution);
    assert.equal(result.Status, "SUCCEEDED");
    assert.deepEqual(result.Output, { doubled: 10, by: "child" });
    assert.deepEqual(result.Input, { value: 5 });
  });

  test("a child that fails fails the .sync task with States.TaskFailed, which Catch handles", async () => {
    for (const suffix of [".sync", ".sync:2"]) {
      const name = `catches-child${suffix.replace(/[.:]/g, "-")}`;
      const arn = await create(
        name,
        parent(`${START}${suffix}`, { StateMachineArn: failingChildArn }, true),
      );
      const execution = await run(arn, { keep: "me" });
      assert.equal(execution.status, "SUCCEEDED", execution.cause);
      const output = outputOf(execution);
      assert.equal(output.keep, "me");
      assert.equal(output.caught.Error, "States.TaskFailed");
      const cause = JSON.parse(output.caught.Cause);
      assert.equal(cause.Status, "FAILED");
      assert.equal(cause.Error, "ChildBroke");
      assert.equal(cause.Cause, "on purpose");
    }
    // Without a Catch the parent fails with the same error.
    const uncaught = await create(
      "uncaught-child",
      parent(`${START}.sync`, { StateMachineArn: failingChildArn }),
    );
    const execution = await run(uncaught, {});
    assert.equal(execution.status, "FAILED");
    assert.equal(execution.error, "States.TaskFailed");
    const types = await historyTypes(execution.executionArn as string);
    assert.ok(types.includes("TaskFailed"), String(types));
  });

  test(".waitForTaskToken: the child gets the parent's token in its Input and answers with SendTaskSuccess", async () => {
    const { activityArn } = await client.send(
      new sfn.CreateActivityCommand({ name: "child-work" }),
    );
    // The child hands its input (with the parent's token) to a worker through an activity.
    const tokenChild = await create("token-child", {
      StartAt: "Work",
      States: { Work: { Type: "Task", Resource: activityArn, End: true } },
    });
    const arn = await create(
      "token-parent",
      parent(`${START}.waitForTaskToken`, {
        StateMachineArn: tokenChild,
        Input: { "parentToken.$": "$$.Task.Token", "value.$": "$.value" },
      }),
    );
    const { executionArn } = await client.send(
      new sfn.StartExecutionCommand({ stateMachineArn: arn, input: '{"value":7}' }),
    );
    const task = await client.send(
      new sfn.GetActivityTaskCommand({ activityArn, workerName: "child-worker" }),
    );
    const childInput = JSON.parse(task.input as string);
    assert.equal(childInput.value, 7);
    assert.equal(typeof childInput.parentToken, "string");
    // The parent waits for its token, not for the child.
    const running = await client.send(new sfn.DescribeExecutionCommand({ executionArn }));
    assert.equal(running.status, "RUNNING");
    await client.send(
      new sfn.SendTaskSuccessCommand({
        taskToken: childInput.parentToken,
        output: JSON.stringify({ answeredBy: "child", value: childInput.value * 3 }),
      }),
    );
    const execution = await finished(executionArn as string);
    assert.equal(execution.status, "SUCCEEDED", execution.cause);
    assert.deepEqual(outputOf(execution), { answeredBy: "child", value: 21 });
    // The child finishes on its own once its activity is answered.
    await client.send(
      new sfn.SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"child":"done"}' }),
    );
    const { executions } = await client.send(
      new sfn.ListExecutionsCommand({ stateMachineArn: tokenChild }),
    );
    assert.equal(executions?.length, 1);
    const child = await finished(executions?.[0]?.executionArn as string);
    assert.equal(child.status, "SUCCEEDED");
    assert.deepEqual(outputOf(child), { child: "done" });
  });

  test("an unknown child state machine is a task failure the parent can catch", async () => {
    const ghost = "arn:aws:states:us-east-1:123456789012:stateMachine:no-such-child";
    for (const suffix of ["", ".sync", ".sync:2", ".waitForTaskToken"]) {
      const name = `unknown-child${suffix.replace(/[.:]/g, "-")}`;
      const arn = await create(
        name,
        parent(
          `${START}${suffix}`,
          suffix === ".waitForTaskToken"
            ? { StateMachineArn: ghost, Input: { "token.$": "$$.Task.Token" } }
            : { StateMachineArn: ghost },
          true,
        ),
      );
      const execution = await run(arn, {});
      assert.equal(
        execution.status,
        "SUCCEEDED",
        `${suffix}: ${execution.error} ${execution.cause}`,
      );
      const { caught } = outputOf(execution);
      assert.equal(caught.Error, "StepFunctions.StateMachineDoesNotExistException", suffix);
      assert.match(caught.Cause, /no-such-child/);
    }
    // Uncaught, it fails the parent with that error.
    const arn = await create(
      "unknown-uncaught",
      parent(`${START}.sync`, { StateMachineArn: ghost }),
    );
    const execution = await run(arn, {});
    assert.equal(execution.status, "FAILED");
    assert.equal(execution.error, "StepFunctions.StateMachineDoesNotExistException");
  });
});
