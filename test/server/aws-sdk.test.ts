import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import {
  deployNodeFunction,
  eventually,
  type ServerProcess,
  sdkConfig,
  startServerProcess,
} from "./harness.js";

let server: ServerProcess;
let client: sfn.SFNClient;
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

before(async () => {
  server = await startServerProcess();
  client = new sfn.SFNClient(sdkConfig(server.url));
  await deployNodeFunction(
    server.url,
    "double",
    "export async function handler(e) { return { value: e.value * 2 }; }",
  );
  await deployNodeFunction(
    server.url,
    "flaky",
    `import { existsSync } from "node:fs";
     export async function handler(e) {
       if (!existsSync(e.flag)) { const err = new Error("flag missing"); err.name = "NotReady"; throw err; }
       return { ok: true };
     }`,
  );
});
after(async () => {
  client?.destroy();
  await server?.stop();
});

async function create(
  name: string,
  definition: object,
  extra: Partial<sfn.CreateStateMachineInput> = {},
) {
  const result = await client.send(
    new sfn.CreateStateMachineCommand({
      name,
      definition: JSON.stringify(definition),
      roleArn: "arn:aws:iam::123456789012:role/x",
      ...extra,
    }),
  );
  return result.stateMachineArn as string;
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

describe("Step Functions API through @aws-sdk/client-sfn", () => {
  test("create, start, describe, history: a function task runs in a child process", async () => {
    const arn = await create("double-it", {
      StartAt: "Double",
      States: { Double: { Type: "Task", Resource: fn("double"), End: true } },
    });
    const described = await client.send(
      new sfn.DescribeStateMachineCommand({ stateMachineArn: arn }),
    );
    assert.equal(described.name, "double-it");
    const { executionArn } = await client.send(
      new sfn.StartExecutionCommand({ stateMachineArn: arn, input: '{"value":21}' }),
    );
    const execution = await finished(executionArn as string);
    assert.equal(execution.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(execution.output as string), { value: 42 });
    assert.deepEqual(await historyTypes(executionArn as string), [
      "ExecutionStarted",
      "TaskStateEntered",
      "LambdaFunctionScheduled",
      "LambdaFunctionStarted",
      "LambdaFunctionSucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ]);
    const reversed = await client.send(
      new sfn.GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 2 }),
    );
    assert.deepEqual(
      reversed.events?.map((e) => e.type),
      ["ExecutionSucceeded", "TaskStateExited"],
    );
    assert.ok(reversed.nextToken);
    const list = await client.send(
      new sfn.ListExecutionsCommand({ stateMachineArn: arn, statusFilter: "SUCCEEDED" }),
    );
    assert.equal(list.executions?.[0]?.executionArn, executionArn);
  });

  test("StartExecution is idempotent by name and input; a different input conflicts", async () => {
    const arn = await create("idempotent", {
      StartAt: "W",
      States: { W: { Type: "Wait", Seconds: 30, End: true } },
    });
    const first = await client.send(
      new sfn.StartExecutionCommand({ stateMachineArn: arn, name: "once", input: "{}" }),
    );
    const again = await client.send(
      new sfn.StartExecutionCommand({ stateMachineArn: arn, name: "once", input: "{}" }),
    );
    assert.equal(again.executionArn, first.executionArn);
    await assert.rejects(
      client.send(
        new sfn.StartExecutionCommand({ stateMachineArn: arn, name: "once", input: '{"other":1}' }),
      ),
      sfn.ExecutionAlreadyExists,
    );
    const stopped = await client.send(
      new sfn.StopExecutionCommand({
        executionArn: first.executionArn,
        error: "Manual",
        cause: "test",
      }),
    );
    assert.ok(stopped.stopDate instanceof Date);
    const execution = await client.send(
      new sfn.DescribeExecutionCommand({ executionArn: first.executionArn }),
    );
    assert.equal(execution.status, "ABORTED");
    assert.equal((await historyTypes(first.executionArn as string)).at(-1), "ExecutionAborted");
  });

  test("task tokens: SendTaskSuccess resumes, SendTaskFailure fails into Catch, a replayed token is refused", async () => {
    const arn = await create("callback", {
      StartAt: "Wait for approval",
      States: {
        "Wait for approval": {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
          Parameters: { FunctionName: "double", Payload: { value: 1, "token.$": "$$.Task.Token" } },
          Catch: [{ ErrorEquals: ["Rejected"], ResultPath: "$.rejection", Next: "Rejected" }],
          End: true,
        },
        Rejected: { Type: "Pass", End: true },
      },
    });
    const tokenOf = async (executionArn: string) =>
      eventually(async () => {
        const { events } = await client.send(new sfn.GetExecutionHistoryCommand({ executionArn }));
        const scheduled = events?.find((e) => e.type === "TaskScheduled");
        return scheduled
          ? (JSON.parse(scheduled.taskScheduledEventDetails?.parameters as string).Payload
              .token as string)
          : undefined;
      });
    const ok = await client.send(
      new sfn.StartExecutionCommand({ stateMachineArn: arn, input: "{}" }),
    );
    const token = await tokenOf(ok.executionArn as string);
    await eventually(async () =>
      (await historyTypes(ok.executionArn as string)).includes("TaskStarted") ? true : undefined,
    );
    await client.send(
      new sfn.SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }),
    );
    assert.deepEqual(JSON.parse((await finished(ok.executionArn as string)).output as string), {
      approved: true,
    });
    await assert.rejects(
      client.send(new sfn.SendTaskSuccessCommand({ taskToken: token, output: "{}" })),
      sfn.TaskTimedOut,
    );

    const no = await client.send(
      new sfn.StartExecutionCommand({ stateMachineArn: arn, input: "{}" }),
    );
    const token2 = await tokenOf(no.executionArn as string);
    await client.send(
      new sfn.SendTaskFailureCommand({ taskToken: token2, error: "Rejected", cause: "not today" }),
    );
    const rejected = await finished(no.executionArn as string);
    assert.equal(rejected.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(rejected.output as string).rejection, {
      Error: "Rejected",
      Cause: "not today",
    });
    await assert.rejects(
      client.send(
        new sfn.SendTaskSuccessCommand({
          taskToken: "00000000-0000-4000-8000-000000000000",
          output: "{}",
        }),
      ),
      sfn.TaskDoesNotExist,
    );
  });

  test("activities: a worker polls GetActivityTask and answers with the token", async () => {
    const { activityArn } = await client.send(
      new sfn.CreateActivityCommand({ name: "manual-step" }),
    );
    const arn = await create("with-activity", {
      StartAt: "Manual",
      States: { Manual: { Type: "Task", Resource: activityArn, End: true } },
    });
    const { executionArn } = await client.send(
      new sfn.StartExecutionCommand({ stateMachineArn: arn, input: '{"host":"db1"}' }),
    );
    const task = await client.send(
      new sfn.GetActivityTaskCommand({ activityArn, workerName: "test-worker" }),
    );
    assert.deepEqual(JSON.parse(task.input as string), { host: "db1" });
    await client.send(
      new sfn.SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"done":"db1"}' }),
    );
    assert.deepEqual(JSON.parse((await finished(executionArn as string)).output as string), {
      done: "db1",
    });
    const listed = await client.send(new sfn.ListActivitiesCommand({}));
    assert.ok(listed.activities?.some((a) => a.activityArn === activityArn));
  });

  test("redrive restarts a failed execution from the failed state", async () => {
    const flag = `${server.dataDir}/ready-flag`;
    const arn = await create("redrivable", {
      StartAt: "First",
      States: {
        First: { Type: "Pass", Result: "ran", ResultPath: "$.first", Next: "Flaky" },
        Flaky: { Type: "Task", Resource: fn("flaky"), ResultPath: "$.flaky", End: true },
      },
    });
    const { executionArn } = await client.send(
      new sfn.StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ flag }) }),
    );
    const failed = await finished(executionArn as string);
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.error, "NotReady");
    writeFileSync(flag, "yes");
    await client.send(new sfn.RedriveExecutionCommand({ executionArn }));
    const redriven = await finished(executionArn as string);
    assert.equal(redriven.status, "SUCCEEDED");
    assert.equal(redriven.redriveCount, 1);
    assert.deepEqual(JSON.parse(redriven.output as string), {
      flag,
      first: "ran",
      flaky: { ok: true },
    });
    const types = await historyTypes(executionArn as string);
    assert.equal(
      types.filter((t) => t === "PassStateEntered").length,
      1,
      "the succeeded state is not run again",
    );
    await assert.rejects(
      client.send(new sfn.RedriveExecutionCommand({ executionArn })),
      sfn.ExecutionNotRedrivable,
    );
  });

  test("errors come back as the SDK's exception classes", async () => {
    await assert.rejects(
      client.send(
        new sfn.DescribeExecutionCommand({
          executionArn: "arn:aws:states:us-east-1:123456789012:execution:nope:nope",
        }),
      ),
      sfn.ExecutionDoesNotExist,
    );
    await assert.rejects(
      create("broken", { StartAt: "Missing", States: { A: { Type: "Succeed" } } }),
      sfn.InvalidDefinition,
    );
    await create("twice", { StartAt: "A", States: { A: { Type: "Succeed" } } });
    await assert.rejects(
      create("twice", { StartAt: "B", States: { B: { Type: "Succeed" } } }),
      sfn.StateMachineAlreadyExists,
    );
    await assert.rejects(
      client.send(
        new sfn.StartExecutionCommand({
          stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:none",
        }),
      ),
      sfn.StateMachineDoesNotExist,
    );
    const bad = new sfn.SFNClient({
      ...sdkConfig(server.url),
      credentials: { accessKeyId: "AKIAOPSFLOWTEST00001", secretAccessKey: "wrong-secret" },
    });
    await assert.rejects(
      bad.send(new sfn.ListStateMachinesCommand({})),
      (error: Error) => error.name === "InvalidSignatureException",
    );
    bad.destroy();
  });

  test("DefinitionSubstitutions through the REST API, versions and aliases", async () => {
    const { rest } = await import("./harness.js");
    const created = await rest(server.url, "POST", "/v1/state-machines", {
      name: "substituted",
      definition:
        '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${DoubleArn}","End":true}}}',
      definitionSubstitutions: { DoubleArn: fn("double") },
      publish: true,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.definition, /function:double/);
    const arn = created.body.stateMachineArn as string;
    const versions = await client.send(
      new sfn.ListStateMachineVersionsCommand({ stateMachineArn: arn }),
    );
    const versionArn = versions.stateMachineVersions?.[0]?.stateMachineVersionArn as string;
    assert.equal(versionArn, `${arn}:1`);
    const alias = await client.send(
      new sfn.CreateStateMachineAliasCommand({
        name: "live",
        routingConfiguration: [{ stateMachineVersionArn: versionArn, weight: 100 }],
      }),
    );
    const viaAlias = await client.send(
      new sfn.StartExecutionCommand({
        stateMachineArn: alias.stateMachineAliasArn,
        input: '{"value":4}',
      }),
    );
    assert.deepEqual(
      JSON.parse((await finished(viaAlias.executionArn as string)).output as string),
      { value: 8 },
    );
  });
});
