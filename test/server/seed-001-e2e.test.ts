/**
 * Seed 001 end to end (issue 4): the original exposed-key state machine, started by the
 * original rule on an AWS Health-shaped event put on the bus, runs the example functions of
 * examples/seed-001 against a real in-process server. They delete a real opsflow access key,
 * summarise its audit events and mail the security team through a real SMTP server; when the
 * key is already gone, the original Catch sends the "could not delete" notice instead.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import * as eb from "@aws-sdk/client-eventbridge";
import * as sfn from "@aws-sdk/client-sfn";
import { deploySeed001, type Seed001Deployment } from "../../examples/seed-001/setup.js";
import type { RunningServer } from "../../src/server/compose.js";
import { call, type Mail, startSmtp, until } from "../ops/helpers.js";
import { ADMIN, sdkConfig } from "./harness.js";
import {
  assertSameFiles,
  confirmSubscription,
  endedExecution,
  startSeedServer,
} from "./seed-helpers.js";

const SEED = new URL(
  "../../../shared/seed-workflows/001-health-exposed-access-key/",
  import.meta.url,
);
const EXAMPLE = new URL("../../examples/seed-001/", import.meta.url);
const SECURITY = "security@example.com";

let server: RunningServer;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let deployed: Seed001Deployment;
let admin: { events: eb.EventBridgeClient; states: sfn.SFNClient };

/** A user with the operator role and one fresh access key pair. */
async function userWithKey(name: string) {
  assert.equal((await call(server.url, "POST", "/v1/users", { name })).status, 201);
  assert.equal((await call(server.url, "PUT", `/v1/users/${name}/roles/operator`)).status, 204);
  const key = await call(server.url, "POST", `/v1/users/${name}/access-keys`);
  assert.equal(key.status, 201, JSON.stringify(key.body));
  return {
    accessKeyId: key.body.accessKeyId as string,
    secretAccessKey: key.body.secretAccessKey as string,
  };
}

/**
 * What AWS Health would send about `key`: the seed's example with the key id replaced, put on
 * the default bus through the EventBridge API by the admin. `aws.` sources are reserved: only
 * callers allowed events:PutReservedSourceEvents (a relay of AWS Health, here the admin) may
 * put them.
 */
async function reportExposed(
  key: string,
  mutate: (detail: Record<string, unknown>) => void = () => {},
) {
  const example = JSON.parse(
    readFileSync(new URL("example-event.aws-health-risk-credentials-exposed.json", SEED), "utf8"),
  );
  example.detail.affectedEntities[0].entityValue = key;
  mutate(example.detail);
  const entry = {
    Source: example.source,
    DetailType: example["detail-type"],
    Detail: JSON.stringify(example.detail),
    Resources: example.resources,
  };
  const put = await admin.events.send(new eb.PutEventsCommand({ Entries: [entry] }));
  assert.equal(put.FailedEntryCount, 0, JSON.stringify(put.Entries));
}

/** The execution the rule started for `key`, once it has ended. */
const executionFor = (key: string) =>
  endedExecution(
    admin.states,
    deployed.stateMachineArn,
    (input) => input.detail?.affectedEntities?.[0]?.entityValue === key,
  );

/** The data a state was entered with, from the execution's history. */
async function enteredWith(executionArn: string, state: string) {
  const history = await call(
    server.url,
    "GET",
    `/v1/executions/${encodeURIComponent(executionArn)}/history?limit=100`,
  );
  const entered = history.body.items.find(
    (e: { type: string; details?: { name?: string } }) =>
      e.type === "TaskStateEntered" && e.details?.name === state,
  );
  assert.ok(entered, `${state} was not entered: ${JSON.stringify(history.body.items)}`);
  return entered.details.input;
}

const mailTo = (subject: RegExp) =>
  until(() => smtp.mails.find((m) => m.to.includes(SECURITY) && subject.test(m.subject)), 20_000);

/** `[name, count]` pairs of the names in `names`, count descending then name (as the function). */
function counted(names: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
}

/** The tab-indented `name: count` list under `heading` in the mail. */
function listIn(mail: Mail, heading: string): [string, number][] {
  const lines = mail.text.split("\n");
  const start = lines.indexOf(`${heading}:`);
  assert.ok(start >= 0, `no ${heading} in:\n${mail.text}`);
  const pairs: [string, number][] = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^\t(.+): (\d+)$/.exec(line);
    if (!match) break;
    pairs.push([match[1], Number(match[2])]);
  }
  return pairs;
}

before(async () => {
  smtp = await startSmtp();
  server = await startSeedServer(smtp);
  admin = {
    events: new eb.EventBridgeClient(sdkConfig(server.url)),
    states: new sfn.SFNClient(sdkConfig(server.url)),
  };
  deployed = await deploySeed001({
    endpoint: server.url,
    adminToken: ADMIN.token,
    securityEmail: SECURITY,
  });
  await confirmSubscription(smtp, SECURITY);
});
after(async () => {
  admin?.events.destroy();
  admin?.states.destroy();
  await server?.close();
  await smtp?.close();
});

describe("seed 001 end to end: an exposed opsflow access key", () => {
  test("only callers allowed events:PutReservedSourceEvents may put aws.health events", async () => {
    const operator = new eb.EventBridgeClient({
      ...sdkConfig(server.url),
      credentials: await userWithKey("forger"),
    });
    const forged = { Source: "aws.health", DetailType: "AWS Health Event", Detail: "{}" };
    const put = await operator.send(new eb.PutEventsCommand({ Entries: [forged] }));
    assert.equal(put.Entries?.[0]?.ErrorCode, "NotAuthorizedForSourceException");
    const policy = {
      Statement: { Effect: "Allow", Action: "events:PutReservedSourceEvents", Resource: "*" },
    };
    const granted = await call(server.url, "PUT", "/v1/users/forger/policies/relay", {
      document: policy,
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    const relayed = await operator.send(new eb.PutEventsCommand({ Entries: [forged] }));
    assert.equal(relayed.FailedEntryCount, 0, JSON.stringify(relayed.Entries));
    operator.destroy();
  });

  test("listing functions names their environment variables but never shows the token", async () => {
    const listed = await call(server.url, "GET", "/v1/functions");
    const fn = listed.body.items.find(
      (f: { environment?: Record<string, string> }) => f.environment?.OPSFLOW_TOKEN !== undefined,
    );
    assert.ok(fn, JSON.stringify(listed.body));
    assert.equal(fn.environment.OPSFLOW_TOKEN, "***");
    assert.doesNotMatch(JSON.stringify(listed.body), /opsf_/);
  });

  test("the example deploys the original definition and rule pattern, unchanged", () => {
    assertSameFiles([
      [new URL("statemachine.asl.json", EXAMPLE), new URL("statemachine.extracted.asl.json", SEED)],
      [
        new URL("rule-pattern.json", EXAMPLE),
        new URL("eventbridge-rule-pattern.extracted.json", SEED),
      ],
    ]);
  });

  test("the key is deleted, its audit events summarised and the security team mailed", async () => {
    const key = await userWithKey("alice");
    const asAlice = { ...sdkConfig(server.url), credentials: key };
    const states = new sfn.SFNClient(asAlice);
    const events = new eb.EventBridgeClient(asAlice);
    try {
      // What the key did before it leaked: three starts, two events, a read (reads are not
      // audited) and a refused creation (refusals are).
      const hello = await admin.states.send(
        new sfn.CreateStateMachineCommand({
          name: "hello",
          roleArn: "arn:aws:iam::123456789012:role/x",
          definition: JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }),
        }),
      );
      for (let i = 0; i < 3; i++)
        await states.send(
          new sfn.StartExecutionCommand({ stateMachineArn: hello.stateMachineArn }),
        );
      for (let i = 0; i < 2; i++)
        await events.send(
          new eb.PutEventsCommand({
            Entries: [{ Source: "alice.app", DetailType: "t", Detail: "{}" }],
          }),
        );
      await states.send(new sfn.ListStateMachinesCommand({}));
      await assert.rejects(
        states.send(
          new sfn.CreateStateMachineCommand({
            name: "sneaky",
            roleArn: "arn:aws:iam::123456789012:role/x",
            definition: JSON.stringify({
              StartAt: "P",
              States: { P: { Type: "Pass", End: true } },
            }),
          }),
        ),
        { name: "AccessDeniedException" },
      );

      await reportExposed(key.accessKeyId);
      const execution = await executionFor(key.accessKeyId);
      assert.equal(execution.status, "SUCCEEDED", JSON.stringify(execution));
      assert.equal(execution.output, "null");

      // The key no longer authenticates, and it is gone from its user.
      await assert.rejects(states.send(new sfn.ListStateMachinesCommand({})), {
        name: "UnrecognizedClientException",
      });
      assert.deepEqual(
        (await call(server.url, "GET", "/v1/users/alice/access-keys")).body.items,
        [],
      );
      assert.equal(
        (await call(server.url, "GET", `/v1/access-keys/${key.accessKeyId}`)).status,
        404,
      );
      // Deleted by the responder's least-privilege token, not by an admin.
      const deletion = await call(
        server.url,
        "GET",
        `/v1/audit/events?action=iam:DeleteAccessKey&resource=${encodeURIComponent("arn:aws:iam::123456789012:user/alice")}`,
      );
      assert.equal(deletion.body.items.length, 1);
      assert.equal(deletion.body.items[0].user, deployed.responder);
      assert.equal(deletion.body.items[0].outcome, "Success");

      // The summary equals what the audit log holds for the key in the function's window.
      const summary = await enteredWith(execution.executionArn as string, "NotifySecurity");
      assert.equal(summary.username, "alice");
      assert.equal(summary.deleted_key, key.accessKeyId);
      assert.equal(summary.account_id, "123456789012");
      const audit = await call(
        server.url,
        "GET",
        `/v1/audit/events?accessKeyId=${key.accessKeyId}&endTime=${summary.window_end}&limit=1000`,
      );
      const logged: { action: string; resources: string[] }[] = audit.body.items;
      assert.equal(summary.events_examined, logged.length);
      const actions = counted(logged.map((e) => e.action));
      const resources = counted(logged.flatMap((e) => e.resources.filter((r) => r !== "*")));
      const types = counted(
        logged.flatMap((e) =>
          e.resources
            .filter((r) => r.startsWith("arn:"))
            .map((r) => `${r.split(":")[2]}:${r.split(":").slice(5).join(":").split(/[:/]/)[0]}`),
        ),
      );
      assert.deepEqual(summary.event_names, actions);
      assert.deepEqual(summary.resource_names, resources);
      assert.deepEqual(summary.resource_types, types);
      // ...and what the calls above should have left there.
      assert.deepEqual(actions, [
        ["states:StartExecution", 3],
        ["events:PutEvents", 2],
        ["states:CreateStateMachine", 1],
      ]);
      assert.deepEqual(types, [
        ["states:stateMachine", 4],
        ["events:event-bus", 2],
      ]);

      const mail = await mailTo(/Exposed IAM Key For User alice/);
      assert.equal(
        mail.subject,
        "Security Alert: Exposed IAM Key For User alice On Account 123456789012",
      );
      assert.match(mail.text, new RegExp(`access key ${key.accessKeyId} of user alice`));
      assert.deepEqual(listIn(mail, "Actions"), actions);
      assert.deepEqual(listIn(mail, "Resource Names"), resources);
      assert.deepEqual(listIn(mail, "Resource Types"), types);
    } finally {
      states.destroy();
      events.destroy();
    }
  });

  test("a key already gone: the original Catch sends the could-not-delete notice", async () => {
    const key = await userWithKey("bob");
    assert.equal(
      (await call(server.url, "DELETE", `/v1/users/bob/access-keys/${key.accessKeyId}`)).status,
      204,
    );
    await reportExposed(key.accessKeyId);
    const execution = await executionFor(key.accessKeyId);
    assert.equal(execution.status, "SUCCEEDED", JSON.stringify(execution));
    const input = await enteredWith(execution.executionArn as string, "NotifySecurity");
    assert.equal(input["error-info"].Error, "ClientError");
    const cause = JSON.parse(input["error-info"].Cause);
    assert.equal(cause.errorType, "ClientError");
    assert.match(cause.errorMessage, /ResourceNotFound.*GET \/v1\/access-keys/);
    // The original event is kept next to the error (Catch ResultPath $.error-info).
    assert.equal(input.source, "aws.health");

    const mail = await mailTo(/Error Deleting Key/);
    assert.equal(mail.subject, "Security Alert: Exposed IAM Key - Error Deleting Key");
    assert.match(mail.text, new RegExp(`\\(${key.accessKeyId}\\) was reported as exposed`));
    assert.match(mail.text, /could not be deleted/);
  });

  test("a malformed event is not caught (as upstream): the execution fails and nobody is mailed", async () => {
    const before = smtp.mails.length;
    await reportExposed("AKIAUNUSED0000000000", (detail) => {
      (detail.affectedEntities as { entityValue: string }[])[0].entityValue = "";
    });
    const execution = await until(async () => {
      const { executions } = await admin.states.send(
        new sfn.ListExecutionsCommand({
          stateMachineArn: deployed.stateMachineArn,
          statusFilter: "FAILED",
        }),
      );
      return executions?.[0];
    }, 30_000);
    const described = await admin.states.send(
      new sfn.DescribeExecutionCommand({ executionArn: execution.executionArn }),
    );
    assert.equal(described.error, "TypeError");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(smtp.mails.length, before);
  });
});
