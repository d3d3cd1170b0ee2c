/**
 * Connections and API destinations through @aws-sdk/client-eventbridge against a real server
 * process: API_KEY, BASIC and OAUTH_CLIENT_CREDENTIALS connections used by API destination
 * targets that call a local HTTP server checking the authorization (the OAuth token fetched
 * from its token endpoint once and cached), InvocationHttpParameters sent, secrets never
 * returned nor stored in clear, updates taking effect, and bad input refused with
 * EventBridge's error types.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import * as eb from "@aws-sdk/client-eventbridge";
import * as sfn from "@aws-sdk/client-sfn";
import { eventually, rest, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";
import { rejectsWith } from "./sdk-helpers.js";
import { storedText } from "./stored.js";

interface Call {
  path: string;
  auth?: string;
  headers: IncomingMessage["headers"];
  body: string;
}

let server: ServerProcess;
let events: eb.EventBridgeClient;
let api: Server;
let base: string;
const calls: Call[] = [];
const tokenRequests: Call[] = [];
let basicPassword = "p@ss-1";
let issued = 0;
/** The token the API accepts; the test rotates it. */
let validToken = "tok-1";

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

/** What each path of the local API accepts. */
function authorized(call: Call): boolean {
  const path = call.path.split("?")[0];
  if (path === "/api-key") return call.headers["x-api-key"] === "key-secret-1";
  if (path === "/basic") return call.auth === basic("svc", basicPassword);
  if (path === "/oauth") return call.auth === `Bearer ${validToken}`;
  return false;
}

before(async () => {
  api = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const call: Call = {
        path: request.url ?? "/",
        auth: request.headers.authorization,
        headers: request.headers,
        body,
      };
      if (call.path === "/token") {
        tokenRequests.push(call);
        const ok =
          call.auth === basic("client-1", "client-secret-1") &&
          new URLSearchParams(body).get("grant_type") === "client_credentials" &&
          new URLSearchParams(body).get("audience") === "opsflow";
        response.statusCode = ok ? 200 : 401;
        response.setHeader("content-type", "application/json");
        response.end(
          ok ? JSON.stringify({ access_token: `tok-${++issued}`, expires_in: 3600 }) : "{}",
        );
        return;
      }
      calls.push(call);
      response.statusCode = authorized(call) ? 200 : 401;
      response.end();
    });
  });
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  server = await startServerProcess();
  events = new eb.EventBridgeClient(sdkConfig(server.url));
});
after(async () => {
  events?.destroy();
  await server?.stop();
  api?.close();
});

/** An API destination at `path` through `connection`, fed by a rule on `source`. */
async function route(name: string, ConnectionArn: string, path: string) {
  const { ApiDestinationArn } = await events.send(
    new eb.CreateApiDestinationCommand({
      Name: name,
      ConnectionArn,
      InvocationEndpoint: `${base}${path}`,
      HttpMethod: "POST",
      InvocationRateLimitPerSecond: 10,
    }),
  );
  await events.send(
    new eb.PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: [name] }) }),
  );
  const put = await events.send(
    new eb.PutTargetsCommand({
      Rule: name,
      Targets: [
        {
          Id: "api",
          Arn: ApiDestinationArn,
          InputPath: "$.detail",
          RetryPolicy: { MaximumRetryAttempts: 0 },
        },
      ],
    }),
  );
  assert.equal(put.FailedEntryCount, 0);
  return ApiDestinationArn as string;
}

const send = (source: string, detail: object) =>
  events.send(
    new eb.PutEventsCommand({
      Entries: [{ Source: source, DetailType: "t", Detail: JSON.stringify(detail) }],
    }),
  );

const callsTo = (path: string, count: number) =>
  eventually(async () => {
    const found = calls.filter((c) => c.path.split("?")[0] === path);
    return found.length >= count ? found : undefined;
  });

describe("connections and API destinations through @aws-sdk/client-eventbridge", () => {
  let apiKeyArn: string;
  let basicArn: string;
  let oauthArn: string;

  test("API_KEY, BASIC and OAuth connections authorize API destination calls", async () => {
    const apiKey = await events.send(
      new eb.CreateConnectionCommand({
        Name: "api-key",
        AuthorizationType: "API_KEY",
        AuthParameters: {
          ApiKeyAuthParameters: { ApiKeyName: "x-api-key", ApiKeyValue: "key-secret-1" },
          InvocationHttpParameters: {
            HeaderParameters: [{ Key: "x-team", Value: "ops", IsValueSecret: false }],
            QueryStringParameters: [{ Key: "env", Value: "prod", IsValueSecret: true }],
            BodyParameters: [{ Key: "origin", Value: "opsflow", IsValueSecret: false }],
          },
        },
      }),
    );
    assert.equal(apiKey.ConnectionState, "AUTHORIZED");
    apiKeyArn = apiKey.ConnectionArn as string;
    assert.match(apiKeyArn, /^arn:aws:events:us-east-1:123456789012:connection\/api-key\/[-\w]+$/);
    basicArn = (
      await events.send(
        new eb.CreateConnectionCommand({
          Name: "basic",
          AuthorizationType: "BASIC",
          AuthParameters: { BasicAuthParameters: { Username: "svc", Password: basicPassword } },
        }),
      )
    ).ConnectionArn as string;
    oauthArn = (
      await events.send(
        new eb.CreateConnectionCommand({
          Name: "oauth",
          AuthorizationType: "OAUTH_CLIENT_CREDENTIALS",
          AuthParameters: {
            OAuthParameters: {
              AuthorizationEndpoint: `${base}/token`,
              HttpMethod: "POST",
              ClientParameters: { ClientID: "client-1", ClientSecret: "client-secret-1" },
              OAuthHttpParameters: { BodyParameters: [{ Key: "audience", Value: "opsflow" }] },
            },
          },
        }),
      )
    ).ConnectionArn as string;
    await route("to-api-key", apiKeyArn, "/api-key");
    await route("to-basic", basicArn, "/basic");
    await route("to-oauth", oauthArn, "/oauth");
    await send("to-api-key", { n: 1 });
    await send("to-basic", { n: 2 });
    await send("to-oauth", { n: 3 });
    await send("to-oauth", { n: 4 });

    const [keyed] = await callsTo("/api-key", 1);
    assert.ok(authorized(keyed));
    assert.equal(keyed.headers["x-team"], "ops");
    assert.equal(new URL(keyed.path, base).searchParams.get("env"), "prod");
    assert.deepEqual(JSON.parse(keyed.body), { n: 1, origin: "opsflow" });
    const [basicCall] = await callsTo("/basic", 1);
    assert.ok(authorized(basicCall));
    assert.deepEqual(JSON.parse(basicCall.body), { n: 2 });
    const oauthCalls = await callsTo("/oauth", 2);
    assert.ok(oauthCalls.every(authorized), "both calls carried the fetched token");
    assert.equal(tokenRequests.length, 1, "the token is cached until it expires");
    const dead = await rest(server.url, "GET", "/v1/dead-letters");
    assert.deepEqual(dead.body.items, []);
  });

  test("Describe and List never return secrets, and the database holds them sealed", async () => {
    const described = await events.send(new eb.DescribeConnectionCommand({ Name: "api-key" }));
    assert.equal(described.AuthorizationType, "API_KEY");
    assert.deepEqual(described.AuthParameters?.ApiKeyAuthParameters, { ApiKeyName: "x-api-key" });
    assert.deepEqual(described.AuthParameters?.InvocationHttpParameters?.QueryStringParameters, [
      { Key: "env", IsValueSecret: true },
    ]);
    const oauth = await events.send(new eb.DescribeConnectionCommand({ Name: "oauth" }));
    assert.equal(oauth.AuthParameters?.OAuthParameters?.ClientParameters?.ClientID, "client-1");
    assert.equal(oauth.AuthParameters?.OAuthParameters?.AuthorizationEndpoint, `${base}/token`);
    const { Connections } = await events.send(new eb.ListConnectionsCommand({}));
    assert.deepEqual(
      Connections?.map((c) => [c.Name, c.AuthorizationType]),
      [
        ["api-key", "API_KEY"],
        ["basic", "BASIC"],
        ["oauth", "OAUTH_CLIENT_CREDENTIALS"],
      ],
    );
    const shown = JSON.stringify([
      described,
      oauth,
      Connections,
      await events.send(new eb.DescribeConnectionCommand({ Name: "basic" })),
      (await rest(server.url, "GET", "/v1/connections")).body,
    ]);
    const stored = await storedText(server.dataDir);
    for (const secret of ["key-secret-1", basicPassword, "client-secret-1", "prod"]) {
      if (secret !== "prod") assert.ok(!stored.includes(secret), `${secret} in the database`);
      assert.ok(!shown.includes(`"${secret}"`), `${secret} returned by the API`);
    }
  });

  test("an HTTP Task (arn:aws:states:::http:invoke) authorizes through the same connection", async () => {
    const states = new sfn.SFNClient(sdkConfig(server.url));
    try {
      const { stateMachineArn } = await states.send(
        new sfn.CreateStateMachineCommand({
          name: "http-task",
          roleArn: "arn:aws:iam::123456789012:role/x",
          definition: JSON.stringify({
            StartAt: "Call",
            States: {
              Call: {
                Type: "Task",
                Resource: "arn:aws:states:::http:invoke",
                Parameters: {
                  ApiEndpoint: `${base}/api-key`,
                  Method: "POST",
                  Authentication: { ConnectionArn: apiKeyArn },
                  RequestBody: { from: "task" },
                },
                End: true,
              },
            },
          }),
        }),
      );
      const { executionArn } = await states.send(
        new sfn.StartExecutionCommand({ stateMachineArn }),
      );
      const done = await eventually(async () => {
        const d = await states.send(new sfn.DescribeExecutionCommand({ executionArn }));
        return d.status === "RUNNING" ? undefined : d;
      });
      assert.equal(done.status, "SUCCEEDED", done.cause);
      assert.equal(JSON.parse(done.output as string).StatusCode, 200);
      const fromTask = calls.find((c) => c.body.includes('"task"'));
      assert.ok(fromTask && authorized(fromTask));
    } finally {
      states.destroy();
    }
  });

  test("an OAuth token the API rejects is dropped and fetched again, once, within the attempt", async () => {
    validToken = "tok-2";
    const before = calls.filter((c) => c.path === "/oauth").length;
    await send("to-oauth", { n: 6 });
    const oauthCalls = await callsTo("/oauth", before + 2);
    assert.equal(oauthCalls.at(-2)?.auth, "Bearer tok-1", "the cached token was tried first");
    assert.ok(authorized(oauthCalls.at(-1) as Call), "then the new one");
    assert.equal(tokenRequests.length, 2);
    const dead = await rest(server.url, "GET", "/v1/dead-letters");
    assert.deepEqual(dead.body.items, []);
  });

  test("UpdateConnection changes the secret used by the next calls; DescribeApiDestination and updates", async () => {
    basicPassword = "p@ss-2";
    await events.send(
      new eb.UpdateConnectionCommand({
        Name: "basic",
        AuthParameters: { BasicAuthParameters: { Password: basicPassword } },
      }),
    );
    const described = await events.send(new eb.DescribeConnectionCommand({ Name: "basic" }));
    assert.equal(described.AuthParameters?.BasicAuthParameters?.Username, "svc", "kept");
    await send("to-basic", { n: 5 });
    const basicCalls = await callsTo("/basic", 2);
    assert.ok(authorized(basicCalls[1]), "the new password was used");
    const destination = await events.send(
      new eb.DescribeApiDestinationCommand({ Name: "to-basic" }),
    );
    assert.equal(destination.ConnectionArn, basicArn);
    assert.equal(destination.HttpMethod, "POST");
    assert.equal(destination.InvocationRateLimitPerSecond, 10);
    await events.send(new eb.UpdateApiDestinationCommand({ Name: "to-basic", HttpMethod: "PUT" }));
    const { ApiDestinations } = await events.send(
      new eb.ListApiDestinationsCommand({ ConnectionArn: basicArn }),
    );
    assert.deepEqual(
      ApiDestinations?.map((d) => [d.Name, d.HttpMethod]),
      [["to-basic", "PUT"]],
    );
  });

  test("deleting a connection an API destination uses is refused; after the destination goes, it works", async () => {
    await rejectsWith(
      events.send(new eb.DeleteConnectionCommand({ Name: "basic" })),
      "ConcurrentModificationException",
      /to-basic/,
    );
    assert.equal(
      (await events.send(new eb.DescribeConnectionCommand({ Name: "basic" }))).ConnectionArn,
      basicArn,
    );
    await events.send(new eb.DeleteApiDestinationCommand({ Name: "to-basic" }));
    const deleted = await events.send(new eb.DeleteConnectionCommand({ Name: "basic" }));
    assert.equal(deleted.ConnectionArn, basicArn);
    await rejectsWith(
      events.send(new eb.DescribeConnectionCommand({ Name: "basic" })),
      "ResourceNotFoundException",
    );
  });

  test("bad input: EventBridge's error types, nothing created", async () => {
    const create = (input: Partial<eb.CreateConnectionCommandInput>) =>
      events.send(
        new eb.CreateConnectionCommand({
          Name: "bad",
          AuthorizationType: "BASIC",
          AuthParameters: { BasicAuthParameters: { Username: "u", Password: "p" } },
          ...input,
        } as eb.CreateConnectionCommandInput),
      );
    await rejectsWith(create({ AuthorizationType: "KERBEROS" as never }), "ValidationException");
    await rejectsWith(
      create({ AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "a", ApiKeyValue: "b" } } }),
      "ValidationException",
      /ApiKeyAuthParameters does not go with AuthorizationType BASIC/,
    );
    await rejectsWith(
      create({
        AuthorizationType: "OAUTH_CLIENT_CREDENTIALS",
        AuthParameters: {
          OAuthParameters: {
            AuthorizationEndpoint: "not a url",
            HttpMethod: "POST",
            ClientParameters: { ClientID: "a", ClientSecret: "b" },
          },
        },
      }),
      "ValidationException",
      /AuthorizationEndpoint/,
    );
    await rejectsWith(create({ Name: "api-key" }), "ResourceAlreadyExistsException");
    await rejectsWith(
      events.send(
        new eb.CreateApiDestinationCommand({
          Name: "bad",
          ConnectionArn: "arn:aws:events:us-east-1:123456789012:connection/nope/1",
          InvocationEndpoint: `${base}/x`,
          HttpMethod: "POST",
        }),
      ),
      "ResourceNotFoundException",
    );
    await rejectsWith(
      events.send(
        new eb.CreateApiDestinationCommand({
          Name: "bad",
          ConnectionArn: apiKeyArn,
          InvocationEndpoint: "ftp://example.com",
          HttpMethod: "POST",
        }),
      ),
      "ValidationException",
    );
    await rejectsWith(
      events.send(new eb.UpdateConnectionCommand({ Name: "nope" })),
      "ResourceNotFoundException",
    );
    const { Connections } = await events.send(new eb.ListConnectionsCommand({}));
    assert.deepEqual(
      Connections?.map((c) => c.Name),
      ["api-key", "oauth"],
    );
    const { ApiDestinations } = await events.send(new eb.ListApiDestinationsCommand({}));
    assert.deepEqual(
      ApiDestinations?.map((d) => d.Name),
      ["to-api-key", "to-oauth"],
    );
  });

  test("PutTargets: DeadLetterConfig.Arn is recorded and shown; an invalid one is a failed entry", async () => {
    const destination = (
      await events.send(new eb.DescribeApiDestinationCommand({ Name: "to-oauth" }))
    ).ApiDestinationArn;
    const result = await events.send(
      new eb.PutTargetsCommand({
        Rule: "to-oauth",
        Targets: [
          {
            Id: "dlq",
            Arn: destination,
            DeadLetterConfig: { Arn: "arn:aws:sqs:us-east-1:123456789012:oncall-dlq" },
          },
          { Id: "bad-dlq", Arn: destination, DeadLetterConfig: { Arn: "queue" } },
        ],
      }),
    );
    assert.equal(result.FailedEntryCount, 1);
    assert.equal(result.FailedEntries?.[0]?.TargetId, "bad-dlq");
    assert.equal(result.FailedEntries?.[0]?.ErrorCode, "ValidationException");
    const { Targets } = await events.send(new eb.ListTargetsByRuleCommand({ Rule: "to-oauth" }));
    assert.deepEqual(
      Targets?.map((t) => [t.Id, t.DeadLetterConfig?.Arn]),
      [
        ["api", undefined],
        ["dlq", "arn:aws:sqs:us-east-1:123456789012:oncall-dlq"],
      ],
    );
  });
});
