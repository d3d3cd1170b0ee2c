/**
 * HTTP Task connections against real loopback servers: API key, Basic and OAuth
 * client-credentials authorization, the token cache, and merging of the connection's
 * invocation parameters with the definition's.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Json, JsonObject } from "../../src/asl/json.js";
import { TaskFailure } from "../../src/runtime/task-dispatcher.js";
import {
  type Connection,
  createHttpInvokeDispatcher,
  type OAuthConnection,
} from "../../src/tasks/http-invoke.js";

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A loopback server that records requests and answers through `respond`. */
async function startServer(respond: (seen: Seen, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const entry = {
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(entry);
      respond(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ARN = "arn:aws:events:us-east-1:123456789012:connection/api/1";

function invocation(parameters: JsonObject): {
  resource: string;
  parameters: Json;
  stateName: string;
  idempotencyKey: string;
  executionArn: string;
} {
  return {
    resource: "arn:aws:states:::http:invoke",
    parameters: { Authentication: { ConnectionArn: ARN }, ...parameters },
    stateName: "Call",
    idempotencyKey: "key-1",
    executionArn: "arn:aws:states:us-east-1:123456789012:execution:m:e",
  };
}

const never = new AbortController().signal;

describe("http:invoke connections", () => {
  let api: Awaited<ReturnType<typeof startServer>>;
  let tokenServer: Awaited<ReturnType<typeof startServer>>;
  let issued = 0;
  /** Tokens the API accepts; the test revokes them to simulate expiry on the server side. */
  const valid = new Set<string>();

  before(async () => {
    api = await startServer((seen, res) => {
      const auth = seen.headers.authorization ?? "";
      if (auth.startsWith("Bearer ") && !valid.has(auth.slice(7))) {
        res.writeHead(401, { "Content-Type": "application/json" }).end('{"error":"expired"}');
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" }).end('{"done":true}');
    });
    tokenServer = await startServer((seen, res) => {
      if (seen.headers.authorization !== `Basic ${Buffer.from("cid:csecret").toString("base64")}`) {
        res.writeHead(401).end();
        return;
      }
      const token = `tok-${++issued}`;
      valid.add(token);
      res
        .writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ access_token: token, token_type: "bearer", expires_in: 3600 }));
    });
  });
  after(async () => {
    await api.close();
    await tokenServer.close();
  });

  function dispatcherFor(connection: Connection | undefined, now?: () => number) {
    const lookups: string[] = [];
    const dispatcher = createHttpInvokeDispatcher({
      connections: async (arn) => {
        lookups.push(arn);
        return connection;
      },
      ...(now ? { now } : {}),
    });
    return { dispatcher, lookups };
  }

  function oauth(extra: Partial<OAuthConnection> = {}): OAuthConnection {
    return {
      authorizationType: "OAUTH_CLIENT_CREDENTIALS",
      authorizationEndpoint: `${tokenServer.base}/oauth/token`,
      clientId: "cid",
      clientSecret: "csecret",
      oauthHttpParameters: { bodyParameters: [{ key: "audience", value: "ops-api" }] },
      ...extra,
    };
  }

  it("API_KEY sends the key under its header name", async () => {
    const { dispatcher, lookups } = dispatcherFor({
      authorizationType: "API_KEY",
      apiKeyName: "x-api-key",
      apiKeyValue: "secret-key",
    });
    await dispatcher.invoke(invocation({ ApiEndpoint: `${api.base}/v1`, Method: "GET" }), never);
    assert.deepEqual(lookups, [ARN]);
    assert.equal(api.seen.at(-1)!.headers["x-api-key"], "secret-key");
  });

  it("BASIC sends Authorization: Basic", async () => {
    const { dispatcher } = dispatcherFor({
      authorizationType: "BASIC",
      username: "ops",
      password: "pä:ss",
    });
    await dispatcher.invoke(invocation({ ApiEndpoint: `${api.base}/v1`, Method: "GET" }), never);
    const header = api.seen.at(-1)!.headers.authorization!;
    assert.equal(
      Buffer.from(header.replace(/^Basic /, ""), "base64").toString("utf8"),
      "ops:pä:ss",
    );
  });

  it("OAuth fetches a token once, caches it, and sends it as Bearer", async () => {
    const { dispatcher } = dispatcherFor(oauth());
    const before = tokenServer.seen.length;
    const calls = [1, 2, 3].map(() =>
      dispatcher.invoke(invocation({ ApiEndpoint: `${api.base}/v1`, Method: "GET" }), never),
    );
    await Promise.all(calls);
    await dispatcher.invoke(invocation({ ApiEndpoint: `${api.base}/v1`, Method: "GET" }), never);
    const tokenRequests = tokenServer.seen.slice(before);
    assert.equal(tokenRequests.length, 1, "one token request for four calls");
    const tokenRequest = tokenRequests[0];
    assert.equal(tokenRequest.method, "POST");
    assert.equal(tokenRequest.headers["content-type"], "application/x-www-form-urlencoded");
    assert.deepEqual(Object.fromEntries(new URLSearchParams(tokenRequest.body)), {
      grant_type: "client_credentials",
      audience: "ops-api",
    });
    const token = `tok-${issued}`;
    for (const seen of api.seen.slice(-4))
      assert.equal(seen.headers.authorization, `Bearer ${token}`);
  });

  it("OAuth fetches a new token after expiry", async () => {
    let clock = 1_000_000;
    const { dispatcher } = dispatcherFor(oauth(), () => clock);
    const before = tokenServer.seen.length;
    await dispatcher.invoke(invocation({ ApiEndpoint: `${api.base}/v1`, Method: "GET" }), never);
    clock += 3_000_000; // 50 minutes: still inside the 3600 s lifetime less the margin
    await dispatcher.invoke(invocation({ ApiEndpoint: `${api.base}/v1`, Method: "GET" }), never);
    assert.equal(tokenServer.seen.length - before, 1);
    clock += 600_000; // past expiry
    await dispatcher.invoke(invocation({ ApiEndpoint: `${api.base}/v1`, Method: "GET" }), never);
    assert.equal(tokenServer.seen.length - before, 2);
  });

  it("OAuth replaces a token the API rejects with 401, once", async () => {
    const { dispatcher } = dispatcherFor(oauth());
    await dispatcher.invoke(invocation({ ApiEndpoint: `${api.base}/v1`, Method: "GET" }), never);
    valid.clear(); // the API revokes every token it knows
    const before = tokenServer.seen.length;
    const result = (await dispatcher.invoke(
      invocation({ ApiEndpoint: `${api.base}/v1`, Method: "GET" }),
      never,
    )) as JsonObject;
    assert.equal(result.StatusCode, 200);
    assert.equal(tokenServer.seen.length - before, 1);
  });

  it("OAuth token failures are Events.ConnectionResource.InvalidConnectionState", async () => {
    const { dispatcher } = dispatcherFor(oauth({ clientSecret: "wrong" }));
    await assert.rejects(
      dispatcher.invoke(invocation({ ApiEndpoint: `${api.base}/v1`, Method: "GET" }), never),
      (error) =>
        error instanceof TaskFailure &&
        error.error === "Events.ConnectionResource.InvalidConnectionState" &&
        /token endpoint answered 401/.test(error.cause ?? ""),
    );
  });

  it("an unknown connection is Events.ConnectionResource.ResourceNotFound", async () => {
    const { dispatcher } = dispatcherFor(undefined);
    await assert.rejects(
      dispatcher.invoke(invocation({ ApiEndpoint: `${api.base}/v1`, Method: "GET" }), never),
      (error) =>
        error instanceof TaskFailure &&
        error.error === "Events.ConnectionResource.ResourceNotFound",
    );
  });

  it("merges the connection's headers, query and body over the definition's", async () => {
    const { dispatcher } = dispatcherFor({
      authorizationType: "API_KEY",
      apiKeyName: "x-api-key",
      apiKeyValue: "k",
      invocationHttpParameters: {
        headerParameters: [
          { key: "X-Tenant", value: "from-connection" },
          { key: "X-Extra", value: "e" },
        ],
        queryStringParameters: [{ key: "region", value: "eu", isValueSecret: false }],
        bodyParameters: [{ key: "client", value: "opsflow", isValueSecret: true }],
      },
    });
    await dispatcher.invoke(
      invocation({
        ApiEndpoint: `${api.base}/v1`,
        Method: "POST",
        Headers: { "x-tenant": "from-definition", "X-Own": "o" },
        QueryParameters: { region: "us", page: "2" },
        RequestBody: { client: "definition", item: 5 },
      }),
      never,
    );
    const last = api.seen.at(-1)!;
    assert.equal(last.headers["x-tenant"], "from-connection");
    assert.equal(last.headers["x-extra"], "e");
    assert.equal(last.headers["x-own"], "o");
    assert.deepEqual(
      [...last.query],
      [
        ["page", "2"],
        ["region", "eu"],
      ],
    );
    assert.deepEqual(JSON.parse(last.body), { client: "opsflow", item: 5 });

    // GET carries no body, so the connection's body fields are left out.
    await dispatcher.invoke(invocation({ ApiEndpoint: `${api.base}/v1`, Method: "GET" }), never);
    assert.equal(api.seen.at(-1)!.body, "");

    // A string body cannot take the connection's fields.
    await assert.rejects(
      dispatcher.invoke(
        invocation({ ApiEndpoint: `${api.base}/v1`, Method: "POST", RequestBody: "raw" }),
        never,
      ),
      (error) => error instanceof TaskFailure && error.error === "States.Runtime",
    );
  });

  it("a connection header fetch cannot send is States.Runtime, not a crash", async () => {
    const { dispatcher } = dispatcherFor({
      authorizationType: "API_KEY",
      apiKeyName: "x-api-key",
      apiKeyValue: "\u20ac-key",
    });
    await assert.rejects(
      dispatcher.invoke(invocation({ ApiEndpoint: `${api.base}/v1`, Method: "GET" }), never),
      (error) =>
        error instanceof TaskFailure &&
        error.error === "States.Runtime" &&
        /cannot be built/.test(error.cause ?? ""),
    );
  });

  it("definitions cannot smuggle their own Authorization header", async () => {
    const { dispatcher } = dispatcherFor({
      authorizationType: "BASIC",
      username: "u",
      password: "p",
    });
    await assert.rejects(
      dispatcher.invoke(
        invocation({
          ApiEndpoint: `${api.base}/v1`,
          Method: "GET",
          Headers: { Authorization: "Bearer stolen" },
        }),
        never,
      ),
      (error) => error instanceof TaskFailure && error.error === "States.Runtime",
    );
  });
});
