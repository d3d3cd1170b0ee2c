/**
 * Status events survive a crash: the server (a real process) is SIGKILLed after an execution
 * failed but before its status event was published (publication is held back for the first
 * run); the event waits in the status outbox of the data file, and after a restart the rule on
 * `opsflow.states` FAILED still starts its target, once, with the event id the outbox held.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import * as eb from "@aws-sdk/client-eventbridge";
import * as sfn from "@aws-sdk/client-sfn";
import { eventually, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";
import { queryStored } from "./stored.js";

let server: ServerProcess | undefined;
after(async () => {
  await server?.stop();
});

const role = "arn:aws:iam::123456789012:role/x";

/** The status outbox in the data file: [event id, status, execution ARN] per event. */
async function outboxIn(
  dataDir: string,
): Promise<{ id: string; status: string; executionArn: string }[]> {
  const rows = await queryStored(dataDir, "SELECT event_id, entry FROM status_outbox ORDER BY seq");
  return rows.map((row) => {
    const detail = JSON.parse(JSON.parse(row.entry as string).Detail);
    return { id: row.event_id as string, status: detail.status, executionArn: detail.executionArn };
  });
}

test("SIGKILL between an execution's failure and its status event: after restart the FAILED rule fires once, same event id", async () => {
  server = await startServerProcess(undefined, 0, { OPSFLOW_STATUS_EVENT_DELAY_MS: "3600000" });
  const { dataDir } = server;
  let states = new sfn.SFNClient(sdkConfig(server.url));
  const events = new eb.EventBridgeClient(sdkConfig(server.url));
  const create = async (name: string, definition: object) =>
    (
      await states.send(
        new sfn.CreateStateMachineCommand({
          name,
          roleArn: role,
          definition: JSON.stringify(definition),
        }),
      )
    ).stateMachineArn as string;
  const onCall = await create("notify-on-call", {
    StartAt: "Page",
    States: { Page: { Type: "Pass", End: true } },
  });
  const broken = await create("broken", {
    StartAt: "F",
    States: { F: { Type: "Fail", Error: "DiskFull", Cause: "no space left" } },
  });
  await events.send(
    new eb.PutRuleCommand({
      Name: "failed-to-on-call",
      EventPattern: JSON.stringify({
        source: ["opsflow.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        detail: { status: ["FAILED"], stateMachineArn: [broken] },
      }),
    }),
  );
  await events.send(
    new eb.PutTargetsCommand({
      Rule: "failed-to-on-call",
      Targets: [{ Id: "page", Arn: onCall }],
    }),
  );
  const { executionArn } = await states.send(
    new sfn.StartExecutionCommand({ stateMachineArn: broken }),
  );
  await eventually(async () => {
    const described = await states.send(new sfn.DescribeExecutionCommand({ executionArn }));
    return described.status === "FAILED" ? described : undefined;
  });
  const before = await states.send(new sfn.ListExecutionsCommand({ stateMachineArn: onCall }));
  assert.deepEqual(before.executions, [], "nothing published yet: the window is open");
  await server.kill();
  events.destroy();
  states.destroy();

  const left = await outboxIn(dataDir);
  const failed = left.find((e) => e.executionArn === executionArn && e.status === "FAILED");
  assert.ok(failed, `the FAILED event waits in the outbox: ${JSON.stringify(left)}`);

  server = await startServerProcess(dataDir);
  states = new sfn.SFNClient(sdkConfig(server.url));
  try {
    const [paged] = await eventually(async () => {
      const { executions } = await states.send(
        new sfn.ListExecutionsCommand({ stateMachineArn: onCall }),
      );
      return executions?.length ? executions : undefined;
    }, 30_000);
    const described = await states.send(
      new sfn.DescribeExecutionCommand({ executionArn: paged.executionArn }),
    );
    const event = JSON.parse(described.input as string);
    assert.equal(event.id, failed.id, "published under the id the outbox held");
    // The target execution's name is derived from the event id: a repeat could not start it twice.
    assert.ok(paged.name?.startsWith(`${failed.id}_`), paged.name);
    assert.equal(event.source, "opsflow.states");
    assert.equal(event.detail.executionArn, executionArn);
    assert.equal(event.detail.status, "FAILED");
    assert.equal(event.detail.error, "DiskFull");

    // Published means out of the outbox (same transaction): nothing is left to publish again.
    // (The target's own execution announces itself too: only the failed one's events count.)
    assert.deepEqual(
      (await outboxIn(dataDir)).filter((e) => e.executionArn === executionArn),
      [],
    );
    const { executions } = await states.send(
      new sfn.ListExecutionsCommand({ stateMachineArn: onCall }),
    );
    assert.equal(executions?.length, 1, "the rule fired once");
  } finally {
    states.destroy();
  }
});
