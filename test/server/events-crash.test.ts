/**
 * Durable ingestion: the server is SIGKILLed right after PutEvents answered; after a restart
 * on the same data every accepted event still reaches its target, exactly once per target
 * (execution names are derived from the event and target).
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import * as eb from "@aws-sdk/client-eventbridge";
import * as sfn from "@aws-sdk/client-sfn";
import { eventually, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";

let server: ServerProcess | undefined;
after(async () => {
  await server?.stop();
});

test("SIGKILL right after PutEvents answered: after restart every event starts its execution once", async () => {
  server = await startServerProcess();
  let states = new sfn.SFNClient(sdkConfig(server.url));
  const events = new eb.EventBridgeClient(sdkConfig(server.url));
  const { stateMachineArn } = await states.send(
    new sfn.CreateStateMachineCommand({
      name: "durable-target",
      roleArn: "arn:aws:iam::123456789012:role/x",
      definition: JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }),
    }),
  );
  await events.send(new eb.PutRuleCommand({ Name: "all", EventPattern: '{"source":["crash"]}' }));
  await events.send(
    new eb.PutTargetsCommand({
      Rule: "all",
      Targets: [{ Id: "sfn", Arn: stateMachineArn, InputPath: "$.detail" }],
    }),
  );
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, batch) =>
      events.send(
        new eb.PutEventsCommand({
          Entries: Array.from({ length: 10 }, (_, i) => ({
            Source: "crash",
            DetailType: "n",
            Detail: JSON.stringify({ n: batch * 10 + i }),
          })),
        }),
      ),
    ),
  );
  await server.kill();
  events.destroy();
  states.destroy();
  assert.ok(answers.every((a) => a.FailedEntryCount === 0));

  server = await startServerProcess(server.dataDir);
  states = new sfn.SFNClient(sdkConfig(server.url));
  try {
    const all = await eventually(async () => {
      const { executions } = await states.send(
        new sfn.ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }),
      );
      return (executions?.length ?? 0) >= 200 ? executions : undefined;
    }, 30_000);
    assert.equal(all?.length, 200);
    const inputs = new Set<number>();
    for (const execution of all ?? []) {
      const described = await states.send(
        new sfn.DescribeExecutionCommand({ executionArn: execution.executionArn }),
      );
      inputs.add(JSON.parse(described.input as string).n);
    }
    assert.equal(inputs.size, 200);
  } finally {
    states.destroy();
  }
});
