/**
 * The HTTP Task against real HTTP servers on 127.0.0.1 (ephemeral ports): request shapes,
 * results, status failures, transport failures, limits and forbidden headers.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Json, JsonObject } from "../../src/asl/json.js";
import { TaskFailure } from "../../src/runtime/task-dispatcher.js";
import { createHttpInvokeDispatcher, FORBIDDEN_HEADERS } from "../../src/tasks/http-invoke.js";

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

type Handler = (seen: Seen, res: ServerResponse) => void;

/** A loopback server whose routes are `path → handler`; it records every request. */
async function startServer(routes: Record<string, Handler>) {
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
      const handler = routes[url.pathname];
      if (handler) handler(entry, res);
      else res.writeHead(404, { "Content-Type": "text/plain" }).end("no route");
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

function json(status: number, body: unknown, extra: Record<string, string> = {}): Handler {
  return (_seen, res) =>
    res
      .writeHead(status, { "Content-Type": "application/json", ...extra })
      .end(JSON.stringify(body));
}

const EXECUTION = "arn:aws:states:eu-west-1:123456789012:execution:machine:run-1";

function invocation(parameters: Json, extra: { timeoutSeconds?: number } = {}) {
  return {
    resource: "arn:aws:states:::http:invoke",
    parameters,
    stateName: "Call",
    idempotencyKey: "key-1",
    executionArn: EXECUTION,
    ...extra,
  };
}

const dispatcher = createHttpInvokeDispatcher({ connections: async () => undefined });
const never = new AbortController().signal;

async function failure(promise: Promise<unknown>): Promise<TaskFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TaskFailure, `expected a TaskFailure, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the task to fail");
}

describe("http:invoke requests", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    server = await startServer({
      "/echo": json(200, { ok: true }),
      "/text": (_s, res) => res.writeHead(200, { "Content-Type": "text/plain" }).end("plain words"),
      "/empty": (_s, res) => res.writeHead(204).end(),
    });
  });
  after(() => server.close());

  it("handles only the http:invoke resource", () => {
    assert.equal(dispatcher.handles("arn:aws:states:::http:invoke"), true);
    assert.equal(dispatcher.handles("arn:aws-cn:states:::http:invoke"), true);
    assert.equal(dispatcher.handles("arn:aws:states:::http:invoke.waitForTaskToken"), false);
    assert.equal(dispatcher.handles("arn:aws:states:::lambda:invoke"), false);
  });

  it("GET with query parameters, arrays in each ArrayFormat", async () => {
    const expected: Record<string, [string, string][]> = {
      INDICES: [
        ["id", "7"],
        ["tag[0]", "a"],
        ["tag[1]", "b c"],
      ],
      REPEAT: [
        ["id", "7"],
        ["tag", "a"],
        ["tag", "b c"],
      ],
      COMMAS: [
        ["id", "7"],
        ["tag", "a,b c"],
      ],
      BRACKETS: [
        ["id", "7"],
        ["tag[]", "a"],
        ["tag[]", "b c"],
      ],
    };
    for (const [format, pairs] of Object.entries(expected)) {
      const result = (await dispatcher.invoke(
        invocation({
          ApiEndpoint: `${server.base}/echo`,
          Method: "GET",
          QueryParameters: { id: 7, tag: ["a", "b c"] },
          Transform: { RequestEncodingOptions: { ArrayFormat: format } },
        }),
        never,
      )) as JsonObject;
      assert.equal(result.StatusCode, 200);
      const last = server.seen.at(-1)!;
      assert.equal(last.method, "GET");
      assert.deepEqual([...last.query], pairs, format);
      assert.equal(last.body, "");
    }
  });

  it("keeps the endpoint's own query string and adds to it", async () => {
    await dispatcher.invoke(
      invocation({
        ApiEndpoint: `${server.base}/echo?fixed=1`,
        Method: "GET",
        QueryParameters: { q: "x" },
      }),
      never,
    );
    assert.deepEqual(
      [...server.seen.at(-1)!.query],
      [
        ["fixed", "1"],
        ["q", "x"],
      ],
    );
  });

  it("POST sends a JSON body with AWS's default Content-Type, User-Agent and Range", async () => {
    const body = { name: "disk-full", count: 3, tags: ["a"], nested: { ok: true } };
    const result = (await dispatcher.invoke(
      invocation({ ApiEndpoint: `${server.base}/echo`, Method: "POST", RequestBody: body }),
      never,
    )) as JsonObject;
    const last = server.seen.at(-1)!;
    assert.equal(last.method, "POST");
    assert.deepEqual(JSON.parse(last.body), body);
    assert.equal(last.headers["content-type"], "application/json; charset=UTF-8");
    assert.equal(last.headers["user-agent"], "Amazon|StepFunctions|HttpInvoke|eu-west-1");
    assert.equal(last.headers.range, "bytes=0-262144");
    assert.deepEqual(result.ResponseBody, { ok: true });
    assert.equal(result.StatusText, "OK");
    assert.deepEqual((result.Headers as JsonObject)["content-type"], ["application/json"]);
  });

  it("URL_ENCODED bodies use the ArrayFormat and nest objects with brackets", async () => {
    await dispatcher.invoke(
      invocation({
        ApiEndpoint: `${server.base}/echo`,
        Method: "PUT",
        RequestBody: { user: { name: "a&b", roles: ["x", "y"] }, empty: null },
        Transform: {
          RequestBodyEncoding: "URL_ENCODED",
          RequestEncodingOptions: { ArrayFormat: "BRACKETS" },
        },
      }),
      never,
    );
    const last = server.seen.at(-1)!;
    assert.equal(last.headers["content-type"], "application/x-www-form-urlencoded");
    assert.deepEqual(
      [...new URLSearchParams(last.body)],
      [
        ["user[name]", "a&b"],
        ["user[roles][]", "x"],
        ["user[roles][]", "y"],
        ["empty", ""],
      ],
    );
    assert.match(last.body, /^user%5Bname%5D=a%26b&/);
  });

  it("URL_ENCODED defaults to INDICES", async () => {
    await dispatcher.invoke(
      invocation({
        ApiEndpoint: `${server.base}/echo`,
        Method: "POST",
        RequestBody: { a: ["x", "y"] },
        Transform: { RequestBodyEncoding: "URL_ENCODED" },
      }),
      never,
    );
    assert.equal(server.seen.at(-1)!.body, "a%5B0%5D=x&a%5B1%5D=y");
  });

  it("sends the definition's headers, a Content-Type it sets wins", async () => {
    await dispatcher.invoke(
      invocation({
        ApiEndpoint: `${server.base}/echo`,
        Method: "PATCH",
        Headers: { "Content-Type": "application/merge-patch+json", "X-Request-Id": "r1" },
        RequestBody: { a: 1 },
      }),
      never,
    );
    const last = server.seen.at(-1)!;
    assert.equal(last.headers["content-type"], "application/merge-patch+json");
    assert.equal(last.headers["x-request-id"], "r1");
  });

  it("text responses stay strings; 204 gives an empty body", async () => {
    const text = (await dispatcher.invoke(
      invocation({ ApiEndpoint: `${server.base}/text`, Method: "GET" }),
      never,
    )) as JsonObject;
    assert.equal(text.ResponseBody, "plain words");
    const empty = (await dispatcher.invoke(
      invocation({ ApiEndpoint: `${server.base}/empty`, Method: "DELETE" }),
      never,
    )) as JsonObject;
    assert.equal(empty.StatusCode, 204);
    assert.equal(empty.ResponseBody, "");
  });
});

describe("http:invoke failures", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    server = await startServer({
      "/missing": json(404, { message: "no such host" }),
      "/boom": (_s, res) =>
        res.writeHead(500, { "Content-Type": "text/html" }).end("<h1>Internal</h1>"),
      "/moved": (_s, res) => res.writeHead(302, { Location: "/elsewhere" }).end(),
      "/slow": () => {
        // never answers: the caller's deadline must end the call
      },
      "/image": (_s, res) => res.writeHead(200, { "Content-Type": "image/png" }).end("PNG"),
      "/huge": (_s, res) =>
        res.writeHead(200, { "Content-Type": "text/plain" }).end("x".repeat(300_000)),
    });
  });
  after(() => server.close());

  it("404 fails with States.Http.StatusCode.404 and the response as the cause", async () => {
    const error = await failure(
      dispatcher.invoke(
        invocation({ ApiEndpoint: `${server.base}/missing`, Method: "GET" }),
        never,
      ),
    );
    assert.equal(error.error, "States.Http.StatusCode.404");
    const cause = JSON.parse(error.cause!);
    assert.equal(cause.StatusCode, 404);
    assert.equal(cause.StatusText, "Not Found");
    assert.deepEqual(cause.ResponseBody, { message: "no such host" });
    assert.deepEqual(cause.Headers["content-type"], ["application/json"]);
  });

  it("500 fails with States.Http.StatusCode.500, text body in the cause", async () => {
    const error = await failure(
      dispatcher.invoke(invocation({ ApiEndpoint: `${server.base}/boom`, Method: "POST" }), never),
    );
    assert.equal(error.error, "States.Http.StatusCode.500");
    assert.equal(JSON.parse(error.cause!).ResponseBody, "<h1>Internal</h1>");
  });

  it("redirects are not followed: a 302 is a failure", async () => {
    const error = await failure(
      dispatcher.invoke(invocation({ ApiEndpoint: `${server.base}/moved`, Method: "GET" }), never),
    );
    assert.equal(error.error, "States.Http.StatusCode.302");
    assert.equal(server.seen.filter((s) => s.path === "/elsewhere").length, 0);
  });

  it("the 60-second cap fails with States.Http.Socket", async () => {
    const quick = createHttpInvokeDispatcher({
      connections: async () => undefined,
      requestTimeoutMs: 150,
    });
    const error = await failure(
      quick.invoke(invocation({ ApiEndpoint: `${server.base}/slow`, Method: "GET" }), never),
    );
    assert.equal(error.error, "States.Http.Socket");
    assert.match(error.cause!, /within 0.15 seconds/);
  });

  it("a shorter TimeoutSeconds fails with States.Timeout", async () => {
    const started = Date.now();
    const error = await failure(
      dispatcher.invoke(
        invocation({ ApiEndpoint: `${server.base}/slow`, Method: "GET" }, { timeoutSeconds: 1 }),
        never,
      ),
    );
    assert.equal(error.error, "States.Timeout");
    assert.ok(Date.now() - started < 3000);
  });

  it("an abort from the runtime ends the call with the runtime's reason", async () => {
    const controller = new AbortController();
    const reason = new Error("execution aborted");
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(
      dispatcher.invoke(
        invocation({ ApiEndpoint: `${server.base}/slow`, Method: "GET" }),
        controller.signal,
      ),
      (error) => error === reason,
    );
    await assert.rejects(
      dispatcher.invoke(
        invocation({ ApiEndpoint: `${server.base}/slow`, Method: "GET" }),
        controller.signal,
      ),
      (error) => error === reason,
    );
  });

  it("a refused connection fails with States.Http.Socket", async () => {
    const closed = await startServer({});
    const base = closed.base;
    await closed.close();
    const error = await failure(
      dispatcher.invoke(invocation({ ApiEndpoint: `${base}/x`, Method: "GET" }), never),
    );
    assert.equal(error.error, "States.Http.Socket");
    assert.match(error.cause!, /Connection refused.*ECONNREFUSED/);
  });

  it("a TLS failure fails with States.Http.Socket", async () => {
    // https:// against a plain-HTTP server: the handshake fails.
    const url = `${server.base.replace("http:", "https:")}/missing`;
    const error = await failure(
      dispatcher.invoke(invocation({ ApiEndpoint: url, Method: "GET" }), never),
    );
    assert.equal(error.error, "States.Http.Socket");
    assert.match(error.cause!, /TLS/);
  });

  it("a DNS failure fails with States.Http.Socket", async () => {
    // No lookup leaves the machine: the fetch fails the way undici reports ENOTFOUND.
    const fakeFetch = (async () => {
      const cause = Object.assign(new Error("getaddrinfo ENOTFOUND api.invalid"), {
        code: "ENOTFOUND",
      });
      throw new TypeError("fetch failed", { cause });
    }) as typeof fetch;
    const offline = createHttpInvokeDispatcher({
      connections: async () => undefined,
      fetch: fakeFetch,
    });
    const error = await failure(
      offline.invoke(invocation({ ApiEndpoint: "https://api.invalid/x", Method: "GET" }), never),
    );
    assert.equal(error.error, "States.Http.Socket");
    assert.match(error.cause!, /DNS lookup failed for api\.invalid \(ENOTFOUND\)/);
  });

  it("binary responses fail with States.Runtime; bodies over 256 KiB with States.DataLimitExceeded", async () => {
    const image = await failure(
      dispatcher.invoke(invocation({ ApiEndpoint: `${server.base}/image`, Method: "GET" }), never),
    );
    assert.equal(image.error, "States.Runtime");
    assert.match(image.cause!, /image\/png/);
    const huge = await failure(
      dispatcher.invoke(invocation({ ApiEndpoint: `${server.base}/huge`, Method: "GET" }), never),
    );
    assert.equal(huge.error, "States.DataLimitExceeded");
    const big = await failure(
      dispatcher.invoke(
        invocation({
          ApiEndpoint: `${server.base}/missing`,
          Method: "POST",
          RequestBody: "y".repeat(262_145),
        }),
        never,
      ),
    );
    assert.equal(big.error, "States.DataLimitExceeded");
    assert.match(big.cause!, /262145 bytes/);
  });

  it("rejects every forbidden header, and reserved prefixes, with States.Runtime", async () => {
    const names = [
      ...FORBIDDEN_HEADERS,
      "X-Forwarded-For",
      "x-amz-date",
      "X-Amzn-Trace-Id",
      "Host",
    ];
    const before = server.seen.length;
    for (const name of names) {
      const error = await failure(
        dispatcher.invoke(
          invocation({
            ApiEndpoint: `${server.base}/missing`,
            Method: "GET",
            Headers: { [name]: "v" },
          }),
          never,
        ),
      );
      assert.equal(error.error, "States.Runtime", name);
      assert.match(error.cause!, new RegExp(`'${name}'`));
    }
    assert.equal(server.seen.length, before, "no request was sent");
  });

  it("rejects malformed parameters with States.Runtime", async () => {
    const cases: [Json, RegExp][] = [
      [{ Method: "GET" }, /ApiEndpoint is required/],
      [{ ApiEndpoint: "ftp://x/y", Method: "GET" }, /https/],
      [{ ApiEndpoint: `${server.base}/x`, Method: "TRACE" }, /Method must be one of/],
      [
        { ApiEndpoint: `${server.base}/x`, Method: "GET", RequestBody: {} },
        /cannot be sent with GET/,
      ],
      [
        { ApiEndpoint: `${server.base}/x`, Method: "GET", Extra: 1 },
        /Unknown HTTP Task field 'Extra'/,
      ],
      [
        {
          ApiEndpoint: `${server.base}/x`,
          Method: "POST",
          Transform: { RequestBodyEncoding: "GZIP" },
        },
        /NONE or URL_ENCODED/,
      ],
      [
        {
          ApiEndpoint: `${server.base}/x`,
          Method: "POST",
          Transform: { RequestEncodingOptions: { ArrayFormat: "PIPES" } },
        },
        /ArrayFormat must be one of INDICES, REPEAT, COMMAS, BRACKETS/,
      ],
      [{ ApiEndpoint: `${server.base}/x`, Method: "GET", Authentication: {} }, /ConnectionArn/],
      [
        { ApiEndpoint: `${server.base}/x`, Method: "GET", Headers: { "Bad Name": "v" } },
        /valid header name/,
      ],
      [
        { ApiEndpoint: `${server.base}/x`, Method: "GET", Headers: { "X-Name": "\u20ac" } },
        /outside Latin-1/,
      ],
      [
        {
          ApiEndpoint: `${server.base}/x`,
          Method: "GET",
          Authentication: { ConnectionArn: "a" },
          InvocationConfig: { ConnectionArn: "a" },
        },
        /either Authentication or InvocationConfig/,
      ],
    ];
    for (const [parameters, message] of cases) {
      const error = await failure(dispatcher.invoke(invocation(parameters), never));
      assert.equal(error.error, "States.Runtime");
      assert.match(error.cause!, message);
    }
  });
});
