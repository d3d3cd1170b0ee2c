/**
 * Every Step Functions operation that takes an ARN answers InvalidArn for a malformed one, as
 * AWS does, and keeps its own answer for a well-formed ARN of nothing (ActivityDoesNotExist,
 * StateMachineDoesNotExist, ResourceNotFound, or success for the idempotent deletes). Real
 * server process, official SDK client.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import { awsAs } from "./auth-helpers.js";
import { ADMIN, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";
import { rejectsWith } from "./sdk-helpers.js";

const ACCOUNT = "arn:aws:states:us-east-1:123456789012";
/** Strings that are no ARN of the kind asked for (each one in turn for every operation). */
const MALFORMED = {
  activity: [
    "not-an-arn",
    `${ACCOUNT}:activity:`,
    `${ACCOUNT}:activity:a:b`,
    `${ACCOUNT}:stateMachine:a`,
    "arn:aws:lambda:us-east-1:123456789012:function:a",
  ],
  stateMachine: ["nope", `${ACCOUNT}:stateMachine:`, `${ACCOUNT}:stateMachine:m:1:2`],
  version: ["nope", `${ACCOUNT}:stateMachine:m`, `${ACCOUNT}:stateMachine:m:prod`],
  alias: ["nope", `${ACCOUNT}:stateMachine:m`, `${ACCOUNT}:activity:m:x`],
};

let server: ServerProcess;
let client: sfn.SFNClient;

before(async () => {
  server = await startServerProcess();
  client = new sfn.SFNClient({ ...sdkConfig(server.url), maxAttempts: 1 });
});
after(async () => {
  client?.destroy();
  await server?.stop();
});

test("activities: a malformed ARN is InvalidArn; a well-formed unknown one ActivityDoesNotExist", async () => {
  const { activityArn } = await client.send(new sfn.CreateActivityCommand({ name: "real" }));
  assert.ok(activityArn);
  for (const arn of MALFORMED.activity) {
    await rejectsWith(
      client.send(new sfn.DescribeActivityCommand({ activityArn: arn })),
      "InvalidArn",
    );
    await rejectsWith(
      client.send(new sfn.DeleteActivityCommand({ activityArn: arn })),
      "InvalidArn",
    );
    await rejectsWith(
      client.send(new sfn.GetActivityTaskCommand({ activityArn: arn })),
      "InvalidArn",
    );
  }
  const ghost = `${ACCOUNT}:activity:ghost`;
  await rejectsWith(
    client.send(new sfn.DescribeActivityCommand({ activityArn: ghost })),
    "ActivityDoesNotExist",
  );
  await rejectsWith(
    client.send(new sfn.GetActivityTaskCommand({ activityArn: ghost })),
    "ActivityDoesNotExist",
  );
  // DeleteActivity is idempotent in AWS: an unknown activity is no error.
  await client.send(new sfn.DeleteActivityCommand({ activityArn: ghost }));
  // Nothing above touched the real one.
  const described = await client.send(new sfn.DescribeActivityCommand({ activityArn }));
  assert.equal(described.name, "real");
});

test("state machines: DescribeStateMachine, StartExecution, StartSyncExecution", async () => {
  for (const arn of MALFORMED.stateMachine) {
    await rejectsWith(
      client.send(new sfn.DescribeStateMachineCommand({ stateMachineArn: arn })),
      "InvalidArn",
    );
    await rejectsWith(
      client.send(new sfn.StartExecutionCommand({ stateMachineArn: arn })),
      "InvalidArn",
    );
    // StartSyncExecution's SDK command targets a `sync-` host: sent signed by hand here.
    const sync = await awsAs(server.url, ADMIN, "states", "StartSyncExecution", {
      stateMachineArn: arn,
    });
    assert.equal(sync.status, 400);
    assert.match(sync.json.__type, /InvalidArn$/, arn);
  }
  await rejectsWith(
    client.send(
      new sfn.DescribeStateMachineCommand({ stateMachineArn: `${ACCOUNT}:stateMachine:ghost` }),
    ),
    "StateMachineDoesNotExist",
  );
});

test("versions and aliases: malformed ARNs are InvalidArn, unknown ones keep their answers", async () => {
  for (const arn of MALFORMED.version) {
    await rejectsWith(
      client.send(new sfn.DeleteStateMachineVersionCommand({ stateMachineVersionArn: arn })),
      "InvalidArn",
    );
    await rejectsWith(
      client.send(
        new sfn.CreateStateMachineAliasCommand({
          name: "prod",
          routingConfiguration: [{ stateMachineVersionArn: arn, weight: 100 }],
        }),
      ),
      "InvalidArn",
    );
  }
  for (const arn of MALFORMED.alias) {
    await rejectsWith(
      client.send(new sfn.DescribeStateMachineAliasCommand({ stateMachineAliasArn: arn })),
      "InvalidArn",
    );
    await rejectsWith(
      client.send(new sfn.DeleteStateMachineAliasCommand({ stateMachineAliasArn: arn })),
      "InvalidArn",
    );
  }
  await rejectsWith(
    client.send(
      new sfn.DescribeStateMachineAliasCommand({
        stateMachineAliasArn: `${ACCOUNT}:stateMachine:ghost:prod`,
      }),
    ),
    "ResourceNotFound",
  );
  await client.send(
    new sfn.DeleteStateMachineVersionCommand({
      stateMachineVersionArn: `${ACCOUNT}:stateMachine:ghost:7`,
    }),
  );
});
