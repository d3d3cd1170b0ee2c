/**
 * Roles × endpoints on a real server: every route of the OpenAPI document and every operation
 * of the AWS handler tables is called by a user of each built-in role (and one without any),
 * and must be allowed or refused (403 / AccessDeniedException) exactly as this table says.
 * A route or operation missing from the table fails the test, and the server refuses a route
 * without a rule to everyone, so a new endpoint cannot slip in unguarded.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eventBridgeHandler } from "../../src/api/aws/events/handler.js";
import { sfnOperations } from "../../src/api/aws/sfn/operations.js";
import { fleetOperations } from "../../src/api/aws/ssm/fleet-operations.js";
import { ssmOperations } from "../../src/api/aws/ssm/operations.js";
import { awsAs, type KeyPair, makeUser, restAs } from "./auth-helpers.js";
import { ADMIN, rest, type ServerProcess, startServerProcess } from "./harness.js";

type Who = "admin" | "operator" | "approver" | "viewer" | "none";
const WHO: Who[] = ["admin", "operator", "approver", "viewer", "none"];

// Who may call what: the intent of the roles, written independently of the server's rules.
const A: Who[] = ["admin"];
const V: Who[] = ["admin", "operator", "approver", "viewer"];
const O: Who[] = ["admin", "operator"];
const P: Who[] = ["admin", "approver"];
const OP: Who[] = ["admin", "operator", "approver"];
const ALL: Who[] = WHO;
const PUBLIC = "public";

const REST: Record<string, Who[] | typeof PUBLIC> = {
  "GET /v1/state-machines": V,
  "POST /v1/state-machines": A,
  "GET /v1/state-machines/{name}": V,
  "PUT /v1/state-machines/{name}": A,
  "DELETE /v1/state-machines/{name}": A,
  "GET /v1/state-machines/{name}/executions": V,
  "POST /v1/state-machines/{name}/executions": O,
  "GET /v1/executions/{arn}": V,
  "GET /v1/executions/{arn}/history": V,
  "POST /v1/executions/{arn}/stop": O,
  "POST /v1/executions/{arn}/redrive": O,
  "POST /v1/tasks/{token}/success": OP,
  "POST /v1/tasks/{token}/failure": OP,
  "POST /v1/tasks/{token}/heartbeat": O,
  "GET /v1/functions": V,
  "POST /v1/functions": A,
  "POST /v1/functions/{name}/invoke": O,
  "POST /v1/events": O,
  "GET /v1/rules": V,
  "PUT /v1/rules/{name}": A,
  "GET /v1/rules/{name}": V,
  "DELETE /v1/rules/{name}": A,
  "POST /v1/rules/test-pattern": V,
  "PUT /v1/rules/{name}/targets": A,
  "GET /v1/rules/{name}/targets": V,
  "DELETE /v1/rules/{name}/targets/{id}": A,
  "GET /v1/dead-letters": V,
  "POST /v1/dead-letters/redrive": A,
  "GET /v1/sources": V,
  "POST /v1/sources": A,
  "DELETE /v1/sources/{kind}/{name}": A,
  "GET /v1/event-buses": V,
  "POST /v1/event-buses": A,
  "GET /v1/event-buses/{name}": V,
  "DELETE /v1/event-buses/{name}": A,
  "GET /v1/archives": V,
  "POST /v1/archives": A,
  "GET /v1/archives/{name}": V,
  "PUT /v1/archives/{name}": A,
  "DELETE /v1/archives/{name}": A,
  "GET /v1/replays": V,
  "POST /v1/replays": A,
  "GET /v1/replays/{name}": V,
  "POST /v1/replays/{name}/cancel": A,
  "GET /v1/connections": V,
  "POST /v1/connections": A,
  "GET /v1/connections/{name}": V,
  "PUT /v1/connections/{name}": A,
  "DELETE /v1/connections/{name}": A,
  "GET /v1/api-destinations": V,
  "POST /v1/api-destinations": A,
  "GET /v1/api-destinations/{name}": V,
  "PUT /v1/api-destinations/{name}": A,
  "DELETE /v1/api-destinations/{name}": A,
  "POST /v1/auth/login": PUBLIC,
  "GET /v1/auth/oidc/login": PUBLIC,
  "GET /v1/auth/oidc/callback": PUBLIC,
  "POST /v1/auth/logout": ALL,
  "GET /v1/auth/whoami": ALL,
  "GET /v1/roles": V,
  "GET /v1/users": A,
  "POST /v1/users": A,
  "GET /v1/users/{name}": A,
  "DELETE /v1/users/{name}": A,
  "PUT /v1/users/{name}/password": A,
  "PUT /v1/users/{name}/email": A,
  "POST /v1/users/{name}/totp": A,
  "DELETE /v1/users/{name}/totp": A,
  "PUT /v1/users/{name}/roles/{role}": A,
  "DELETE /v1/users/{name}/roles/{role}": A,
  "GET /v1/users/{name}/policies": A,
  "PUT /v1/users/{name}/policies/{policy}": A,
  "DELETE /v1/users/{name}/policies/{policy}": A,
  "GET /v1/users/{name}/access-keys": A,
  "POST /v1/users/{name}/access-keys": A,
  "POST /v1/users/{name}/access-keys/{id}/activate": A,
  "POST /v1/users/{name}/access-keys/{id}/deactivate": A,
  "DELETE /v1/users/{name}/access-keys/{id}": A,
  "GET /v1/access-keys/{id}": A,
  "GET /v1/users/{name}/tokens": A,
  "POST /v1/users/{name}/tokens": A,
  "POST /v1/users/{name}/tokens/{id}/activate": A,
  "POST /v1/users/{name}/tokens/{id}/deactivate": A,
  "DELETE /v1/users/{name}/tokens/{id}": A,
  "GET /v1/groups": A,
  "POST /v1/groups": A,
  "GET /v1/groups/{name}": A,
  "DELETE /v1/groups/{name}": A,
  "PUT /v1/groups/{name}/members/{user}": A,
  "DELETE /v1/groups/{name}/members/{user}": A,
  "PUT /v1/groups/{name}/roles/{role}": A,
  "DELETE /v1/groups/{name}/roles/{role}": A,
  "GET /v1/groups/{name}/policies": A,
  "PUT /v1/groups/{name}/policies/{policy}": A,
  "DELETE /v1/groups/{name}/policies/{policy}": A,
  "GET /v1/audit/events": A,
  "GET /v1/teams": A,
  "POST /v1/teams": A,
  "GET /v1/teams/{name}": A,
  "DELETE /v1/teams/{name}": A,
  "PUT /v1/teams/{name}/quotas": A,
  "PUT /v1/teams/{name}/members/{user}": A,
  "DELETE /v1/teams/{name}/members/{user}": A,
  "GET /v1/teams/{name}/usage": A,
  "GET /v1/approvals": V,
  "GET /v1/approvals/{id}": V,
  "POST /v1/approvals/{id}/approve": P,
  "POST /v1/approvals/{id}/reject": P,
  "GET /v1/topics": V,
  "POST /v1/topics": A,
  "DELETE /v1/topics/{name}": A,
  "GET /v1/topics/{name}/subscriptions": V,
  "POST /v1/topics/{name}/subscriptions": A,
  "POST /v1/topics/{name}/messages": O,
  "DELETE /v1/subscriptions/{id}": A,
  "GET /v1/notification-deliveries": V,
  "GET /v1/incidents": V,
  "POST /v1/incidents": O,
  "GET /v1/incidents/{id}": V,
  "POST /v1/incidents/{id}/acknowledge": O,
  "POST /v1/incidents/{id}/resolve": O,
  "POST /v1/incidents/{id}/close": O,
  "POST /v1/incidents/{id}/notes": O,
  "POST /v1/incidents/{id}/assign": O,
  // Managed nodes, documents and Run Command: everyone reads, operators run commands.
  "GET /v1/nodes": V,
  "POST /v1/nodes/ssh": A,
  "GET /v1/nodes/{id}": V,
  "POST /v1/nodes/{id}/tags": A,
  "DELETE /v1/nodes/{id}": A,
  "GET /v1/activations": V,
  "POST /v1/activations": A,
  "DELETE /v1/activations/{id}": A,
  "GET /v1/documents": V,
  "POST /v1/documents": A,
  "GET /v1/documents/{name}": V,
  "PUT /v1/documents/{name}": A,
  "DELETE /v1/documents/{name}": A,
  "GET /v1/commands": V,
  "POST /v1/commands": O,
  "GET /v1/commands/{id}": V,
  "GET /v1/commands/{id}/invocations": V,
  "GET /v1/commands/{id}/invocations/{nodeId}": V,
  "GET /v1/commands/{id}/invocations/{nodeId}/output": V,
  "POST /v1/commands/{id}/cancel": O,
  "GET /v1/parameters": V,
  "GET /v1/parameters/{name}": V,
  "PUT /v1/parameters/{name}": A,
  "DELETE /v1/parameters/{name}": A,
  "GET /v1/parameters/{name}/history": V,
  // Links in notification emails: the link's own signed token is the credential.
  "GET /links/approvals/{token}": PUBLIC,
  "POST /links/approvals/{token}": PUBLIC,
  "GET /links/subscriptions/confirm": PUBLIC,
  "POST /links/subscriptions/confirm": PUBLIC,
};

const READ =
  /^(Describe|List|GetExecutionHistory$|ValidateStateMachineDefinition$|TestEventPattern$)/;
const AWS_SPECIAL: Record<string, Who[]> = {
  "states:StartExecution": O,
  "states:StartSyncExecution": O,
  "states:StopExecution": O,
  "states:RedriveExecution": O,
  "states:SendTaskHeartbeat": O,
  "states:GetActivityTask": O,
  "states:SendTaskSuccess": OP,
  "states:SendTaskFailure": OP,
  "events:PutEvents": O,
  // Values are readable by every role; SecureStrings stay ciphertext without ssm:DecryptParameter.
  "ssm:GetParameter": V,
  "ssm:GetParameters": V,
  "ssm:GetParametersByPath": V,
  "ssm:GetParameterHistory": V,
  // Documents and command output are readable by every role; operators run commands.
  "ssm:GetDocument": V,
  "ssm:GetCommandInvocation": V,
  "ssm:SendCommand": O,
  "ssm:CancelCommand": O,
};
const awsExpected = (action: string): Who[] =>
  AWS_SPECIAL[action] ?? (READ.test(action.split(":")[1]) ? V : A);

/** Path parameters that name nothing, so no allowed request changes anything. */
const PARAMS: Record<string, string> = {
  name: "ghost",
  arn: encodeURIComponent("arn:aws:states:us-east-1:123456789012:execution:ghost:never"),
  token: "00000000-0000-4000-8000-000000000000",
  kind: "alertmanager",
  id: "ghost",
  user: "ghost",
  role: "viewer",
  policy: "ghost",
};
const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_, n: string) => PARAMS[n] ?? "x");

let server: ServerProcess;
const tokens = {} as Record<Who, string>;
const keys = {} as Record<Who, KeyPair>;
let documented: string[] = [];

before(async () => {
  server = await startServerProcess();
  tokens.admin = ADMIN.token;
  keys.admin = { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey };
  for (const who of WHO.filter((w) => w !== "admin")) {
    const user = await makeUser(server.url, `${who}-user`, who === "none" ? [] : [who]);
    tokens[who] = user.token;
    keys[who] = user.key;
  }
  const doc = await rest(server.url, "GET", "/openapi.json");
  assert.equal(doc.status, 200);
  documented = Object.entries(doc.body.paths as Record<string, object>)
    .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
});
after(async () => {
  await server?.stop();
});

const denied = (answer: { status: number; json: { error?: { code?: string } } }) =>
  answer.status === 403 && answer.json?.error?.code === "AccessDeniedException";

describe("roles × endpoints", () => {
  test("every documented route has an expectation, and every expectation a route", () => {
    assert.deepEqual(
      documented.filter((route) => !(route in REST)),
      [],
      "routes without an expectation",
    );
    assert.deepEqual(
      Object.keys(REST).filter((route) => !documented.includes(route)),
      [],
      "expectations of no route",
    );
  });

  test("REST: each role is allowed or refused as expected, anonymous callers get 401", async () => {
    const wrong: string[] = [];
    for (const route of documented) {
      const expected = REST[route];
      if (!expected) continue;
      const [method, template] = route.split(" ");
      const path = fill(template);
      const body = method === "GET" || method === "DELETE" ? undefined : {};
      for (const who of WHO) {
        const answer = await restAs(server.url, tokens[who], method, path, body);
        assert.ok(answer.status < 500, `${who} ${route}: ${answer.status} ${answer.text}`);
        const allowed = expected === PUBLIC || expected.includes(who);
        if (allowed === denied(answer))
          wrong.push(`${who} ${route}: ${answer.status} ${answer.text.slice(0, 200)}`);
      }
      const anonymous = await restAs(server.url, undefined, method, path, body);
      if (expected !== PUBLIC && anonymous.status !== 401)
        wrong.push(`anonymous ${route}: ${anonymous.status}`);
    }
    assert.deepEqual(wrong, []);
  });

  test("AWS: every Step Functions, EventBridge and SSM operation, each role", async () => {
    const operations = [
      ...Object.keys(sfnOperations).map((op) => ["states", op] as const),
      ...Object.keys(eventBridgeHandler("123456789012").operations).map(
        (op) => ["events", op] as const,
      ),
      ...Object.keys(ssmOperations).map((op) => ["ssm", op] as const),
      ...Object.keys(fleetOperations).map((op) => ["ssm", op] as const),
    ];
    assert.ok(operations.length > 40, `${operations.length} operations`);
    const wrong: string[] = [];
    for (const [service, operation] of operations) {
      const action = `${service}:${operation}`;
      for (const who of WHO) {
        const answer = await awsAs(server.url, keys[who], service, operation, {});
        assert.ok(answer.status < 500, `${who} ${action}: ${answer.status} ${answer.text}`);
        const refused = String(answer.json?.__type ?? "").endsWith("AccessDeniedException");
        if (awsExpected(action).includes(who) === refused)
          wrong.push(`${who} ${action}: ${answer.status} ${answer.text.slice(0, 200)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test("refusals are in the audit log, with who, what and where", async () => {
    const page = await rest(
      server.url,
      "GET",
      "/v1/audit/events?user=viewer-user&action=states:StartExecution",
    );
    assert.equal(page.status, 200);
    const services = new Set(page.body.items.map((e: { service: string }) => e.service));
    assert.deepEqual([...services].sort(), ["rest", "states"]);
    for (const event of page.body.items) {
      assert.equal(event.outcome, "Denied");
      assert.equal(event.errorCode, "AccessDeniedException");
      assert.equal(event.sourceIp, "127.0.0.1");
      assert.ok(event.credentialId);
    }
  });

  test("self-service: a viewer manages its own tokens, not another user's", async () => {
    const own = await restAs(server.url, tokens.viewer, "GET", "/v1/users/viewer-user/tokens");
    assert.equal(own.status, 200, own.text);
    assert.equal(own.json.items.length, 1);
    const other = await restAs(server.url, tokens.viewer, "GET", "/v1/users/operator-user/tokens");
    assert.ok(denied(other), other.text);
  });
});
