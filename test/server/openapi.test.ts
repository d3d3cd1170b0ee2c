/**
 * The OpenAPI document of a real server: behind the bearer token, OpenAPI 3.1, listing exactly
 * the /v1 routes the server answers, and every documented request schema (bodies, path and
 * query parameters) enforced: a request that violates one is a 400 naming the member.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ADMIN, rest, type ServerProcess, startServerProcess } from "./harness.js";

let server: ServerProcess;
// biome-ignore lint/suspicious/noExplicitAny: the document is JSON read field by field.
let doc: any;

/** Every route of the native API, as the server should answer and document them. */
const ROUTES = [
  "GET /v1/state-machines",
  "POST /v1/state-machines",
  "GET /v1/state-machines/{name}",
  "PUT /v1/state-machines/{name}",
  "DELETE /v1/state-machines/{name}",
  "GET /v1/state-machines/{name}/executions",
  "POST /v1/state-machines/{name}/executions",
  "GET /v1/executions/{arn}",
  "GET /v1/executions/{arn}/history",
  "POST /v1/executions/{arn}/stop",
  "POST /v1/executions/{arn}/redrive",
  "POST /v1/tasks/{token}/success",
  "POST /v1/tasks/{token}/failure",
  "POST /v1/tasks/{token}/heartbeat",
  "GET /v1/functions",
  "POST /v1/functions",
  "POST /v1/functions/{name}/invoke",
  "POST /v1/events",
  "GET /v1/rules",
  "PUT /v1/rules/{name}",
  "GET /v1/rules/{name}",
  "DELETE /v1/rules/{name}",
  "POST /v1/rules/test-pattern",
  "PUT /v1/rules/{name}/targets",
  "GET /v1/rules/{name}/targets",
  "DELETE /v1/rules/{name}/targets/{id}",
  "GET /v1/dead-letters",
  "POST /v1/dead-letters/redrive",
  "GET /v1/sources",
  "POST /v1/sources",
  "DELETE /v1/sources/{kind}/{name}",
  "GET /v1/event-buses",
  "POST /v1/event-buses",
  "GET /v1/event-buses/{name}",
  "DELETE /v1/event-buses/{name}",
  "GET /v1/archives",
  "POST /v1/archives",
  "GET /v1/archives/{name}",
  "PUT /v1/archives/{name}",
  "DELETE /v1/archives/{name}",
  "GET /v1/replays",
  "POST /v1/replays",
  "GET /v1/replays/{name}",
  "POST /v1/replays/{name}/cancel",
  "GET /v1/connections",
  "POST /v1/connections",
  "GET /v1/connections/{name}",
  "PUT /v1/connections/{name}",
  "DELETE /v1/connections/{name}",
  "GET /v1/api-destinations",
  "POST /v1/api-destinations",
  "GET /v1/api-destinations/{name}",
  "PUT /v1/api-destinations/{name}",
  "DELETE /v1/api-destinations/{name}",
  // Notifications, approvals and their email links (issue 6).
  "POST /v1/topics",
  "GET /v1/topics",
  "DELETE /v1/topics/{name}",
  "POST /v1/topics/{name}/subscriptions",
  "GET /v1/topics/{name}/subscriptions",
  "DELETE /v1/subscriptions/{id}",
  "POST /v1/topics/{name}/messages",
  "GET /v1/notification-deliveries",
  "GET /v1/approvals",
  "GET /v1/approvals/{id}",
  "POST /v1/approvals/{id}/approve",
  "POST /v1/approvals/{id}/reject",
  "GET /links/subscriptions/confirm",
  "POST /links/subscriptions/confirm",
  "GET /links/approvals/{token}",
  "POST /links/approvals/{token}",
  // Incidents (issue 6).
  "GET /v1/incidents",
  "POST /v1/incidents",
  "GET /v1/incidents/{id}",
  "POST /v1/incidents/{id}/acknowledge",
  "POST /v1/incidents/{id}/resolve",
  "POST /v1/incidents/{id}/close",
  "POST /v1/incidents/{id}/notes",
  "POST /v1/incidents/{id}/assign",
  // Managed nodes, documents and Run Command.
  "GET /v1/nodes",
  "POST /v1/nodes/ssh",
  "GET /v1/nodes/{id}",
  "POST /v1/nodes/{id}/tags",
  "DELETE /v1/nodes/{id}",
  "GET /v1/activations",
  "POST /v1/activations",
  "DELETE /v1/activations/{id}",
  "GET /v1/documents",
  "POST /v1/documents",
  "GET /v1/documents/{name}",
  "PUT /v1/documents/{name}",
  "DELETE /v1/documents/{name}",
  "GET /v1/commands",
  "POST /v1/commands",
  "GET /v1/commands/{id}",
  "GET /v1/commands/{id}/invocations",
  "GET /v1/commands/{id}/invocations/{nodeId}",
  "GET /v1/commands/{id}/invocations/{nodeId}/output",
  "POST /v1/commands/{id}/cancel",
  // Parameters (issue 6).
  "GET /v1/parameters",
  "GET /v1/parameters/{name}",
  "PUT /v1/parameters/{name}",
  "DELETE /v1/parameters/{name}",
  "GET /v1/parameters/{name}/history",
  // Identity and audit (issue 4).
  "POST /v1/auth/login",
  "GET /v1/auth/oidc/login",
  "GET /v1/auth/oidc/callback",
  "POST /v1/auth/logout",
  "GET /v1/auth/whoami",
  "GET /v1/roles",
  "GET /v1/users",
  "POST /v1/users",
  "GET /v1/users/{name}",
  "DELETE /v1/users/{name}",
  "PUT /v1/users/{name}/password",
  "PUT /v1/users/{name}/email",
  "POST /v1/users/{name}/totp",
  "DELETE /v1/users/{name}/totp",
  "PUT /v1/users/{name}/roles/{role}",
  "DELETE /v1/users/{name}/roles/{role}",
  "GET /v1/users/{name}/policies",
  "PUT /v1/users/{name}/policies/{policy}",
  "DELETE /v1/users/{name}/policies/{policy}",
  "GET /v1/users/{name}/access-keys",
  "POST /v1/users/{name}/access-keys",
  "POST /v1/users/{name}/access-keys/{id}/activate",
  "POST /v1/users/{name}/access-keys/{id}/deactivate",
  "DELETE /v1/users/{name}/access-keys/{id}",
  "GET /v1/access-keys/{id}",
  "GET /v1/users/{name}/tokens",
  "POST /v1/users/{name}/tokens",
  "POST /v1/users/{name}/tokens/{id}/activate",
  "POST /v1/users/{name}/tokens/{id}/deactivate",
  "DELETE /v1/users/{name}/tokens/{id}",
  "GET /v1/groups",
  "POST /v1/groups",
  "GET /v1/groups/{name}",
  "DELETE /v1/groups/{name}",
  "PUT /v1/groups/{name}/members/{user}",
  "DELETE /v1/groups/{name}/members/{user}",
  "PUT /v1/groups/{name}/roles/{role}",
  "DELETE /v1/groups/{name}/roles/{role}",
  "GET /v1/groups/{name}/policies",
  "PUT /v1/groups/{name}/policies/{policy}",
  "DELETE /v1/groups/{name}/policies/{policy}",
  "GET /v1/audit/events",
  "GET /v1/teams",
  "POST /v1/teams",
  "GET /v1/teams/{name}",
  "DELETE /v1/teams/{name}",
  "PUT /v1/teams/{name}/quotas",
  "PUT /v1/teams/{name}/members/{user}",
  "DELETE /v1/teams/{name}/members/{user}",
  "GET /v1/teams/{name}/usage",
].sort();

/** Values for path parameters that name nothing (so no request can change anything). */
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
const fill = (path: string, values: Record<string, string> = PARAMS) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? PARAMS[name]);

before(async () => {
  server = await startServerProcess();
  const response = await rest(server.url, "GET", "/openapi.json");
  assert.equal(response.status, 200);
  doc = response.body;
});
after(async () => {
  await server?.stop();
});

async function send(method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN.token}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
}

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema objects from the document.
type Schema = any;

function resolve(schema: Schema): Schema {
  if (schema?.$ref) {
    const name = schema.$ref.replace("#/components/schemas/", "");
    return doc.components.schemas[name];
  }
  return schema;
}

const SAMPLES: Record<string, unknown> = {
  string: "text",
  number: 1.5,
  integer: 7,
  boolean: true,
  object: { any: "thing" },
  array: ["list"],
  null: null,
};

function typesOf(schema: Schema): string[] | undefined {
  if (typeof schema.type === "string")
    return schema.type === "number" ? ["number", "integer"] : [schema.type];
  if (Array.isArray(schema.type)) return schema.type;
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches)) {
    const all: (string[] | undefined)[] = branches.map((branch: Schema) =>
      typesOf(resolve(branch)),
    );
    return all.some((types) => types === undefined) ? undefined : all.flat().map(String);
  }
  return undefined;
}

/** A value the schema accepts (for required members of the base body). */
function validValue(schema: Schema): unknown {
  schema = resolve(schema);
  if (schema.enum) return schema.enum[0];
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return validValue(branches[0]);
  switch (schema.type) {
    case "string":
      return "a".repeat(Math.max(1, schema.minLength ?? 1));
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return true;
    case "array":
      // As many items as the schema needs (e.g. PutEvents entries: at least one).
      return Array.from({ length: schema.minItems ?? 0 }, () => validValue(schema.items ?? {}));
    case "object":
      return validBody(schema);
    default:
      return {};
  }
}

/** The smallest body the schema accepts: its required members. */
function validBody(schema: Schema): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of schema.required ?? []) body[name] = validValue(schema.properties[name]);
  return body;
}

/**
 * Values that break the schema, each with why; `typed` false leaves out wrong JSON types
 * (path and query parameters are text, whatever their schema's type).
 */
function violations(schema: Schema, typed = true): [string, unknown][] {
  schema = resolve(schema);
  const found: [string, unknown][] = [];
  const types = typesOf(schema);
  if (types && typed) {
    const wrong = Object.keys(SAMPLES).find((type) => !types.includes(type));
    if (wrong) found.push([`a ${wrong} instead of ${types.join("|")}`, SAMPLES[wrong]]);
  }
  if (schema.enum) found.push(["a value outside the enum", "NOT_ONE_OF_THEM"]);
  if (schema.type === "string") {
    if (schema.maxLength !== undefined)
      found.push([`longer than ${schema.maxLength}`, "x".repeat(schema.maxLength + 1)]);
    if (schema.minLength > 0) found.push([`shorter than ${schema.minLength}`, ""]);
    if (schema.pattern && !new RegExp(schema.pattern).test("not valid!"))
      found.push([`not matching ${schema.pattern}`, "not valid!"]);
  }
  if (schema.type === "integer" || schema.type === "number") {
    if (schema.minimum !== undefined) found.push(["below the minimum", schema.minimum - 1]);
    if (schema.maximum !== undefined) found.push(["above the maximum", schema.maximum + 1]);
    if (schema.type === "integer") found.push(["not a whole number", (schema.minimum ?? 0) + 0.5]);
  }
  const values = schema.additionalProperties;
  if (schema.type === "object" && values && typeof values === "object" && typesOf(values)) {
    for (const [why, value] of violations(values)) found.push([`a member ${why}`, { key: value }]);
  }
  return found;
}

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    // biome-ignore lint/suspicious/noExplicitAny: OpenAPI operation objects.
    Object.entries(item as Record<string, any>).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      operation,
    })),
  );

describe("the OpenAPI document", () => {
  test("needs the bearer token", async () => {
    const anonymous = await fetch(`${server.url}/openapi.json`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Bearer/);
    const wrong = await fetch(`${server.url}/openapi.json`, {
      headers: { authorization: "Bearer opsf_wrong" },
    });
    assert.equal(wrong.status, 401);
  });

  test("is OpenAPI 3.1 with bearer security", () => {
    assert.equal(doc.openapi, "3.1.0");
    assert.equal(typeof doc.info.title, "string");
    assert.deepEqual(doc.security, [{ bearer: [] }]);
    assert.deepEqual(doc.components.securitySchemes.bearer, { type: "http", scheme: "bearer" });
  });

  test("lists every /v1 route the server answers, and only those", async () => {
    const documented = operations()
      .map(({ method, path }) => `${method} ${path}`)
      .sort();
    assert.deepEqual(documented, ROUTES);
    for (const route of ROUTES) {
      const [method, path] = route.split(" ");
      const response = await send(method, fill(path), method === "GET" ? undefined : {});
      assert.ok(
        !(response.status === 404 && response.json?.error?.code === "NotFound"),
        `${route} is answered: ${response.status} ${response.text}`,
      );
      assert.ok(response.status < 500, `${route}: ${response.status} ${response.text}`);
    }
    const missing = await send("GET", "/v1/not-a-route");
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, "NotFound");
  });

  test("every operation documents its responses and error shape", () => {
    for (const { method, path, operation } of operations()) {
      assert.equal(typeof operation.summary, "string", `${method} ${path} has a summary`);
      const statuses = Object.keys(operation.responses);
      // A browser route's success is a redirect (OIDC sign-in).
      assert.ok(
        statuses.some((status) => status.startsWith("2") || status.startsWith("3")),
        `${method} ${path}: ${statuses}`,
      );
      for (const status of statuses.filter((s) => s.startsWith("4"))) {
        const schema = operation.responses[status].content["application/json"].schema;
        assert.equal(schema.$ref, "#/components/schemas/Error", `${method} ${path} ${status}`);
      }
    }
  });

  test("each documented request body schema rejects a body that violates it with 400", async () => {
    let checked = 0;
    for (const { method, path, operation } of operations()) {
      const schema = resolve(operation.requestBody?.content?.["application/json"]?.schema);
      if (schema?.type !== "object") continue;
      const base = validBody(schema);
      const cases: [string, Record<string, unknown>, string][] = [];
      for (const [member, memberSchema] of Object.entries(schema.properties ?? {})) {
        for (const [why, value] of violations(memberSchema))
          cases.push([`/${member} ${why}`, { ...base, [member]: value }, `/${member}`]);
      }
      for (const member of schema.required ?? []) {
        const { [member]: _, ...without } = base;
        cases.push([`/${member} missing`, without, `/${member}`]);
      }
      if (schema.additionalProperties === false)
        cases.push(["an unknown member", { ...base, notAMember: 1 }, "notAMember"]);
      assert.ok(cases.length > 0, `${method} ${path}: something to violate`);
      for (const [why, body, where] of cases) {
        const response = await send(method, fill(path), body);
        const label = `${method} ${path} with ${why}: ${response.status} ${response.text}`;
        assert.equal(response.status, 400, label);
        assert.equal(response.json.error.code, "ValidationException", label);
        if (where.startsWith("/")) {
          const pointers: string[] = response.json.error.details.map(
            (d: { pointer: string }) => d.pointer,
          );
          assert.ok(pointers.length > 0, label);
          assert.ok(
            pointers.every((p) => p === where || p.startsWith(`${where}/`)),
            label,
          );
        }
        assert.ok(response.json.error.message.includes(where), label);
        checked++;
      }
    }
    assert.ok(checked >= 30, `${checked} violations checked`);
  });

  test("documented path and query parameters are enforced too", async () => {
    let checked = 0;
    for (const { method, path, operation } of operations()) {
      for (const parameter of operation.parameters ?? []) {
        const schema = resolve(parameter.schema);
        for (const [why, value] of violations(schema, false)) {
          // An empty path segment is another route, not a bad parameter.
          if (value === "" && parameter.in === "path") continue;
          let url: string;
          if (parameter.in === "path") {
            url = fill(path, { [parameter.name]: encodeURIComponent(String(value)) });
          } else if (parameter.in === "query") {
            url = `${fill(path)}?${parameter.name}=${encodeURIComponent(String(value))}`;
          } else continue;
          const body =
            method === "GET" || method === "DELETE" ? undefined : validBodyFor(operation);
          const response = await send(method, url, body);
          const label = `${method} ${path} with ${parameter.in} ${parameter.name} ${why}: ${response.status} ${response.text}`;
          assert.equal(response.status, 400, label);
          assert.equal(response.json.error.code, "ValidationException", label);
          assert.ok(response.json.error.message.includes(`/${parameter.name}`), label);
          checked++;
        }
      }
    }
    assert.ok(checked >= 10, `${checked} violations checked`);
  });

  test("nothing was changed by the rejected requests", async () => {
    const machines = await rest(server.url, "GET", "/v1/state-machines");
    assert.deepEqual(machines.body.items, []);
    const functions = await rest(server.url, "GET", "/v1/functions");
    assert.deepEqual(functions.body.items, []);
    assert.equal(server.child.exitCode, null);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI operation object.
function validBodyFor(operation: any): Record<string, unknown> | undefined {
  const schema = resolve(operation.requestBody?.content?.["application/json"]?.schema);
  return schema?.type === "object" ? validBody(schema) : undefined;
}
