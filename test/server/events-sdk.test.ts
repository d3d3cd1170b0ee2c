/**
 * The event bus through @aws-sdk/client-eventbridge against a real server process: rules,
 * targets with an InputTransformer, PutEvents starting executions, errors, buses, and a
 * failing HTTP target retried into the dead-letter store and redriven.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import * as eb from "@aws-sdk/client-eventbridge";
import * as sfn from "@aws-sdk/client-sfn";
import { eventually, rest, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";
import { passMachine, rejectsWith } from "./sdk-helpers.js";

let server: ServerProcess;
let events: eb.EventBridgeClient;
let states: sfn.SFNClient;

before(async () => {
  server = await startServerProcess();
  events = new eb.EventBridgeClient(sdkConfig(server.url));
  states = new sfn.SFNClient(sdkConfig(server.url));
});
after(async () => {
  events?.destroy();
  states?.destroy();
  await server?.stop();
});

const machine = (name: string) => passMachine(states, name);

async function executions(stateMachineArn: string) {
  const { executions } = await states.send(new sfn.ListExecutionsCommand({ stateMachineArn }));
  return executions ?? [];
}

describe("EventBridge API through @aws-sdk/client-eventbridge", () => {
  test("PutRule + PutTargets with an InputTransformer → PutEvents → the execution starts with the transformed input", async () => {
    const arn = await machine("remediate");
    const { RuleArn } = await events.send(
      new eb.PutRuleCommand({
        Name: "cpu-high",
        EventPattern: JSON.stringify({
          source: ["monitoring"],
          detail: { cpu: [{ numeric: [">", 90] }] },
        }),
      }),
    );
    assert.equal(RuleArn, "arn:aws:events:us-east-1:123456789012:rule/cpu-high");
    await events.send(
      new eb.PutTargetsCommand({
        Rule: "cpu-high",
        Targets: [
          {
            Id: "sfn",
            Arn: arn,
            InputTransformer: {
              InputPathsMap: { host: "$.detail.host", cpu: "$.detail.cpu" },
              InputTemplate: '{"instance": <host>, "load": <cpu>, "rule": <aws.events.rule-name>}',
            },
          },
        ],
      }),
    );
    const listed = await events.send(new eb.ListTargetsByRuleCommand({ Rule: "cpu-high" }));
    assert.equal(listed.Targets?.[0]?.Arn, arn);
    const put = await events.send(
      new eb.PutEventsCommand({
        Entries: [
          {
            Source: "monitoring",
            DetailType: "load",
            Detail: JSON.stringify({ host: "web-1", cpu: 97 }),
          },
          {
            Source: "monitoring",
            DetailType: "load",
            Detail: JSON.stringify({ host: "web-2", cpu: 10 }),
          },
          { Source: "monitoring", DetailType: "load", Detail: "not json" },
        ],
      }),
    );
    assert.equal(put.FailedEntryCount, 1);
    assert.ok(put.Entries?.[0]?.EventId);
    assert.equal(put.Entries?.[2]?.ErrorCode, "MalformedDetail");
    // Started in the transaction that accepted the event: there once PutEvents has answered,
    // named after the event (a redelivery would find it).
    const [execution] = await executions(arn);
    assert.ok(execution?.name?.startsWith(`${put.Entries?.[0]?.EventId}_`));
    const described = await states.send(
      new sfn.DescribeExecutionCommand({ executionArn: execution.executionArn }),
    );
    assert.deepEqual(JSON.parse(described.input as string), {
      instance: "web-1",
      load: 97,
      rule: "cpu-high",
    });
    // The second event did not match: still one execution.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await executions(arn)).length, 1);
  });

  test("DescribeRule, ListRules, Disable/EnableRule, DeleteRule (with targets only when forced)", async () => {
    await events.send(
      new eb.PutRuleCommand({ Name: "r-list-1", EventPattern: '{"source":["a"]}' }),
    );
    await events.send(
      new eb.PutRuleCommand({
        Name: "r-list-2",
        EventPattern: '{"source":["b"]}',
        State: "DISABLED",
      }),
    );
    const described = await events.send(new eb.DescribeRuleCommand({ Name: "r-list-2" }));
    assert.equal(described.State, "DISABLED");
    assert.equal(described.EventBusName, "default");
    const { Rules } = await events.send(new eb.ListRulesCommand({ NamePrefix: "r-list-" }));
    assert.deepEqual(
      Rules?.map((r) => r.Name),
      ["r-list-1", "r-list-2"],
    );
    await events.send(new eb.EnableRuleCommand({ Name: "r-list-2" }));
    assert.equal(
      (await events.send(new eb.DescribeRuleCommand({ Name: "r-list-2" }))).State,
      "ENABLED",
    );
    await events.send(
      new eb.PutTargetsCommand({
        Rule: "r-list-1",
        Targets: [{ Id: "t", Arn: await machine("m-list") }],
      }),
    );
    await rejectsWith(
      events.send(new eb.DeleteRuleCommand({ Name: "r-list-1" })),
      "ValidationException",
      /has targets/,
    );
    await events.send(new eb.DeleteRuleCommand({ Name: "r-list-1", Force: true }));
    await rejectsWith(
      events.send(new eb.DescribeRuleCommand({ Name: "r-list-1" })),
      "ResourceNotFoundException",
    );
  });

  test("bad input: invalid pattern, unknown rule, unknown target, bad transformer, never-firing cron, oversized request; nothing stored", async () => {
    await rejectsWith(
      events.send(
        new eb.PutRuleCommand({ Name: "bad", EventPattern: '{"source":"not-an-array"}' }),
      ),
      "InvalidEventPatternException",
      /Event pattern is not valid/,
    );
    await rejectsWith(
      events.send(new eb.DescribeRuleCommand({ Name: "bad" })),
      "ResourceNotFoundException",
    );
    await rejectsWith(
      events.send(
        new eb.PutTargetsCommand({
          Rule: "nope",
          Targets: [{ Id: "t", Arn: "arn:aws:sns:us-east-1:123456789012:t" }],
        }),
      ),
      "ResourceNotFoundException",
    );
    await events.send(new eb.PutRuleCommand({ Name: "ok", EventPattern: '{"source":["x"]}' }));
    // As EventBridge: invalid targets come back in FailedEntries, the call itself succeeds.
    const refused = await events.send(
      new eb.PutTargetsCommand({
        Rule: "ok",
        Targets: [
          { Id: "t1", Arn: "arn:aws:states:us-east-1:123456789012:stateMachine:missing" },
          { Id: "t2", Arn: "arn:aws:s3:::bucket" },
          {
            Id: "t3",
            Arn: await machine("m-bad"),
            InputTransformer: { InputPathsMap: { a: "$.detail.a" }, InputTemplate: '{"a": <a>' },
          },
        ],
      }),
    );
    assert.equal(refused.FailedEntryCount, 3);
    assert.deepEqual(
      refused.FailedEntries?.map((f) => [f.TargetId, f.ErrorCode]),
      [
        ["t1", "ValidationException"],
        ["t2", "ValidationException"],
        ["t3", "ValidationException"],
      ],
    );
    assert.match(refused.FailedEntries?.[0]?.ErrorMessage ?? "", /does not exist/);
    assert.match(refused.FailedEntries?.[1]?.ErrorMessage ?? "", /cannot deliver/);
    assert.match(refused.FailedEntries?.[2]?.ErrorMessage ?? "", /not valid JSON/);
    assert.deepEqual(
      (await events.send(new eb.ListTargetsByRuleCommand({ Rule: "ok" }))).Targets,
      [],
    );
    await rejectsWith(
      events.send(
        new eb.PutRuleCommand({ Name: "never", ScheduleExpression: "cron(0 0 1 1 ? 2001)" }),
      ),
      "ValidationException",
      /ScheduleExpression is not valid/,
    );
    await rejectsWith(
      events.send(new eb.DescribeRuleCommand({ Name: "never" })),
      "ResourceNotFoundException",
    );
    await rejectsWith(
      events.send(
        new eb.PutEventsCommand({
          Entries: [
            { Source: "x", DetailType: "y", Detail: JSON.stringify({ blob: "x".repeat(262_144) }) },
          ],
        }),
      ),
      "ValidationException",
      /over the limit/,
    );
    const tooMany = Array.from({ length: 11 }, () => ({
      Source: "x",
      DetailType: "y",
      Detail: "{}",
    }));
    await rejectsWith(
      events.send(new eb.PutEventsCommand({ Entries: tooMany })),
      "ValidationException",
    );
  });

  test("TestEventPattern and event buses", async () => {
    const event = JSON.stringify({
      id: "1",
      source: "app",
      "detail-type": "x",
      account: "123456789012",
      time: "2024-01-01T00:00:00Z",
      region: "us-east-1",
      resources: [],
      detail: { n: 5 },
    });
    const yes = await events.send(
      new eb.TestEventPatternCommand({
        EventPattern: '{"detail":{"n":[{"numeric":[">",1]}]}}',
        Event: event,
      }),
    );
    assert.equal(yes.Result, true);
    await rejectsWith(
      events.send(new eb.TestEventPatternCommand({ EventPattern: "{", Event: event })),
      "InvalidEventPatternException",
    );
    const { EventBusArn } = await events.send(new eb.CreateEventBusCommand({ Name: "ops" }));
    assert.equal(EventBusArn, "arn:aws:events:us-east-1:123456789012:event-bus/ops");
    await rejectsWith(
      events.send(new eb.CreateEventBusCommand({ Name: "ops" })),
      "ResourceAlreadyExistsException",
    );
    const { EventBuses } = await events.send(new eb.ListEventBusesCommand({}));
    assert.deepEqual(
      EventBuses?.map((b) => b.Name),
      ["default", "ops"],
    );
    const onOps = await events.send(
      new eb.PutEventsCommand({
        Entries: [{ Source: "a", DetailType: "b", Detail: "{}", EventBusName: "ops" }],
      }),
    );
    assert.equal(onOps.FailedEntryCount, 0);
    await events.send(new eb.DeleteEventBusCommand({ Name: "ops" }));
    const gone = await events.send(
      new eb.PutEventsCommand({
        Entries: [{ Source: "a", DetailType: "b", Detail: "{}", EventBusName: "ops" }],
      }),
    );
    assert.equal(gone.Entries?.[0]?.ErrorCode, "ResourceNotFoundException");
  });

  test("a failing HTTP target is retried, then dead-lettered with the reason, and can be redriven", async () => {
    let calls = 0;
    let healthy = false;
    const seen: { auth?: string; body: string }[] = [];
    const hook: Server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        calls++;
        seen.push({ auth: request.headers.authorization, body });
        response.statusCode = healthy ? 200 : 500;
        response.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    try {
      const port = (hook.address() as { port: number }).port;
      const { ConnectionArn } = await events.send(
        new eb.CreateConnectionCommand({
          Name: "hook-auth",
          AuthorizationType: "BASIC",
          AuthParameters: { BasicAuthParameters: { Username: "u", Password: "p" } },
        }),
      );
      const { ApiDestinationArn } = await events.send(
        new eb.CreateApiDestinationCommand({
          Name: "hook",
          ConnectionArn,
          InvocationEndpoint: `http://127.0.0.1:${port}/hook`,
          HttpMethod: "POST",
        }),
      );
      await events.send(
        new eb.PutRuleCommand({ Name: "to-hook", EventPattern: '{"source":["hooked"]}' }),
      );
      await events.send(
        new eb.PutTargetsCommand({
          Rule: "to-hook",
          Targets: [
            {
              Id: "h",
              Arn: ApiDestinationArn,
              InputPath: "$.detail",
              RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
            },
          ],
        }),
      );
      await events.send(
        new eb.PutEventsCommand({
          Entries: [{ Source: "hooked", DetailType: "t", Detail: '{"n":1}' }],
        }),
      );
      const dead = await eventually(async () => {
        const { body } = await rest(server.url, "GET", "/v1/dead-letters?ruleName=to-hook");
        return body.items.length > 0 ? body.items[0] : undefined;
      });
      assert.equal(calls, 3, "one attempt and two retries");
      assert.equal(dead.attempts, 3);
      assert.equal(dead.errorCode, "HTTP_INVOCATION_FAILURE");
      assert.match(dead.errorMessage, /answered 500/);
      assert.equal(dead.event.detail.n, 1);
      assert.equal(seen[0].auth, `Basic ${Buffer.from("u:p").toString("base64")}`);
      assert.deepEqual(JSON.parse(seen[0].body), { n: 1 });
      healthy = true;
      const redriven = await rest(server.url, "POST", "/v1/dead-letters/redrive", {
        ids: [dead.id],
      });
      assert.deepEqual(redriven.body, { redriven: 1 });
      await eventually(async () => (calls === 4 ? true : undefined));
      const after = await rest(server.url, "GET", "/v1/dead-letters?ruleName=to-hook");
      assert.equal(after.body.items.length, 0);
    } finally {
      hook.close();
    }
  });

  test("execution status changes reach a rule on the default bus", async () => {
    const watched = await machine("watched");
    const audit = await machine("audit");
    await events.send(
      new eb.PutRuleCommand({
        Name: "on-success",
        EventPattern: JSON.stringify({
          source: ["opsflow.states"],
          "detail-type": ["Step Functions Execution Status Change"],
          detail: { status: ["SUCCEEDED"], stateMachineArn: [watched] },
        }),
      }),
    );
    await events.send(
      new eb.PutTargetsCommand({
        Rule: "on-success",
        Targets: [{ Id: "audit", Arn: audit, InputPath: "$.detail" }],
      }),
    );
    const { executionArn } = await states.send(
      new sfn.StartExecutionCommand({ stateMachineArn: watched, input: '{"k":1}' }),
    );
    const [started] = await eventually(async () => {
      const list = await executions(audit);
      return list.length > 0 ? list : undefined;
    });
    const described = await states.send(
      new sfn.DescribeExecutionCommand({ executionArn: started.executionArn }),
    );
    const detail = JSON.parse(described.input as string);
    assert.equal(detail.executionArn, executionArn);
    assert.equal(detail.status, "SUCCEEDED");
    assert.equal(detail.output, '{"k":1}');
    assert.equal(typeof detail.startDate, "number");
  });

  test("an event-bus target forwards to another bus; a target naming a missing topic dead-letters", async () => {
    const { EventBusArn } = await events.send(new eb.CreateEventBusCommand({ Name: "relay" }));
    await events.send(new eb.PutRuleCommand({ Name: "fwd", EventPattern: '{"source":["fwd"]}' }));
    await events.send(
      new eb.PutTargetsCommand({ Rule: "fwd", Targets: [{ Id: "bus", Arn: EventBusArn }] }),
    );
    await events.send(
      new eb.PutRuleCommand({
        Name: "notify",
        EventBusName: "relay",
        EventPattern: '{"source":["fwd"]}',
      }),
    );
    await events.send(
      new eb.PutTargetsCommand({
        Rule: "notify",
        EventBusName: "relay",
        Targets: [{ Id: "topic", Arn: "arn:aws:sns:us-east-1:123456789012:oncall" }],
      }),
    );
    await events.send(
      new eb.PutEventsCommand({ Entries: [{ Source: "fwd", DetailType: "t", Detail: '{"x":1}' }] }),
    );
    const dead = await eventually(async () => {
      const { body } = await rest(server.url, "GET", "/v1/dead-letters?eventBusName=relay");
      return body.items.length > 0 ? body.items[0] : undefined;
    });
    assert.equal(dead.ruleName, "notify");
    assert.equal(dead.errorCode, "RESOURCE_NOT_FOUND");
    assert.match(dead.errorMessage, /Topic does not exist/);
    assert.deepEqual(dead.event.detail, { x: 1 });
  });
});
