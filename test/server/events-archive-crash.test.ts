/**
 * A replay is durable background work: the server is SIGKILLed right after StartReplay
 * answered (the replay at most partly done); after a restart on the same data the replay
 * resumes, reaches COMPLETED, and every archived event started its execution exactly once.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import * as eb from "@aws-sdk/client-eventbridge";
import * as sfn from "@aws-sdk/client-sfn";
import { eventually, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";

const BUS = "arn:aws:events:us-east-1:123456789012:event-bus/default";
const COUNT = 300;
let server: ServerProcess | undefined;
after(async () => {
  await server?.stop();
});

test("SIGKILL right after StartReplay answered: after restart the replay completes, each event once", async () => {
  server = await startServerProcess();
  let states = new sfn.SFNClient(sdkConfig(server.url));
  let events = new eb.EventBridgeClient(sdkConfig(server.url));
  const { stateMachineArn } = await states.send(
    new sfn.CreateStateMachineCommand({
      name: "replay-target",
      roleArn: "arn:aws:iam::123456789012:role/x",
      definition: JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }),
    }),
  );
  const { ArchiveArn } = await events.send(
    new eb.CreateArchiveCommand({
      ArchiveName: "crash",
      EventSourceArn: BUS,
      EventPattern: '{"source":["crash"]}',
    }),
  );
  const start = new Date(Date.now() - 1000);
  // Archived before any rule exists: only the replay will start executions.
  for (let batch = 0; batch < COUNT / 10; batch++)
    await events.send(
      new eb.PutEventsCommand({
        Entries: Array.from({ length: 10 }, (_, i) => ({
          Source: "crash",
          DetailType: "n",
          Detail: JSON.stringify({ n: batch * 10 + i }),
        })),
      }),
    );
  await events.send(
    new eb.PutRuleCommand({ Name: "replayed", EventPattern: '{"source":["crash"]}' }),
  );
  await events.send(
    new eb.PutTargetsCommand({
      Rule: "replayed",
      Targets: [{ Id: "sfn", Arn: stateMachineArn, InputPath: "$.detail" }],
    }),
  );
  const started = await events.send(
    new eb.StartReplayCommand({
      ReplayName: "survives",
      EventSourceArn: ArchiveArn,
      EventStartTime: start,
      EventEndTime: new Date(Date.now() + 1000),
      Destination: { Arn: BUS },
    }),
  );
  assert.equal(started.State, "STARTING");
  await server.kill();
  events.destroy();
  states.destroy();

  server = await startServerProcess(server.dataDir);
  states = new sfn.SFNClient(sdkConfig(server.url));
  events = new eb.EventBridgeClient(sdkConfig(server.url));
  try {
    const replay = await eventually(async () => {
      const r = await events.send(new eb.DescribeReplayCommand({ ReplayName: "survives" }));
      return r.State === "COMPLETED" ? r : undefined;
    }, 30_000);
    assert.ok(replay.EventLastReplayedTime instanceof Date);
    const all = await eventually(async () => {
      const { executions } = await states.send(
        new sfn.ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }),
      );
      return (executions?.length ?? 0) >= COUNT ? executions : undefined;
    }, 30_000);
    // Settle: nothing more arrives.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { executions } = await states.send(
      new sfn.ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }),
    );
    assert.equal(executions?.length, COUNT);
    const inputs = new Set<number>();
    for (const execution of all ?? []) {
      const described = await states.send(
        new sfn.DescribeExecutionCommand({ executionArn: execution.executionArn }),
      );
      inputs.add(JSON.parse(described.input as string).n);
    }
    assert.equal(inputs.size, COUNT);
  } finally {
    states.destroy();
    events.destroy();
  }
});
