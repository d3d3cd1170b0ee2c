/**
 * Webhook sources: Alertmanager and CloudEvents (binary and structured) payloads become bus
 * events that start the right workflow; each source needs its own token.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import { eventually, rest, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";

let server: ServerProcess;
let states: sfn.SFNClient;

before(async () => {
  server = await startServerProcess();
  states = new sfn.SFNClient(sdkConfig(server.url));
});
after(async () => {
  states?.destroy();
  await server?.stop();
});

async function machineWithRule(name: string, pattern: object): Promise<string> {
  const { stateMachineArn } = await states.send(
    new sfn.CreateStateMachineCommand({
      name,
      roleArn: "arn:aws:iam::123456789012:role/x",
      definition: JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }),
    }),
  );
  const rule = await rest(server.url, "PUT", `/v1/rules/${name}`, { eventPattern: pattern });
  assert.equal(rule.status, 200, JSON.stringify(rule.body));
  const targets = await rest(server.url, "PUT", `/v1/rules/${name}/targets`, {
    targets: [{ Id: "sfn", Arn: stateMachineArn, InputPath: "$.detail" }],
  });
  assert.equal(targets.status, 200, JSON.stringify(targets.body));
  return stateMachineArn as string;
}

async function inputs(stateMachineArn: string, count: number) {
  const list = await eventually(async () => {
    const { executions } = await states.send(new sfn.ListExecutionsCommand({ stateMachineArn }));
    return (executions?.length ?? 0) >= count ? executions : undefined;
  });
  const out = [];
  for (const execution of list ?? []) {
    const described = await states.send(
      new sfn.DescribeExecutionCommand({ executionArn: execution.executionArn }),
    );
    out.push(JSON.parse(described.input as string));
  }
  return out;
}

async function source(kind: string, name: string): Promise<string> {
  const created = await rest(server.url, "POST", "/v1/sources", { kind, name });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.match(created.body.token, /^opsf_/);
  return created.body.token;
}

const post = (path: string, token: string | undefined, body: string, type: string, extra = {}) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": type,
      ...(token && { authorization: `Bearer ${token}` }),
      ...extra,
    },
    body,
  });

test("an Alertmanager webhook: one event per alert, the firing HighCPU alert starts its workflow", async () => {
  const arn = await machineWithRule("on-high-cpu", {
    source: ["opsflow.alertmanager"],
    "detail-type": ["Alertmanager Alert"],
    detail: { alert: { status: ["firing"], labels: { alertname: ["HighCPU"] } } },
  });
  const token = await source("alertmanager", "prod");
  const payload = {
    version: "4",
    groupKey: '{}:{alertname="HighCPU"}',
    status: "firing",
    receiver: "opsflow",
    groupLabels: { alertname: "HighCPU" },
    commonLabels: { alertname: "HighCPU" },
    commonAnnotations: {},
    externalURL: "http://alertmanager:9093",
    alerts: [
      {
        status: "firing",
        labels: { alertname: "HighCPU", instance: "web-1" },
        annotations: { summary: "CPU high" },
        startsAt: "2024-01-01T00:00:00Z",
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "http://prometheus/graph",
        fingerprint: "abc",
      },
      {
        status: "resolved",
        labels: { alertname: "HighCPU", instance: "web-2" },
        annotations: {},
        startsAt: "2024-01-01T00:00:00Z",
        endsAt: "2024-01-01T00:05:00Z",
        fingerprint: "def",
      },
    ],
  };
  const refused = await post(
    "/v1/sources/alertmanager/prod",
    "opsf_wrong",
    JSON.stringify(payload),
    "application/json",
  );
  assert.equal(refused.status, 401);
  const response = await post(
    "/v1/sources/alertmanager/prod",
    token,
    JSON.stringify(payload),
    "application/json",
  );
  assert.equal(response.status, 202);
  assert.equal(((await response.json()) as { eventIds: string[] }).eventIds.length, 2);
  const [input] = await inputs(arn, 1);
  assert.equal(input.alert.labels.instance, "web-1");
  assert.equal(input.source, "prod");
  assert.equal(input.receiver, "opsflow");
  const bad = await post(
    "/v1/sources/alertmanager/prod",
    token,
    '{"alerts":"no"}',
    "application/json",
  );
  assert.equal(bad.status, 400);
});

test("CloudEvents in binary and structured mode start the workflow their type selects", async () => {
  const arn = await machineWithRule("on-deploy", {
    source: ["opsflow.cloudevents"],
    "detail-type": ["com.example.deploy"],
  });
  const token = await source("cloudevents", "ci");
  const binary = await post(
    "/v1/sources/cloudevents/ci",
    token,
    '{"version":"1.2"}',
    "application/json",
    {
      "ce-specversion": "1.0",
      "ce-id": "evt-1",
      "ce-source": "/ci/pipeline",
      "ce-type": "com.example.deploy",
      "ce-team": "platform",
    },
  );
  assert.equal(binary.status, 202, await binary.clone().text());
  const structured = await post(
    "/v1/sources/cloudevents/ci",
    token,
    JSON.stringify({
      specversion: "1.0",
      id: "evt-2",
      source: "/ci/pipeline",
      type: "com.example.deploy",
      data: { version: "1.3" },
    }),
    "application/cloudevents+json",
  );
  assert.equal(structured.status, 202);
  const seen = await inputs(arn, 2);
  const byId = Object.fromEntries(seen.map((d) => [d.id, d]));
  assert.deepEqual(byId["evt-1"].data, { version: "1.2" });
  assert.equal(byId["evt-1"].extensions.team, "platform");
  assert.deepEqual(byId["evt-2"].data, { version: "1.3" });
  const missing = await post("/v1/sources/cloudevents/ci", token, "{}", "application/json", {
    "ce-specversion": "1.0",
  });
  assert.equal(missing.status, 400);
  assert.match(
    ((await missing.json()) as { error: { message: string } }).error.message,
    /no 'id' attribute/,
  );
});
