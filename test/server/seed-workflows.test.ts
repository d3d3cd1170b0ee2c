import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import {
  deployNodeFunction,
  eventually,
  rest,
  type ServerProcess,
  startServerProcess,
} from "./harness.js";

const SEEDS = new URL("../../../shared/seed-workflows/", import.meta.url);
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
let server: ServerProcess;

async function deployPython(name: string, source: string) {
  const response = await rest(server.url, "POST", "/v1/functions", {
    name,
    runtime: "python",
    files: { "handler.py": Buffer.from(source).toString("base64") },
    handler: "handler.handler",
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
}

/** Creates a seed definition with every `${Placeholder}` substituted, then runs it to the end. */
async function createAndRun(
  name: string,
  file: string,
  substitute: (placeholder: string) => string,
  input: unknown,
) {
  const definition = readFileSync(new URL(file, SEEDS), "utf8");
  const placeholders = [...new Set([...definition.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]))];
  const created = await rest(server.url, "POST", "/v1/state-machines", {
    name,
    definition,
    definitionSubstitutions: Object.fromEntries(placeholders.map((p) => [p, substitute(p)])),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const started = await rest(server.url, "POST", `/v1/state-machines/${name}/executions`, {
    input,
  });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  const arn = encodeURIComponent(started.body.executionArn);
  return eventually(async () => {
    const { body } = await rest(server.url, "GET", `/v1/executions/${arn}`);
    return body.status === "RUNNING" ? undefined : body;
  }, 30_000);
}

before(async () => {
  server = await startServerProcess();
  await deployPython(
    "delete_access_key_pair",
    `class ClientError(Exception):
    pass

def handler(event, context):
    key = event["detail"]["affectedEntities"][0]["entityValue"]
    if key == "ALREADY_GONE":
        raise ClientError("An error occurred (NoSuchEntity) when calling the DeleteAccessKey operation")
    return {"account_id": event["account"], "time_discovered": event["time"], "username": "alice", "deleted_key": key}
`,
  );
  await deployPython(
    "lookup_cloudtrail_events",
    `def handler(event, context):
    return dict(event, event_names=[["DeleteAccessKey", 1]], resource_names=[], resource_types=[])
`,
  );
  await deployPython(
    "notify_security",
    `def handler(event, context):
    return None
`,
  );
  await deployNodeFunction(server.url, "echo", "export async function handler(e) { return e; }");
  await deployNodeFunction(
    server.url,
    "patch",
    "export async function handler(e) { return { patchinginfo: { ...e.patchinginfo, status: 'WAITING', automationId: 'auto-1' } }; }",
  );
  await deployNodeFunction(
    server.url,
    "poll",
    "export async function handler(e) { return { patchinginfo: { ...e.patchinginfo, status: 'SUCCEEDED' } }; }",
  );
});
after(async () => server?.stop());

describe("seed workflows that use only Lambda tasks", () => {
  // With real functions (a real key deleted, the audit summarised, email): seed-001-e2e.test.ts.
  test("001 exposed access key: the original definition runs, and its Catch path too", async () => {
    const event = JSON.parse(
      readFileSync(
        new URL(
          "001-health-exposed-access-key/example-event.aws-health-risk-credentials-exposed.json",
          SEEDS,
        ),
        "utf8",
      ),
    );
    const names: Record<string, string> = {
      "DeleteAccessKeyPair.Arn": fn("delete_access_key_pair"),
      "LookupCloudTrailEvents.Arn": fn("lookup_cloudtrail_events"),
      "NotifySecurity.Arn": fn("notify_security"),
    };
    event.detail.affectedEntities[0].entityValue = "AKIAEXPOSED000000001";
    const ok = await createAndRun(
      "seed-001",
      "001-health-exposed-access-key/statemachine.extracted.asl.json",
      (p) => names[p],
      event,
    );
    assert.equal(ok.status, "SUCCEEDED", JSON.stringify(ok));
    assert.equal(ok.output, null);

    event.detail.affectedEntities[0].entityValue = "ALREADY_GONE";
    const started = await rest(server.url, "POST", "/v1/state-machines/seed-001/executions", {
      input: event,
    });
    const arn = encodeURIComponent(started.body.executionArn);
    const caught = await eventually(async () => {
      const { body } = await rest(server.url, "GET", `/v1/executions/${arn}`);
      return body.status === "RUNNING" ? undefined : body;
    });
    assert.equal(caught.status, "SUCCEEDED");
    const history = await rest(server.url, "GET", `/v1/executions/${arn}/history?limit=100`);
    const notified = history.body.items.find(
      (e: { type: string; details?: { name?: string } }) =>
        e.type === "TaskStateEntered" && e.details?.name === "NotifySecurity",
    );
    assert.equal(notified.details.input["error-info"].Error, "ClientError");
  });

  test("002 auto-provision (Lambda orchestration) runs with stand-ins", async () => {
    const input = JSON.parse(
      readFileSync(new URL("002-auto-provision/lambda-orchestration/example.json", SEEDS), "utf8"),
    );
    const result = await createAndRun(
      "seed-002",
      "002-auto-provision/lambda-orchestration/statemachine.asl.json",
      () => fn("echo"),
      input,
    );
    assert.equal(result.status, "SUCCEEDED");
    // Upstream's Parameters lack ".$", so the provision step receives the literal paths.
    assert.equal(result.output.ApplicationName, "$.ApplicationName");
  });

  for (const file of [
    "stepFunctionsDefinition.json",
    "statemachine.extracted.asl.json",
    "patchingStepFunction.json",
  ]) {
    test(`003 patching by AZ (${file}) runs zone by zone with stand-ins`, async () => {
      const input = JSON.parse(
        readFileSync(
          new URL("003-windows-patching-by-az/example-input.cleaned.json", SEEDS),
          "utf8",
        ),
      );
      const pick = (placeholder: string) =>
        fn(
          /Patching/i.test(placeholder) ? "patch" : /Polling/i.test(placeholder) ? "poll" : "echo",
        );
      const result = await createAndRun(
        `seed-003-${file.split(".")[0]}`,
        `003-windows-patching-by-az/${file}`,
        pick,
        input,
      );
      assert.equal(result.status, "SUCCEEDED", JSON.stringify(result));
      assert.equal(result.output.patchinginfo.status, "SUCCEEDED");
    });
  }

  // Runs end to end, with real functions, incidents and email, in seed-000-e2e.test.ts.
  test("000 incident remediation: the upstream definition is accepted", async () => {
    const definition = readFileSync(
      new URL("000-incident-auto-remediation/statemachine.extracted.asl.json", SEEDS),
      "utf8",
    );
    const created = await rest(server.url, "POST", "/v1/state-machines", {
      name: "seed-000",
      definition,
      definitionSubstitutions: {
        "PrepareMessage.Arn": fn("echo"),
        "OpenIncident.Arn": fn("echo"),
        "ResolveIncident.Arn": fn("echo"),
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });
});
