import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import type { ExecutionStatusChange } from "../../src/runtime/durable/engine.js";
import { type RunningServer, startServer } from "../../src/server/compose.js";
import { serverConfig } from "../ops/helpers.js";
import { eventually, sdkConfig, withTestDatabase } from "./harness.js";

let server: RunningServer;
let client: sfn.SFNClient;

before(async () => {
  server = await startServer(await withTestDatabase(serverConfig({ synchronous: "FULL" })));
  client = new sfn.SFNClient(sdkConfig(server.url));
});
after(async () => {
  client?.destroy();
  await server?.close();
});

test("execution status changes are published in-process (for the event bus)", async () => {
  const changes: ExecutionStatusChange[] = [];
  server.engine.onStatusChange((change) => changes.push(change));
  const { stateMachineArn } = await client.send(
    new sfn.CreateStateMachineCommand({
      name: "announce",
      roleArn: "arn:aws:iam::123456789012:role/x",
      definition: JSON.stringify({
        StartAt: "A",
        States: { A: { Type: "Fail", Error: "Broken", Cause: "on purpose" } },
      }),
    }),
  );
  const { executionArn } = await client.send(
    new sfn.StartExecutionCommand({ stateMachineArn, input: '{"k":1}' }),
  );
  const failed = await eventually(async () =>
    changes.find((c) => c.executionArn === executionArn && c.status === "FAILED"),
  );
  assert.equal(failed.error, "Broken");
  assert.equal(failed.cause, "on purpose");
  assert.equal(failed.input, '{"k":1}');
  assert.ok(changes.some((c) => c.executionArn === executionArn && c.status === "RUNNING"));
});

test("UpdateStateMachine changes what new executions run; running ones keep their definition", async () => {
  const { stateMachineArn } = await client.send(
    new sfn.CreateStateMachineCommand({
      name: "evolving",
      roleArn: "arn:aws:iam::123456789012:role/x",
      definition: JSON.stringify({
        StartAt: "W",
        States: {
          W: { Type: "Wait", Seconds: 1, Next: "P" },
          P: { Type: "Pass", Result: "v1", End: true },
        },
      }),
    }),
  );
  const first = await client.send(new sfn.StartExecutionCommand({ stateMachineArn }));
  await client.send(
    new sfn.UpdateStateMachineCommand({
      stateMachineArn,
      definition: JSON.stringify({
        StartAt: "P",
        States: { P: { Type: "Pass", Result: "v2", End: true } },
      }),
    }),
  );
  const second = await client.send(new sfn.StartExecutionCommand({ stateMachineArn }));
  const output = async (executionArn: string | undefined) =>
    eventually(async () => {
      const described = await client.send(new sfn.DescribeExecutionCommand({ executionArn }));
      return described.status === "SUCCEEDED" ? JSON.parse(described.output as string) : undefined;
    });
  assert.equal(await output(first.executionArn), "v1");
  assert.equal(await output(second.executionArn), "v2");
  const forFirst = await client.send(
    new sfn.DescribeStateMachineForExecutionCommand({ executionArn: first.executionArn }),
  );
  assert.match(forFirst.definition as string, /v1/);
});
