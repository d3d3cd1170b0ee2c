/**
 * Activities on a real server through the AWS SDK: ActivityStarted is recorded when a worker
 * takes the task (durably, even when no result ever comes), and DeleteActivity with tasks in
 * flight behaves as on AWS.
 */
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

const create = async (name: string, task: Record<string, unknown>) =>
  (
    await client.send(
      new sfn.CreateStateMachineCommand({
        name,
        definition: JSON.stringify({
          StartAt: "Work",
          States: { Work: { Type: "Task", End: true, ...task } },
        }),
        roleArn: "arn:aws:iam::123456789012:role/x",
      }),
    )
  ).stateMachineArn as string;

const start = async (stateMachineArn: string) =>
  (await client.send(new sfn.StartExecutionCommand({ stateMachineArn, input: '{"job":1}' })))
    .executionArn as string;

const history = async (executionArn: string) =>
  (await client.send(new sfn.GetExecutionHistoryCommand({ executionArn, maxResults: 1000 })))
    .events ?? [];

const finished = (executionArn: string) =>
  eventually(async () => {
    const described = await client.send(new sfn.DescribeExecutionCommand({ executionArn }));
    return described.status === "RUNNING" ? undefined : described;
  });

/** Polls until the execution has scheduled its activity task. */
const scheduled = (executionArn: string) =>
  eventually(async () =>
    (await history(executionArn)).some((e) => e.type === "ActivityScheduled") ? true : undefined,
  );

/** Takes a task the way a worker does, noting the server-independent time window of the take. */
async function take(activityArn: string, workerName?: string) {
  const before = Date.now();
  const task = await client.send(
    new sfn.GetActivityTaskCommand({ activityArn, ...(workerName && { workerName }) }),
  );
  const after = Date.now();
  assert.ok(task.taskToken, "the worker got a task");
  return { token: task.taskToken, before, after };
}

const types = (events: sfn.HistoryEvent[]) => events.map((e) => e.type);
const at = (event: sfn.HistoryEvent) => (event.timestamp as Date).getTime();

test("ActivityStarted (with the worker's name and the time it took the task) is in the history before any result comes", async () => {
  const { activityArn } = await client.send(new sfn.CreateActivityCommand({ name: "started" }));
  const executionArn = await start(await create("started-early", { Resource: activityArn }));
  await scheduled(executionArn);
  const taken = await take(activityArn as string, "worker-7");
  const events = await eventually(async () => {
    const events = await history(executionArn);
    return events.some((e) => e.type === "ActivityStarted") ? events : undefined;
  }, 5_000);
  assert.deepEqual(types(events), [
    "ExecutionStarted",
    "TaskStateEntered",
    "ActivityScheduled",
    "ActivityStarted",
  ]);
  const started = events[3];
  assert.deepEqual(started.activityStartedEventDetails, { workerName: "worker-7" });
  // Server and test share the machine's clock; the server stamps the take, not a later pass.
  assert.ok(
    at(started) >= taken.before && at(started) <= taken.after,
    `started at ${at(started)}, taken between ${taken.before} and ${taken.after}`,
  );
  await client.send(new sfn.SendTaskSuccessCommand({ taskToken: taken.token, output: '{"a":1}' }));
  assert.equal((await finished(executionArn)).status, "SUCCEEDED");
  const all = await history(executionArn);
  assert.deepEqual(types(all), [
    "ExecutionStarted",
    "TaskStateEntered",
    "ActivityScheduled",
    "ActivityStarted",
    "ActivitySucceeded",
    "TaskStateExited",
    "ExecutionSucceeded",
  ]);
  assert.deepEqual(all[3], started, "the started event is the one recorded at the take");
});

test("a worker that takes the task and never answers: Scheduled, Started, TimedOut (HeartbeatSeconds)", async () => {
  const { activityArn } = await client.send(new sfn.CreateActivityCommand({ name: "silent" }));
  const executionArn = await start(
    await create("silent-worker", { Resource: activityArn, HeartbeatSeconds: 1 }),
  );
  await scheduled(executionArn);
  const taken = await take(activityArn as string, "gone-quiet");
  const execution = await finished(executionArn);
  assert.equal(execution.status, "FAILED");
  assert.equal(execution.error, "States.HeartbeatTimeout");
  const events = await history(executionArn);
  assert.deepEqual(types(events), [
    "ExecutionStarted",
    "TaskStateEntered",
    "ActivityScheduled",
    "ActivityStarted",
    "ActivityTimedOut",
    "ExecutionFailed",
  ]);
  assert.deepEqual(events[3].activityStartedEventDetails, { workerName: "gone-quiet" });
  assert.ok(at(events[3]) >= taken.before && at(events[3]) <= taken.after);
  assert.equal(events[4].activityTimedOutEventDetails?.error, "States.HeartbeatTimeout");
  // The heartbeat clock starts at the take: the timeout comes a full HeartbeatSeconds later.
  assert.ok(at(events[4]) - at(events[3]) >= 1000, "timed out a heartbeat after the take");
});

test("a task no worker takes times out without ActivityStarted (TimeoutSeconds)", async () => {
  const { activityArn } = await client.send(new sfn.CreateActivityCommand({ name: "unpolled" }));
  const executionArn = await start(
    await create("nobody-polls", { Resource: activityArn, TimeoutSeconds: 1 }),
  );
  const execution = await finished(executionArn);
  assert.equal(execution.error, "States.Timeout");
  assert.deepEqual(types(await history(executionArn)), [
    "ExecutionStarted",
    "TaskStateEntered",
    "ActivityScheduled",
    "ActivityTimedOut",
    "ExecutionFailed",
  ]);
});

test("a worker without a name: ActivityStarted has empty details, as on AWS", async () => {
  const { activityArn } = await client.send(new sfn.CreateActivityCommand({ name: "anonymous" }));
  const executionArn = await start(await create("anonymous-worker", { Resource: activityArn }));
  await scheduled(executionArn);
  const taken = await take(activityArn as string);
  await client.send(new sfn.SendTaskSuccessCommand({ taskToken: taken.token, output: "{}" }));
  await finished(executionArn);
  const started = (await history(executionArn)).find((e) => e.type === "ActivityStarted");
  assert.deepEqual(started?.activityStartedEventDetails, {});
});

test("GetActivityTask on an unknown or deleted activity answers ActivityDoesNotExist", async () => {
  const unknown = "arn:aws:states:us-east-1:123456789012:activity:never-made";
  await assert.rejects(client.send(new sfn.GetActivityTaskCommand({ activityArn: unknown })), {
    name: "ActivityDoesNotExist",
  });
  const { activityArn } = await client.send(new sfn.CreateActivityCommand({ name: "short-lived" }));
  await client.send(new sfn.DeleteActivityCommand({ activityArn }));
  await assert.rejects(client.send(new sfn.GetActivityTaskCommand({ activityArn })), {
    name: "ActivityDoesNotExist",
  });
});

test("a long poll in progress when its activity is deleted answers ActivityDoesNotExist", async () => {
  const { activityArn } = await client.send(new sfn.CreateActivityCommand({ name: "polled" }));
  const poll = client.send(new sfn.GetActivityTaskCommand({ activityArn, workerName: "w" }));
  // Checked from the start: the poll may answer before the delete's own answer arrives.
  const refused = assert.rejects(poll, { name: "ActivityDoesNotExist" });
  await new Promise((resolve) => setTimeout(resolve, 300));
  await client.send(new sfn.DeleteActivityCommand({ activityArn }));
  await refused;
});

test("DeleteActivity with tasks in flight: a taken task can still be finished, an untaken one waits for its timeout, and a new Task on it fails with States.Runtime", async () => {
  const { activityArn } = await client.send(new sfn.CreateActivityCommand({ name: "retired" }));
  const machine = await create("uses-retired", { Resource: activityArn, TimeoutSeconds: 2 });
  const takenRun = await start(machine);
  await scheduled(takenRun);
  const taken = await take(activityArn as string, "last-worker");
  const waitingRun = await start(machine);
  await scheduled(waitingRun);
  await client.send(new sfn.DeleteActivityCommand({ activityArn }));

  await assert.rejects(client.send(new sfn.GetActivityTaskCommand({ activityArn })), {
    name: "ActivityDoesNotExist",
  });
  await client.send(new sfn.SendTaskSuccessCommand({ taskToken: taken.token, output: '{"ok":1}' }));
  const done = await finished(takenRun);
  assert.equal(done.status, "SUCCEEDED");
  assert.deepEqual(JSON.parse(done.output as string), { ok: 1 });

  const waiting = await finished(waitingRun);
  assert.equal(waiting.error, "States.Timeout");
  assert.deepEqual(types(await history(waitingRun)), [
    "ExecutionStarted",
    "TaskStateEntered",
    "ActivityScheduled",
    "ActivityTimedOut",
    "ExecutionFailed",
  ]);

  // AWS (recorded): no ActivityScheduled; the execution fails with States.Runtime.
  const lateRun = await start(machine);
  const late = await finished(lateRun);
  assert.equal(late.status, "FAILED");
  assert.equal(late.error, "States.Runtime");
  const expectedCause = `An error occurred while executing the state 'Work' (entered at the event id #2). The activity ${activityArn} does not exist.`;
  assert.equal(late.cause, expectedCause);
  const lateEvents = await history(lateRun);
  assert.deepEqual(types(lateEvents), ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]);
  assert.deepEqual(lateEvents[2].executionFailedEventDetails, {
    error: "States.Runtime",
    cause: expectedCause,
  });
});

test("a Task on a deleted activity inside a Map fails the Map and the execution (States.Runtime is not caught)", async () => {
  const { activityArn } = await client.send(new sfn.CreateActivityCommand({ name: "gone" }));
  await client.send(new sfn.DeleteActivityCommand({ activityArn }));
  const { stateMachineArn } = await client.send(
    new sfn.CreateStateMachineCommand({
      name: "map-on-gone",
      roleArn: "arn:aws:iam::123456789012:role/x",
      definition: JSON.stringify({
        StartAt: "Init",
        States: {
          Init: { Type: "Pass", Result: [1, 2], ResultPath: "$.list", Next: "Each" },
          Each: {
            Type: "Map",
            ItemsPath: "$.list",
            ItemProcessor: {
              StartAt: "Work",
              States: { Work: { Type: "Task", Resource: activityArn, End: true } },
            },
            Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }],
            End: true,
          },
          Caught: { Type: "Succeed" },
        },
      }),
    }),
  );
  const executionArn = await start(stateMachineArn as string);
  const execution = await finished(executionArn);
  assert.equal(execution.status, "FAILED");
  assert.equal(execution.error, "States.Runtime");
  assert.ok(!types(await history(executionArn)).includes("ActivityScheduled"));
});

test("ActivityStarted outlives a crash right after the take, and the task still times out", async () => {
  let own = await startServerProcess();
  let sdk = new sfn.SFNClient(sdkConfig(own.url));
  try {
    const { activityArn } = await sdk.send(new sfn.CreateActivityCommand({ name: "crashy" }));
    const { stateMachineArn } = await sdk.send(
      new sfn.CreateStateMachineCommand({
        name: "crash-after-take",
        roleArn: "arn:aws:iam::123456789012:role/x",
        definition: JSON.stringify({
          StartAt: "Work",
          States: { Work: { Type: "Task", Resource: activityArn, HeartbeatSeconds: 2, End: true } },
        }),
      }),
    );
    const { executionArn } = await sdk.send(new sfn.StartExecutionCommand({ stateMachineArn }));
    const before = Date.now();
    const task = await sdk.send(new sfn.GetActivityTaskCommand({ activityArn, workerName: "w9" }));
    const after = Date.now();
    assert.ok(task.taskToken);
    await own.kill();
    sdk.destroy();
    own = await startServerProcess(own.dataDir);
    sdk = new sfn.SFNClient(sdkConfig(own.url));
    const execution = await eventually(async () => {
      const described = await sdk.send(new sfn.DescribeExecutionCommand({ executionArn }));
      return described.status === "RUNNING" ? undefined : described;
    });
    assert.equal(execution.error, "States.HeartbeatTimeout");
    const { events = [] } = await sdk.send(new sfn.GetExecutionHistoryCommand({ executionArn }));
    assert.deepEqual(types(events), [
      "ExecutionStarted",
      "TaskStateEntered",
      "ActivityScheduled",
      "ActivityStarted",
      "ActivityTimedOut",
      "ExecutionFailed",
    ]);
    assert.deepEqual(events[3].activityStartedEventDetails, { workerName: "w9" });
    assert.ok(at(events[3]) >= before && at(events[3]) <= after, "stamped with the take");
  } finally {
    sdk.destroy();
    await own.stop();
  }
});
