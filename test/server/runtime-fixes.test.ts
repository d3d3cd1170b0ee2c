/** Stopping .sync children with their parent; activity heartbeats counted from the worker taking the task; generated execution names. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import { eventually, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";

let server: ServerProcess;
let client: sfn.SFNClient;
before(async () => {
  server = await startServerProcess();
  client = new sfn.SFNClient(sdkConfig(server.url));
});
after(async () => {
  client.destroy();
  await server.stop();
});
const create = async (name: string, definition: object) =>
  (
    await client.send(
      new sfn.CreateStateMachineCommand({
        name,
        definition: JSON.stringify(definition),
        roleArn: "arn:aws:iam::123456789012:role/x",
      }),
    )
  ).stateMachineArn as string;

test("stopping a parent stops its .sync child (best-effort cancel, as AWS does)", async () => {
  const child = await create("slow-child", {
    StartAt: "W",
    States: { W: { Type: "Wait", Seconds: 30, End: true } },
  });
  const parent = await create("sync-parent", {
    StartAt: "N",
    States: {
      N: {
        Type: "Task",
        Resource: "arn:aws:states:::states:startExecution.sync:2",
        Parameters: { StateMachineArn: child },
        End: true,
      },
    },
  });
  const { executionArn } = await client.send(
    new sfn.StartExecutionCommand({ stateMachineArn: parent }),
  );
  const [running] = await eventually(async () => {
    const { executions } = await client.send(
      new sfn.ListExecutionsCommand({ stateMachineArn: child }),
    );
    return executions?.length ? executions : undefined;
  });
  await client.send(new sfn.StopExecutionCommand({ executionArn }));
  const stopped = await eventually(async () => {
    const e = await client.send(
      new sfn.DescribeExecutionCommand({ executionArn: running.executionArn }),
    );
    return e.status === "RUNNING" ? undefined : e;
  }, 5_000);
  assert.equal(stopped.status, "ABORTED");
});

test("HeartbeatSeconds counts from when a worker takes the activity task, not from scheduling", async () => {
  const { activityArn } = await client.send(new sfn.CreateActivityCommand({ name: "late" }));
  const machine = await create("late-worker", {
    StartAt: "W",
    States: { W: { Type: "Task", Resource: activityArn, HeartbeatSeconds: 1, End: true } },
  });
  const { executionArn } = await client.send(
    new sfn.StartExecutionCommand({ stateMachineArn: machine }),
  );
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const task = await client
    .send(new sfn.GetActivityTaskCommand({ activityArn }), {
      abortSignal: AbortSignal.timeout(3_000),
    })
    .catch(() => ({ taskToken: undefined }));
  assert.ok(task.taskToken, "a worker polling 1.5 s after scheduling still gets the task");
  await client.send(new sfn.SendTaskSuccessCommand({ taskToken: task.taskToken, output: "{}" }));
  // The result is applied by the engine after SendTaskSuccess answers.
  await eventually(async () => {
    const e = await client.send(new sfn.DescribeExecutionCommand({ executionArn }));
    return e.status === "RUNNING" ? undefined : e;
  }, 5_000);
  const { events } = await client.send(new sfn.GetExecutionHistoryCommand({ executionArn }));
  assert.deepEqual(
    events?.map((e) => e.type),
    [
      "ExecutionStarted",
      "TaskStateEntered",
      "ActivityScheduled",
      "ActivityStarted",
      "ActivitySucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ],
  );
});

test("an execution started without a name gets a version 7 UUID carrying its start time", async () => {
  const machine = await create("unnamed-starts", {
    StartAt: "P",
    States: { P: { Type: "Pass", End: true } },
  });
  const names: string[] = [];
  for (let index = 0; index < 3; index++) {
    const { executionArn, startDate } = await client.send(
      new sfn.StartExecutionCommand({ stateMachineArn: machine }),
    );
    const name = (executionArn as string).split(":").at(-1) as string;
    assert.match(name, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(Number.parseInt(name.replace(/-/g, "").slice(0, 12), 16), startDate?.getTime());
    names.push(name);
  }
  assert.equal(new Set(names).size, 3);
});
