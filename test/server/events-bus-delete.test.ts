/**
 * DeleteEventBus as EventBridge does it, against a real server process, through
 * @aws-sdk/client-eventbridge and the REST API: a bus that still has rules is refused with a
 * ValidationException ("EventBus can't be deleted since it has rules."), and so is a bus an
 * archive reads (EventBridge's archives are managed rules on their bus); the refused bus keeps
 * working. Once its rules and archives are gone it is deleted; an unknown bus is fine on the
 * AWS API, 404 on REST; the default bus is never deleted.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as eb from "@aws-sdk/client-eventbridge";
import { rest, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";
import { rejectsWith } from "./sdk-helpers.js";

let server: ServerProcess;
let events: eb.EventBridgeClient;
const ARN = "arn:aws:events:us-east-1:123456789012";

before(async () => {
  server = await startServerProcess();
  events = new eb.EventBridgeClient(sdkConfig(server.url));
});
after(async () => {
  events?.destroy();
  await server?.stop();
});

const putOn = (bus: string) =>
  events.send(
    new eb.PutEventsCommand({
      Entries: [{ Source: "app", DetailType: "t", Detail: "{}", EventBusName: bus }],
    }),
  );

test("AWS API: a bus with rules or an archive is refused and keeps working; then it is deleted", async () => {
  await events.send(new eb.CreateEventBusCommand({ Name: "apps" }));
  await events.send(
    new eb.PutRuleCommand({
      Name: "watch",
      EventBusName: "apps",
      EventPattern: '{"source":["app"]}',
    }),
  );
  await rejectsWith(
    events.send(new eb.DeleteEventBusCommand({ Name: "apps" })),
    "ValidationException",
    /^EventBus can't be deleted since it has rules\..*rules watch/,
  );
  assert.equal((await events.send(new eb.DescribeEventBusCommand({ Name: "apps" }))).Name, "apps");
  assert.equal((await putOn("apps")).FailedEntryCount, 0, "the refused bus still takes events");
  const rules = await events.send(new eb.ListRulesCommand({ EventBusName: "apps" }));
  assert.deepEqual(
    rules.Rules?.map((r) => r.Name),
    ["watch"],
    "its rules were not touched",
  );

  await events.send(new eb.DeleteRuleCommand({ Name: "watch", EventBusName: "apps" }));
  await events.send(
    new eb.CreateArchiveCommand({
      ArchiveName: "apps-all",
      EventSourceArn: `${ARN}:event-bus/apps`,
    }),
  );
  await rejectsWith(
    events.send(new eb.DeleteEventBusCommand({ Name: `${ARN}:event-bus/apps` })),
    "ValidationException",
    /archives apps-all/,
  );
  assert.equal((await putOn("apps")).FailedEntryCount, 0);
  const archive = await events.send(new eb.DescribeArchiveCommand({ ArchiveName: "apps-all" }));
  assert.equal(archive.EventCount, 1, "the archive kept reading the bus");

  await events.send(new eb.DeleteArchiveCommand({ ArchiveName: "apps-all" }));
  await events.send(new eb.DeleteEventBusCommand({ Name: "apps" }));
  await rejectsWith(
    events.send(new eb.DescribeEventBusCommand({ Name: "apps" })),
    "ResourceNotFoundException",
  );
  assert.equal((await putOn("apps")).Entries?.[0]?.ErrorCode, "ResourceNotFoundException");
  // As in EventBridge: deleting a bus that is not there succeeds; the default bus never goes.
  await events.send(new eb.DeleteEventBusCommand({ Name: "apps" }));
  await rejectsWith(
    events.send(new eb.DeleteEventBusCommand({ Name: "default" })),
    "ValidationException",
  );
});

test("REST: /v1/event-buses creates, lists, describes; DELETE refuses a bus in use with 400", async () => {
  const created = await rest(server.url, "POST", "/v1/event-buses", {
    name: "team",
    description: "the team's events",
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.arn, `${ARN}:event-bus/team`);
  assert.equal((await rest(server.url, "POST", "/v1/event-buses", { name: "team" })).status, 409);
  const listed = await rest(server.url, "GET", "/v1/event-buses?prefix=te");
  assert.deepEqual(
    listed.body.items.map((b: { name: string }) => b.name),
    ["team"],
  );
  const rule = await rest(server.url, "PUT", "/v1/rules/on-team", {
    eventBusName: "team",
    eventPattern: { source: ["app"] },
  });
  assert.equal(rule.status, 200, JSON.stringify(rule.body));

  const refused = await rest(server.url, "DELETE", "/v1/event-buses/team");
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.code, "ValidationException");
  assert.match(refused.body.error.message, /can't be deleted since it has rules.*on-team/);
  const kept = await rest(server.url, "GET", "/v1/event-buses/team");
  assert.equal(kept.status, 200);
  assert.equal(kept.body.description, "the team's events");
  assert.equal((await rest(server.url, "GET", "/v1/rules/on-team?eventBusName=team")).status, 200);

  assert.equal(
    (await rest(server.url, "DELETE", "/v1/rules/on-team?eventBusName=team")).status,
    204,
  );
  assert.equal((await rest(server.url, "DELETE", "/v1/event-buses/team")).status, 204);
  assert.equal((await rest(server.url, "GET", "/v1/event-buses/team")).status, 404);
  assert.equal((await rest(server.url, "DELETE", "/v1/event-buses/team")).status, 404);
  const dflt = await rest(server.url, "DELETE", "/v1/event-buses/default");
  assert.equal(dflt.status, 400);
  assert.equal(dflt.body.error.code, "ValidationException");
});
