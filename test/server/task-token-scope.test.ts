/**
 * SendTaskSuccess/Failure/Heartbeat are authorised on the execution the task token belongs
 * to: a user allowed to send results only for one state machine's executions is refused
 * (AccessDeniedException on the SDK, 403 on REST, audited with that execution's ARN) for
 * another's, allowed for its own, and an unknown token is still TaskDoesNotExist.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  GetActivityTaskCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
} from "@aws-sdk/client-sfn";
import type { RunningServer } from "../../src/server/compose.js";
import { AdjustableClock, call, finished, startOpsServer } from "../ops/helpers.js";
import { makeUser, restAs } from "./auth-helpers.js";
import { ADMIN } from "./harness.js";

let server: RunningServer;
let admin: SFNClient;
const ACCOUNT = "123456789012";

before(async () => {
  server = await startOpsServer(new AdjustableClock(), {});
  admin = new SFNClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey },
    maxAttempts: 1,
  });
});
after(async () => {
  await server?.close();
});

/** A machine waiting on its own activity, started; answers the execution ARN and task token. */
async function waiting(name: string) {
  const activity = await admin.send(new CreateActivityCommand({ name: `${name}-work` }));
  await admin.send(
    new CreateStateMachineCommand({
      name,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/opsflow`,
      definition: JSON.stringify({
        StartAt: "Work",
        States: { Work: { Type: "Task", Resource: activity.activityArn, End: true } },
      }),
    }),
  );
  const started = await admin.send(
    new StartExecutionCommand({
      stateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`,
    }),
  );
  const task = await admin.send(
    new GetActivityTaskCommand({ activityArn: activity.activityArn, workerName: "test" }),
  );
  assert.ok(task.taskToken);
  return { execution: started.executionArn as string, token: task.taskToken };
}

test("a user may send task results only for the executions its policy names", async () => {
  const alpha = await waiting("alpha");
  const beta = await waiting("beta");
  const pat = await makeUser(server.url, "pat", []);
  const policy = await call(server.url, "PUT", "/v1/users/pat/policies/beta-tasks", {
    document: {
      Statement: {
        Effect: "Allow",
        Action: "states:SendTaskSuccess",
        Resource: `arn:aws:states:us-east-1:${ACCOUNT}:execution:beta:*`,
      },
    },
  });
  assert.equal(policy.status, 200, JSON.stringify(policy.body));
  const sfn = new SFNClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: pat.key,
    maxAttempts: 1,
  });

  await assert.rejects(
    sfn.send(new SendTaskSuccessCommand({ taskToken: alpha.token, output: "{}" })),
    (error: Error) =>
      error.name === "AccessDeniedException" && error.message.includes(alpha.execution),
  );
  const rest = await restAs(
    server.url,
    pat.token,
    "POST",
    `/v1/tasks/${encodeURIComponent(alpha.token)}/success`,
    { output: {} },
  );
  assert.equal(rest.status, 403, rest.text);
  assert.equal(rest.json.error.code, "AccessDeniedException");
  // Nothing was sent: alpha still runs.
  assert.equal((await server.store.getExecution(alpha.execution))?.status, "RUNNING");
  // No heartbeat permission at all: refused, for a real token and an unknown one alike.
  for (const taskToken of [beta.token, "00000000-0000-4000-8000-000000000000"])
    await assert.rejects(
      sfn.send(new SendTaskHeartbeatCommand({ taskToken })),
      (error: Error) => error.name === "AccessDeniedException",
    );
  // An unknown token names no execution: the operation's own answer, not a denial.
  await assert.rejects(
    sfn.send(
      new SendTaskSuccessCommand({
        taskToken: "00000000-0000-4000-8000-000000000000",
        output: "{}",
      }),
    ),
    TaskDoesNotExist,
  );

  await sfn.send(new SendTaskSuccessCommand({ taskToken: beta.token, output: '{"ok":true}' }));
  assert.equal((await finished(server.url, beta.execution)).status, "SUCCEEDED");

  const denials = await call(
    server.url,
    "GET",
    "/v1/audit/events?user=pat&action=states:SendTaskSuccess",
  );
  const denied = denials.body.items.filter((e: { outcome: string }) => e.outcome === "Denied");
  assert.equal(denied.length, 2);
  for (const event of denied) assert.deepEqual(event.resources, [alpha.execution]);
  const success = denials.body.items.find((e: { outcome: string }) => e.outcome === "Success");
  assert.deepEqual(success.resources, [beta.execution]);
});
