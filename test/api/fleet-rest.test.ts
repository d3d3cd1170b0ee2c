/**
 * The fleet on the native REST API, against a real server process: activations, documents,
 * managed nodes (registered through the agent endpoint by the test, with its own Ed25519 key)
 * and Run Command, with FleetErrors answered as HTTP statuses and the OpenAPI document listing
 * every route.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { makeUser, restAs } from "../server/auth-helpers.js";
import { ADMIN, rest, type ServerProcess, startServerProcess } from "../server/harness.js";
import { registerTestNode, registerWith, type TestNode } from "./fleet-node.js";

let server: ServerProcess;
before(async () => {
  server = await startServerProcess();
});
after(async () => server?.stop());

const api = (method: string, path: string, body?: unknown) => rest(server.url, method, path, body);

/** A Command document (schema 2.2) that echoes its parameter. */
const HELLO = JSON.stringify({
  schemaVersion: "2.2",
  description: "Say hello",
  parameters: { who: { type: "String", default: "world" } },
  mainSteps: [
    { action: "aws:runShellScript", name: "hello", inputs: { runCommand: ["echo hello {{who}}"] } },
  ],
});
const HELLO_YAML = `schemaVersion: "2.2"
description: Say hello in YAML
mainSteps:
  - action: aws:runShellScript
    name: hello
    inputs:
      runCommand:
        - echo hello
`;

/** The raw bytes of an output read, and its size header. */
async function readOutput(path: string) {
  const response = await fetch(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${ADMIN.token}` },
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    size: Number(response.headers.get("x-opsflow-output-size")),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

describe("activations", () => {
  test("create shows the code once; list shows no code; delete, then 404", async () => {
    const created = await api("POST", "/v1/activations", {
      description: "web tier",
      defaultInstanceName: "web",
      registrationLimit: 3,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      tags: [{ Key: "tier", Value: "web" }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.activationCode, /^[A-Za-z0-9]{20}$/);
    const listed = await api("GET", "/v1/activations");
    const found = listed.body.items.find(
      (a: { activationId: string }) => a.activationId === created.body.activationId,
    );
    assert.equal(found.registrationLimit, 3);
    assert.equal(found.defaultInstanceName, "web");
    assert.deepEqual(found.tags, [{ Key: "tier", Value: "web" }]);
    assert.ok(
      !JSON.stringify(listed.body).includes(created.body.activationCode),
      "the code is never shown again",
    );

    assert.equal((await api("DELETE", `/v1/activations/${created.body.activationId}`)).status, 204);
    const again = await api("DELETE", `/v1/activations/${created.body.activationId}`);
    assert.equal(again.status, 404);
    assert.equal(again.body.error.code, "InvalidActivationId");
  });

  test("bad limits and expiry are 400 with the reason", async () => {
    const limit = await api("POST", "/v1/activations", { registrationLimit: 0 });
    assert.equal(limit.status, 400);
    assert.match(limit.body.error.message, /registrationLimit/);
    const past = await api("POST", "/v1/activations", { expiresAt: "2020-01-01T00:00:00Z" });
    assert.equal(past.status, 400);
    assert.equal(past.body.error.code, "InvalidParameters");
    assert.match(past.body.error.message, /future/);
  });
});

describe("documents", () => {
  test("create, duplicate, show versions, update, list, delete", async () => {
    const created = await api("POST", "/v1/documents", {
      name: "hello-rest",
      content: HELLO,
      tags: [{ Key: "team", Value: "ops" }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.version, 1);
    assert.equal(created.body.format, "JSON");
    assert.equal(created.body.schemaVersion, "2.2");
    assert.deepEqual(created.body.platformTypes, ["Linux", "MacOS"]);

    const duplicate = await api("POST", "/v1/documents", { name: "hello-rest", content: HELLO });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.error.code, "DocumentAlreadyExists");

    const updated = await api("PUT", "/v1/documents/hello-rest", { content: HELLO_YAML });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.version, 2);
    assert.equal(updated.body.format, "YAML");
    assert.equal(updated.body.defaultVersion, 1);
    const same = await api("PUT", "/v1/documents/hello-rest", { content: HELLO_YAML });
    assert.equal(same.status, 409);
    assert.equal(same.body.error.code, "DuplicateDocumentContent");

    assert.equal(
      (await api("GET", "/v1/documents/hello-rest")).body.version,
      1,
      "the default version",
    );
    const latest = await api("GET", "/v1/documents/hello-rest?version=$LATEST");
    assert.equal(latest.body.content, HELLO_YAML);
    const missingVersion = await api("GET", "/v1/documents/hello-rest?version=9");
    assert.equal(missingVersion.status, 404);
    assert.equal(missingVersion.body.error.code, "InvalidDocumentVersion");

    const mine = await api("GET", "/v1/documents?owner=Self&prefix=hello-");
    assert.deepEqual(
      mine.body.items.map((d: { name: string; owner: string }) => [d.name, d.owner]),
      [["hello-rest", "Self"]],
    );
    assert.equal(mine.body.items[0].content, undefined, "lists leave the content out");
    const amazon = await api("GET", "/v1/documents?owner=Amazon");
    assert.ok(amazon.body.items.some((d: { name: string }) => d.name === "AWS-RunShellScript"));
    const builtin = await api("GET", "/v1/documents/AWS-RunShellScript");
    assert.equal(builtin.body.owner, "Amazon");
    assert.equal((await api("DELETE", "/v1/documents/AWS-RunShellScript")).status, 400);

    assert.equal((await api("DELETE", "/v1/documents/hello-rest")).status, 204);
    const gone = await api("GET", "/v1/documents/hello-rest");
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, "InvalidDocument");
  });

  test("bad content, names and bodies are 400 saying what is wrong", async () => {
    const content = await api("POST", "/v1/documents", {
      name: "broken-doc",
      content: '{"schemaVersion":"2.2","mainSteps":"no"}',
    });
    assert.equal(content.status, 400);
    assert.match(content.body.error.code, /^InvalidDocument/);
    const name = await api("POST", "/v1/documents", { name: "AWS-Mine", content: HELLO });
    assert.equal(name.status, 400);
    assert.match(name.body.error.message, /reserved/);
    const body = await api("POST", "/v1/documents", { name: "no-content" });
    assert.equal(body.status, 400);
    assert.match(body.body.error.message, /\/content/);
    assert.equal((await api("GET", "/v1/documents/broken-doc")).status, 404, "nothing was stored");
  });
});

describe("managed nodes", () => {
  let node: TestNode;
  before(async () => {
    node = await registerTestNode(server.url, {
      defaultInstanceName: "db",
      tags: [{ Key: "role", Value: "db" }],
    });
  });

  test("list and show a registered node, with filters", async () => {
    const shown = await api("GET", `/v1/nodes/${node.id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.name, "db");
    assert.equal(shown.body.pingStatus, "Online");
    assert.equal(shown.body.platformType, "Linux");
    assert.equal(shown.body.computerName, "test-host");
    assert.deepEqual(shown.body.connection, { kind: "agent" });
    assert.ok(!JSON.stringify(shown.body).includes("publicKey"));

    const ids = async (query: string) =>
      (await api("GET", `/v1/nodes${query}`)).body.items.map((n: { id: string }) => n.id);
    assert.ok((await ids("")).includes(node.id));
    assert.ok((await ids("?tag=role=db,cache&pingStatus=Online")).includes(node.id));
    assert.ok(!(await ids("?tag=role=web")).includes(node.id));
    assert.ok(!(await ids("?pingStatus=ConnectionLost")).includes(node.id));
    assert.ok(
      !(await ids("?tag=role=db&tag=zone")).includes(node.id),
      "every tag filter must hold",
    );

    const unknown = await api("GET", "/v1/nodes/mi-00000000000000000");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, "InvalidInstanceId");
  });

  test("tags: add and replace by key, then remove", async () => {
    const changed = await api("POST", `/v1/nodes/${node.id}/tags`, {
      add: [
        { Key: "role", Value: "primary-db" },
        { Key: "zone", Value: "a" },
      ],
      remove: ["zone"],
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(changed.body.tags, [{ Key: "role", Value: "primary-db" }]);
    assert.deepEqual((await api("GET", `/v1/nodes/${node.id}`)).body.tags, [
      { Key: "role", Value: "primary-db" },
    ]);
    const bad = await api("POST", `/v1/nodes/${node.id}/tags`, { add: [{ Key: "", Value: "x" }] });
    assert.equal(bad.status, 400);
  });

  test("deregistering deletes the node and its key stops working", async () => {
    const other = await registerTestNode(server.url);
    assert.equal((await other.call("/poll", { waitSeconds: 0 })).status, 200);
    assert.equal((await api("DELETE", `/v1/nodes/${other.id}`)).status, 204);
    assert.equal((await api("GET", `/v1/nodes/${other.id}`)).status, 404);
    assert.equal((await other.call("/poll", { waitSeconds: 0 })).status, 401);
    assert.equal((await api("DELETE", `/v1/nodes/${other.id}`)).status, 404);
  });
});

describe("commands", () => {
  let web1: TestNode;
  let web2: TestNode;
  before(async () => {
    const activation = await api("POST", "/v1/activations", {
      registrationLimit: 2,
      tags: [{ Key: "app", Value: "shop" }],
    });
    web1 = await registerWith(
      server.url,
      activation.body.activationId,
      activation.body.activationCode,
    );
    web2 = await registerWith(
      server.url,
      activation.body.activationId,
      activation.body.activationCode,
    );
    await api("POST", "/v1/documents", { name: "hello-cmd", content: HELLO });
  });

  test("invalid requests are refused and store nothing", async () => {
    const before = (await api("GET", "/v1/commands")).body.items.length;
    const cases: [unknown, number, RegExp][] = [
      [{ documentName: "no-such-doc", instanceIds: [web1.id] }, 404, /InvalidDocument/],
      [
        { documentName: "hello-cmd", instanceIds: ["mi-00000000000000000"] },
        404,
        /InvalidInstanceId/,
      ],
      [
        { documentName: "hello-cmd", parameters: { nobody: ["x"] }, instanceIds: [web1.id] },
        400,
        /InvalidParameters/,
      ],
      [
        {
          documentName: "hello-cmd",
          instanceIds: [web1.id],
          targets: [{ Key: "tag:app", Values: ["shop"] }],
        },
        400,
        /ValidationException/,
      ],
      [
        { documentName: "hello-cmd", instanceIds: [web1.id], maxConcurrency: "lots" },
        400,
        /ValidationException/,
      ],
      [
        { documentName: "hello-cmd", instanceIds: [web1.id], timeoutSeconds: 5 },
        400,
        /ValidationException/,
      ],
    ];
    for (const [body, status, code] of cases) {
      const answer = await api("POST", "/v1/commands", body);
      assert.equal(answer.status, status, JSON.stringify([body, answer.body]));
      assert.match(answer.body.error.code, code);
    }
    assert.equal((await api("GET", "/v1/commands")).body.items.length, before);
  });

  test("send by tag, nodes report, the command shows invocations and full output", async () => {
    const sent = await api("POST", "/v1/commands", {
      documentName: "hello-cmd",
      targets: [{ Key: "tag:app", Values: ["shop"] }],
      parameters: { who: ["ops"] },
      comment: "greet",
      maxConcurrency: "2",
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal(sent.body.targetCount, 2);
    assert.deepEqual([...sent.body.instanceIds].sort(), [web1.id, web2.id].sort());
    const id = sent.body.commandId;

    // Over 24,000 characters: the invocation shows the first 24,000, the output route all of it.
    const long = `${"x".repeat(30_000)}\nend\n`;
    const handed = await web1.poll();
    assert.deepEqual(
      handed.map((i) => i.commandId),
      [id],
    );
    assert.deepEqual(handed[0].plugins[0].runCommand, ["echo hello ops"]);
    await web1.run(id, long);
    await web2.poll();
    await web2.run(id, "", { status: "Failed", statusDetails: "Failed", responseCode: 3 });

    const shown = await api("GET", `/v1/commands/${id}`);
    assert.equal(shown.body.status, "Failed");
    assert.equal(shown.body.completedCount, 2);
    assert.equal(shown.body.errorCount, 1);
    const byNode = Object.fromEntries(
      shown.body.invocations.map((i: { instanceId: string }) => [i.instanceId, i]),
    );
    assert.equal(byNode[web1.id].status, "Success");
    assert.equal(byNode[web1.id].stdoutBytes, long.length);
    assert.equal(byNode[web2.id].responseCode, 3);

    const failed = await api("GET", `/v1/commands/${id}/invocations?status=Failed`);
    assert.deepEqual(
      failed.body.items.map((i: { instanceId: string }) => i.instanceId),
      [web2.id],
    );

    const invocation = await api("GET", `/v1/commands/${id}/invocations/${web1.id}`);
    assert.equal(invocation.body.standardOutputContent, long.slice(0, 24_000));
    assert.equal(invocation.body.standardErrorContent, "");

    const all = await readOutput(`/v1/commands/${id}/invocations/${web1.id}/output`);
    assert.equal(all.status, 200);
    assert.equal(all.type, "application/octet-stream");
    assert.equal(all.bytes.toString(), long);
    assert.equal(all.size, long.length);
    const tail = await readOutput(
      `/v1/commands/${id}/invocations/${web1.id}/output?offset=30000&length=2`,
    );
    assert.equal(tail.bytes.toString(), "\ne");
    const past = await readOutput(`/v1/commands/${id}/invocations/${web1.id}/output?offset=99999`);
    assert.equal(past.bytes.length, 0);

    const listed = await api("GET", `/v1/commands?instanceId=${web2.id}&status=Failed`);
    assert.deepEqual(
      listed.body.items.map((c: { commandId: string }) => c.commandId),
      [id],
    );
    const badStatus = await api("GET", "/v1/commands?status=Bored");
    assert.equal(badStatus.status, 400);

    const notSent = await api("GET", `/v1/commands/${id}/invocations/mi-00000000000000000`);
    assert.equal(notSent.status, 404);
    assert.equal(notSent.body.error.code, "InvocationDoesNotExist");
    const noCommand = await api("GET", "/v1/commands/00000000-0000-4000-8000-000000000000");
    assert.equal(noCommand.status, 404);
    assert.equal(noCommand.body.error.code, "InvalidCommandId");
  });

  test("cancel ends undelivered invocations Cancelled", async () => {
    const sent = await api("POST", "/v1/commands", {
      documentName: "hello-cmd",
      instanceIds: [web1.id, web2.id],
    });
    const id = sent.body.commandId;
    const one = await api("POST", `/v1/commands/${id}/cancel`, { instanceIds: [web1.id] });
    assert.equal(one.status, 200, JSON.stringify(one.body));
    const first = await api("GET", `/v1/commands/${id}/invocations/${web1.id}`);
    assert.equal(first.body.status, "Cancelled");
    assert.equal(
      (await api("GET", `/v1/commands/${id}/invocations/${web2.id}`)).body.status,
      "Pending",
    );
    const all = await api("POST", `/v1/commands/${id}/cancel`);
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.equal(all.body.status, "Cancelled");
    const stranger = await api("POST", `/v1/commands/${id}/cancel`, {
      instanceIds: ["mi-00000000000000000"],
    });
    assert.equal(stranger.status, 404);
  });

  test("SendCommand is authorised on the document and on each node", async () => {
    const ARN = "arn:aws:ssm:us-east-1:123456789012:";
    const user = await makeUser(server.url, "runner", []);
    const policy = {
      Statement: [
        {
          Effect: "Allow",
          Action: "ssm:SendCommand",
          Resource: [`${ARN}document/hello-cmd`, `${ARN}managed-instance/${web1.id}`],
        },
        {
          Effect: "Allow",
          Action: "ssm:DescribeInstanceInformation",
          Resource: `${ARN}managed-instance/${web1.id}`,
        },
      ],
    };
    assert.equal(
      (await api("PUT", "/v1/users/runner/policies/run", { document: policy })).status,
      200,
    );
    const send = (body: object) =>
      restAs(server.url, user.token, "POST", "/v1/commands", {
        documentName: "hello-cmd",
        ...body,
      });
    assert.equal((await send({ instanceIds: [web1.id] })).status, 201);
    assert.equal((await send({ instanceIds: [web1.id, web2.id] })).status, 403);
    assert.equal(
      (await send({ targets: [{ Key: "tag:app", Values: ["shop"] }] })).status,
      403,
      "tags need *",
    );
    assert.equal(
      (await send({ documentName: "AWS-RunShellScript", instanceIds: [web1.id] })).status,
      403,
    );
    assert.equal((await restAs(server.url, user.token, "GET", `/v1/nodes/${web1.id}`)).status, 200);
    assert.equal((await restAs(server.url, user.token, "GET", `/v1/nodes/${web2.id}`)).status, 403);
    assert.equal((await restAs(server.url, user.token, "GET", "/v1/nodes")).status, 403);
  });

  test("mutations are audited with SSM's actions and resources", async () => {
    const events = await api("GET", "/v1/audit/events?action=ssm:SendCommand");
    const sent = events.body.items.find((e: { outcome: string }) => e.outcome === "Success");
    assert.ok(sent, JSON.stringify(events.body));
    assert.ok(
      sent.resources.some(
        (r: string) => r === "arn:aws:ssm:us-east-1:123456789012:document/hello-cmd",
      ),
      JSON.stringify(sent),
    );
  });
});

test("the OpenAPI document lists every fleet route", async () => {
  const doc = (await api("GET", "/openapi.json")).body;
  const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
  );
  const fleet = documented
    .filter((r) => /\/v1\/(nodes|activations|documents|commands)/.test(r))
    .sort();
  assert.deepEqual(fleet, [
    "DELETE /v1/activations/{id}",
    "DELETE /v1/documents/{name}",
    "DELETE /v1/nodes/{id}",
    "GET /v1/activations",
    "GET /v1/commands",
    "GET /v1/commands/{id}",
    "GET /v1/commands/{id}/invocations",
    "GET /v1/commands/{id}/invocations/{nodeId}",
    "GET /v1/commands/{id}/invocations/{nodeId}/output",
    "GET /v1/documents",
    "GET /v1/documents/{name}",
    "GET /v1/nodes",
    "GET /v1/nodes/{id}",
    "POST /v1/activations",
    "POST /v1/commands",
    "POST /v1/commands/{id}/cancel",
    "POST /v1/documents",
    "POST /v1/nodes/ssh",
    "POST /v1/nodes/{id}/tags",
    "PUT /v1/documents/{name}",
  ]);
});
