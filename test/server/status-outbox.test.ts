/**
 * Which status changes the running server writes to the status outbox (in-process, real
 * SQLite file, publication held back so the outbox can be read): none while no rule or archive
 * on the default bus could take them; with one, every start (API and nested), end and redrive.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import { type RunningServer, startServer } from "../../src/server/compose.js";
import { serverConfig } from "../ops/helpers.js";
import { eventually, sdkConfig, withTestDatabase } from "./harness.js";

let server: RunningServer;
let client: sfn.SFNClient;

before(async () => {
  server = await startServer(
    await withTestDatabase(serverConfig({ statusEventDelayMs: 3_600_000 })),
  );
  client = new sfn.SFNClient(sdkConfig(server.url));
});
after(async () => {
  client?.destroy();
  await server?.close();
});

const role = "arn:aws:iam::123456789012:role/x";

async function machine(name: string, definition: object): Promise<string> {
  const { stateMachineArn } = await client.send(
    new sfn.CreateStateMachineCommand({
      name,
      roleArn: role,
      definition: JSON.stringify(definition),
    }),
  );
  return stateMachineArn as string;
}

async function ended(executionArn: string): Promise<sfn.DescribeExecutionCommandOutput> {
  return eventually(async () => {
    const described = await client.send(new sfn.DescribeExecutionCommand({ executionArn }));
    return described.status === "RUNNING" ? undefined : described;
  });
}

/** The outbox's events about `executionArn`, oldest first: [status, detail]. */
async function outboxOf(executionArn: string) {
  return (await server.store.pendingStatusEvents(1000))
    .map((event) => ({ id: event.id, entry: JSON.parse(event.entry) }))
    .filter(({ entry }) => entry.Resources[0] === executionArn)
    .map(({ id, entry }) => ({ id, detail: JSON.parse(entry.Detail) }));
}

const failing = {
  StartAt: "F",
  States: { F: { Type: "Fail", Error: "Broken", Cause: "on purpose" } },
};

test("nothing is written to the outbox while no rule or archive could take status events", async () => {
  const arn = await machine("unwatched", failing);
  const { executionArn } = await client.send(
    new sfn.StartExecutionCommand({ stateMachineArn: arn }),
  );
  assert.equal((await ended(executionArn as string)).status, "FAILED");
  assert.deepEqual(await server.store.pendingStatusEvents(1000), []);
});

test("with a rule, starts, nested starts, ends and redrives each write their event with the change", async () => {
  await server.events.putRule({
    Name: "any-failure",
    EventPattern: JSON.stringify({ source: ["opsflow.states"], detail: { status: ["FAILED"] } }),
  });
  const child = await machine("child", failing);
  const parent = await machine("parent", {
    StartAt: "Run",
    States: {
      Run: {
        Type: "Task",
        Resource: "arn:aws:states:::states:startExecution.sync:2",
        Parameters: { StateMachineArn: child, Name: "the-child", Input: { k: 1 } },
        End: true,
      },
    },
  });
  const { executionArn } = await client.send(
    new sfn.StartExecutionCommand({ stateMachineArn: parent, input: '{"p":1}' }),
  );
  const failed = await ended(executionArn as string);
  assert.equal(failed.status, "FAILED");
  const parentEvents = await outboxOf(executionArn as string);
  assert.deepEqual(
    parentEvents.map((e) => e.detail.status),
    ["RUNNING", "FAILED"],
  );
  assert.equal(parentEvents[0].detail.input, '{"p":1}');
  assert.equal(parentEvents[1].detail.error, failed.error);
  assert.equal(parentEvents[1].detail.stopDate, failed.stopDate?.getTime());
  const childArn = executionArn?.replace(":parent:", ":child:").replace(/:[^:]+$/, ":the-child");
  const childEvents = await outboxOf(childArn as string);
  assert.deepEqual(
    childEvents.map((e) => [e.detail.status, e.detail.error]),
    [
      ["RUNNING", null],
      ["FAILED", "Broken"],
    ],
  );

  await client.send(new sfn.RedriveExecutionCommand({ executionArn: childArn }));
  assert.equal((await ended(childArn as string)).redriveCount, 1);
  const afterRedrive = await outboxOf(childArn as string);
  assert.deepEqual(
    afterRedrive.map((e) => [e.detail.status, e.detail.stopDate === null]),
    [
      ["RUNNING", true],
      ["FAILED", false],
      ["RUNNING", true],
      ["FAILED", false],
    ],
  );
  const ids = new Set([...parentEvents, ...afterRedrive].map((e) => e.id));
  assert.equal(ids.size, 6, "every event has its own id");
});
