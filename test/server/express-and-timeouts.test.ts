/**
 * EXPRESS machines (StartSyncExecution, create-time checks) and timeouts on a real server:
 * a Task's TimeoutSeconds, HeartbeatSeconds with and without heartbeats, and the machine's
 * own TimeoutSeconds.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import {
  deployNodeFunction,
  eventually,
  rest,
  type ServerProcess,
  sdkConfig,
  startServerProcess,
} from "./harness.js";

let server: ServerProcess;
let client: sfn.SFNClient;
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  server = await startServerProcess();
  // StartSyncExecution carries the `sync-` host prefix; a local endpoint has no such host.
  client = new sfn.SFNClient({ ...sdkConfig(server.url), disableHostPrefix: true });
  await deployNodeFunction(
    server.url,
    "double",
    "export async function handler(e) { return { value: e.value * 2 }; }",
  );
  await deployNodeFunction(
    server.url,
    "slow",
    "export async function handler(e) { await new Promise((r) => setTimeout(r, 3000)); return { late: true }; }",
    { timeoutSeconds: 30 },
  );
});
after(async () => {
  client?.destroy();
  await server?.stop();
});

async function create(
  name: string,
  definition: object,
  type: sfn.StateMachineType = "STANDARD",
): Promise<string> {
  const result = await client.send(
    new sfn.CreateStateMachineCommand({
      name,
      definition: JSON.stringify(definition),
      roleArn: "arn:aws:iam::123456789012:role/x",
      type,
    }),
  );
  return result.stateMachineArn as string;
}

async function start(machineArn: string, input: object = {}) {
  const { executionArn } = await client.send(
    new sfn.StartExecutionCommand({ stateMachineArn: machineArn, input: JSON.stringify(input) }),
  );
  return executionArn as string;
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
  return (events ?? []).map((event) => event.type as string);
}

const elapsed = (execution: sfn.DescribeExecutionOutput) =>
  (execution.stopDate as Date).getTime() - (execution.startDate as Date).getTime();

describe("EXPRESS state machines", () => {
  test("StartSyncExecution answers with status and output when the workflow succeeds", async () => {
    const arn = await create(
      "express-ok",
      {
        StartAt: "Double",
        States: {
          Double: { Type: "Task", Resource: fn("double"), Next: "Tag" },
          Tag: { Type: "Pass", Result: "express", ResultPath: "$.ran", End: true },
        },
      },
      "EXPRESS",
    );
    const result = await client.send(
      new sfn.StartSyncExecutionCommand({
        stateMachineArn: arn,
        name: "sync-ok",
        input: '{"value":21}',
      }),
    );
    assert.equal(result.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(result.output as string), { value: 42, ran: "express" });
    assert.deepEqual(JSON.parse(result.input as string), { value: 21 });
    assert.equal(result.stateMachineArn, arn);
    assert.equal(result.name, "sync-ok");
    // Express executions have AWS's express ARN shape: …:express:<machine>:<name>:<id>.
    assert.match(result.executionArn ?? "", /:express:[^:]+:sync-ok:[0-9a-f-]{36}$/);
    assert.ok(result.startDate instanceof Date && result.stopDate instanceof Date);
    assert.ok((result.stopDate as Date) >= (result.startDate as Date));
    assert.equal(result.error, undefined);
  });

  test("StartSyncExecution answers 200 with status FAILED, error and cause when it fails", async () => {
    const arn = await create(
      "express-fails",
      {
        StartAt: "Check",
        States: {
          Check: {
            Type: "Choice",
            Choices: [{ Variable: "$.ok", BooleanEquals: true, Next: "Fine" }],
            Default: "Broken",
          },
          Fine: { Type: "Succeed" },
          Broken: { Type: "Fail", Error: "Express.Broken", Cause: "ok was not true" },
        },
      },
      "EXPRESS",
    );
    const failed = await client.send(
      new sfn.StartSyncExecutionCommand({ stateMachineArn: arn, input: '{"ok":false}' }),
    );
    assert.equal(failed.$metadata.httpStatusCode, 200);
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.error, "Express.Broken");
    assert.equal(failed.cause, "ok was not true");
    assert.equal(failed.output, undefined);
    const fine = await client.send(
      new sfn.StartSyncExecutionCommand({ stateMachineArn: arn, input: '{"ok":true}' }),
    );
    assert.equal(fine.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(fine.output as string), { ok: true });
  });

  test("StartSyncExecution is for EXPRESS machines only", async () => {
    const standard = await create("standard-not-sync", {
      StartAt: "A",
      States: { A: { Type: "Succeed" } },
    });
    await assert.rejects(
      client.send(new sfn.StartSyncExecutionCommand({ stateMachineArn: standard })),
      sfn.StateMachineTypeNotSupported,
    );
    const { executions } = await client.send(
      new sfn.ListExecutionsCommand({ stateMachineArn: standard }),
    );
    assert.deepEqual(executions, []);
  });

  test(".waitForTaskToken is rejected at create time for EXPRESS (and accepted for STANDARD)", async () => {
    const definition = {
      StartAt: "Approve",
      States: {
        Approve: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
          Parameters: { FunctionName: "double", Payload: { "token.$": "$$.Task.Token" } },
          End: true,
        },
      },
    };
    await assert.rejects(
      create("express-callback", definition, "EXPRESS"),
      (error: Error) =>
        error instanceof sfn.InvalidDefinition && /waitForTaskToken/.test(error.message),
    );
    const viaRest = await rest(server.url, "POST", "/v1/state-machines", {
      name: "express-callback",
      type: "EXPRESS",
      definition,
    });
    assert.equal(viaRest.status, 400);
    assert.equal(viaRest.body.error.code, "InvalidDefinition");
    assert.match(viaRest.body.error.message, /waitForTaskToken/);
    const { stateMachines } = await client.send(new sfn.ListStateMachinesCommand({}));
    assert.ok(!stateMachines?.some((m) => m.name === "express-callback"), "nothing was created");
    assert.ok(await create("standard-callback", definition));
  });
});

describe("timeouts", { concurrency: true }, () => {
  test("a Task's TimeoutSeconds fails a slow function with States.Timeout, which Catch handles", async () => {
    const arn = await create("task-timeout", {
      StartAt: "Slow",
      States: {
        Slow: {
          Type: "Task",
          Resource: fn("slow"),
          TimeoutSeconds: 1,
          Catch: [{ ErrorEquals: ["States.Timeout"], ResultPath: "$.timeout", Next: "Recovered" }],
          End: true,
        },
        Recovered: { Type: "Pass", End: true },
      },
    });
    const executionArn = await start(arn, { host: "db1" });
    const execution = await finished(executionArn);
    assert.equal(execution.status, "SUCCEEDED", `${execution.error} ${execution.cause}`);
    const output = JSON.parse(execution.output as string);
    assert.equal(output.host, "db1");
    assert.equal(output.timeout.Error, "States.Timeout");
    assert.ok(
      elapsed(execution) < 2_900,
      `ended after ${elapsed(execution)} ms, before the function`,
    );
    // The function's late answer changes nothing.
    const before = await historyTypes(executionArn);
    await sleep(Math.max(0, 3_300 - elapsed(execution)));
    const after = await client.send(new sfn.DescribeExecutionCommand({ executionArn }));
    assert.equal(after.output, execution.output);
    assert.deepEqual(await historyTypes(executionArn), before);
  });

  test("HeartbeatSeconds: a worker that never heartbeats fails the task with States.HeartbeatTimeout", async () => {
    const { activityArn } = await client.send(new sfn.CreateActivityCommand({ name: "silent" }));
    const arn = await create("heartbeat-missed", {
      StartAt: "Work",
      States: {
        Work: {
          Type: "Task",
          Resource: activityArn,
          HeartbeatSeconds: 1,
          TimeoutSeconds: 30,
          Catch: [{ ErrorEquals: ["States.HeartbeatTimeout"], Next: "NoPulse" }],
          End: true,
        },
        NoPulse: { Type: "Pass", End: true },
      },
    });
    const executionArn = await start(arn);
    const task = await client.send(new sfn.GetActivityTaskCommand({ activityArn }));
    assert.ok(task.taskToken);
    const execution = await finished(executionArn);
    assert.equal(execution.status, "SUCCEEDED");
    assert.equal(JSON.parse(execution.output as string).Error, "States.HeartbeatTimeout");
    assert.ok(elapsed(execution) < 5_000, `${elapsed(execution)} ms`);
    // The worker's late calls are refused.
    await assert.rejects(
      client.send(new sfn.SendTaskHeartbeatCommand({ taskToken: task.taskToken })),
      sfn.TaskTimedOut,
    );
    await assert.rejects(
      client.send(new sfn.SendTaskSuccessCommand({ taskToken: task.taskToken, output: "{}" })),
      sfn.TaskTimedOut,
    );
    // Uncaught, the execution fails with the error.
    const uncaught = await create("heartbeat-uncaught", {
      StartAt: "Work",
      States: { Work: { Type: "Task", Resource: activityArn, HeartbeatSeconds: 1, End: true } },
    });
    const uncaughtArn = await start(uncaught);
    // The heartbeat clock starts when a worker takes the task.
    await client.send(new sfn.GetActivityTaskCommand({ activityArn }));
    const failed = await finished(uncaughtArn);
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.error, "States.HeartbeatTimeout");
  });

  test("HeartbeatSeconds: a worker that heartbeats every 300 ms keeps the task alive, then succeeds", async () => {
    const { activityArn } = await client.send(new sfn.CreateActivityCommand({ name: "pulsing" }));
    const arn = await create("heartbeat-kept", {
      StartAt: "Work",
      States: {
        Work: { Type: "Task", Resource: activityArn, HeartbeatSeconds: 1, End: true },
      },
    });
    const executionArn = await start(arn, { job: 1 });
    const task = await client.send(new sfn.GetActivityTaskCommand({ activityArn }));
    const workStarted = Date.now();
    while (Date.now() - workStarted < 2_400) {
      await sleep(300);
      await client.send(new sfn.SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    }
    const alive = await client.send(new sfn.DescribeExecutionCommand({ executionArn }));
    assert.equal(alive.status, "RUNNING", `${alive.error}: still working after 2.4 s`);
    await client.send(
      new sfn.SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"job":"done"}' }),
    );
    const execution = await finished(executionArn);
    assert.equal(execution.status, "SUCCEEDED", execution.error);
    assert.deepEqual(JSON.parse(execution.output as string), { job: "done" });
    assert.ok(elapsed(execution) > 2_000);
  });

  test("the machine's TimeoutSeconds times the execution out (TIMED_OUT)", async () => {
    const arn = await create("machine-timeout", {
      TimeoutSeconds: 1,
      StartAt: "Long wait",
      States: { "Long wait": { Type: "Wait", Seconds: 30, End: true } },
    });
    const executionArn = await start(arn);
    const execution = await finished(executionArn);
    assert.equal(execution.status, "TIMED_OUT");
    assert.ok(elapsed(execution) >= 1_000 && elapsed(execution) < 5_000, `${elapsed(execution)}`);
    const types = await historyTypes(executionArn);
    assert.equal(types.at(-1), "ExecutionTimedOut");
    assert.ok(types.includes("WaitStateEntered"));
    const { executions } = await client.send(
      new sfn.ListExecutionsCommand({ stateMachineArn: arn, statusFilter: "TIMED_OUT" }),
    );
    assert.equal(executions?.[0]?.executionArn, executionArn);
  });
});
