/**
 * Bad input against a real server, on both APIs: malformed and mistyped bodies, bodies and
 * execution inputs over the limits, unknown and malformed ARNs, missing or wrong credentials,
 * unknown operations, and random bodies (fast-check). Every answer is a 4xx with a JSON error
 * body, nothing changes, and the server keeps serving.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import { Sha256 } from "@aws-crypto/sha256-js";
import * as sfn from "@aws-sdk/client-sfn";
import { SignatureV4 } from "@smithy/signature-v4";
import fc from "fast-check";
import { ADMIN, rest, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";

let server: ServerProcess;
let client: sfn.SFNClient;
let targetArn: string;

const ACCOUNT_ARN = "arn:aws:states:us-east-1:123456789012";
const GHOST_MACHINE = `${ACCOUNT_ARN}:stateMachine:ghost`;
const GHOST_EXECUTION = `${ACCOUNT_ARN}:execution:ghost:never`;
const DEFINITION = { StartAt: "W", States: { W: { Type: "Wait", Seconds: 60, End: true } } };

before(async () => {
  server = await startServerProcess();
  client = new sfn.SFNClient(sdkConfig(server.url));
  const created = await rest(server.url, "POST", "/v1/state-machines", {
    name: "target",
    definition: DEFINITION,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  targetArn = created.body.stateMachineArn;
});
after(async () => {
  client?.destroy();
  await server?.stop();
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read error fields directly.
  json: any;
}

/**
 * One request on its own connection (no keep-alive: a 413 answered before the body is read
 * closes the socket, which must not take the next request with it). Fails after 5 s: no hangs.
 */
function raw(
  method: string,
  path: string,
  body?: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { method, headers, agent: false, signal: AbortSignal.timeout(5_000) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const bearer = { authorization: `Bearer ${ADMIN.token}` };
const jsonHeaders = { ...bearer, "content-type": "application/json" };

/** A REST call with a raw body text. */
const restRaw = (method: string, path: string, body?: string) =>
  raw(method, path, body, jsonHeaders);

/**
 * An AWS JSON 1.0 request, SigV4-signed with `credentials` (unsigned when null); `sent`
 * replaces the signed body on the wire.
 */
async function aws(
  target: string | undefined,
  body: string | Uint8Array,
  credentials: { accessKeyId: string; secretAccessKey: string } | null = ADMIN,
  sent: string | Uint8Array = body,
): Promise<RawResponse> {
  const host = new URL(server.url).host;
  let headers: Record<string, string> = {
    host,
    "content-type": "application/x-amz-json-1.0",
    ...(target !== undefined && { "x-amz-target": target }),
  };
  if (credentials) {
    const signer = new SignatureV4({
      service: "states",
      region: "us-east-1",
      sha256: Sha256,
      credentials,
    });
    const [hostname, port] = host.split(":");
    const signed = await signer.sign({
      method: "POST",
      protocol: "http:",
      hostname,
      port: Number(port),
      path: "/",
      headers,
      body,
    });
    headers = signed.headers as Record<string, string>;
  }
  return raw("POST", "/", sent, headers);
}

const op = (name: string) => `AWSStepFunctions.${name}`;

function assertRestError(response: RawResponse, status: number, code: string) {
  assert.equal(response.status, status, response.text);
  assert.match(String(response.headers["content-type"]), /application\/json/);
  assert.equal(response.json?.error?.code, code, response.text);
  assert.equal(typeof response.json.error.message, "string");
}

function assertAwsError(response: RawResponse, status: number, code: string) {
  assert.equal(response.status, status, response.text);
  assert.equal(response.headers["content-type"], "application/x-amz-json-1.0");
  assert.equal(String(response.json?.__type).split("#").at(-1), code, response.text);
  assert.equal(typeof response.json.message, "string");
  assert.ok(response.headers["x-amzn-requestid"], "x-amzn-RequestId is set");
}

async function assertSdkError(promise: Promise<unknown>, name: string, message?: RegExp) {
  await assert.rejects(promise, (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(error.name, name, error.message);
    assert.equal(error.$metadata?.httpStatusCode, 400);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe("bad input on the REST API", () => {
  test("a malformed JSON body is a 400 ValidationException that says where", async () => {
    for (const [method, path] of [
      ["POST", "/v1/state-machines"],
      ["PUT", "/v1/state-machines/target"],
      ["POST", "/v1/state-machines/target/executions"],
      ["POST", `/v1/executions/${encodeURIComponent(GHOST_EXECUTION)}/stop`],
      ["POST", "/v1/tasks/0000000000000000/success"],
    ]) {
      const response = await restRaw(method, path, '{"name": "x", ');
      assertRestError(response, 400, "ValidationException");
      assert.match(response.json.error.message, /JSON.*position \d+/, `${method} ${path}`);
    }
  });

  test("members of the wrong type are a 400 naming each member by JSON Pointer", async () => {
    const create = await restRaw(
      "POST",
      "/v1/state-machines",
      JSON.stringify({ name: 5, definition: 42, type: "BATCH", publish: "yes" }),
    );
    assertRestError(create, 400, "ValidationException");
    const pointers = create.json.error.details.map((d: { pointer: string }) => d.pointer).sort();
    assert.deepEqual(pointers, ["/definition", "/name", "/publish", "/type"]);
    for (const pointer of pointers) assert.ok(create.json.error.message.includes(pointer));

    const start = await restRaw(
      "POST",
      "/v1/state-machines/target/executions",
      JSON.stringify({ name: ["a"] }),
    );
    assertRestError(start, 400, "ValidationException");
    assert.deepEqual(
      start.json.error.details.map((d: { pointer: string }) => d.pointer),
      ["/name"],
    );

    const failure = await restRaw(
      "POST",
      "/v1/tasks/0000000000000000/failure",
      JSON.stringify({ error: 1, cause: { why: "not a string" } }),
    );
    assertRestError(failure, 400, "ValidationException");
    assert.match(failure.json.error.message, /\/error/);
    assert.match(failure.json.error.message, /\/cause/);

    const unknownMember = await restRaw(
      "POST",
      "/v1/state-machines/target/executions",
      JSON.stringify({ input: {}, inptu: {} }),
    );
    assertRestError(unknownMember, 400, "ValidationException");
    assert.match(unknownMember.json.error.message, /inptu/);

    const badQuery = await raw("GET", "/v1/state-machines?limit=0", undefined, bearer);
    assertRestError(badQuery, 400, "ValidationException");
    assert.match(badQuery.json.error.message, /\/limit/);
  });

  test("an empty body declared as JSON is a 400 where a body is expected, ignored where not", async () => {
    const stop = await restRaw(
      "POST",
      `/v1/executions/${encodeURIComponent(GHOST_EXECUTION)}/stop`,
    );
    assertRestError(stop, 400, "ValidationException");
    assert.match(stop.json.error.message, /empty body/);
    assertRestError(
      await restRaw("POST", "/v1/tasks/00000000-0000-4000-8000-000000000000/heartbeat"),
      404,
      "TaskDoesNotExist",
    );
  });

  test("a body that is not JSON at all is refused by content type (415), not with a 500", async () => {
    const response = await raw("POST", "/v1/state-machines", "name=x", {
      ...bearer,
      "content-type": "application/x-www-form-urlencoded",
    });
    assertRestError(response, 415, "UnsupportedMediaType");
  });

  test("a body over the limit is 413, chunked or with a Content-Length", async () => {
    const body = JSON.stringify({ name: "huge", definition: "x".repeat(1_100_000) });
    // Written without a length, Node's client sends it chunked: the limit counts the bytes.
    assertRestError(await restRaw("POST", "/v1/state-machines", body), 413, "PayloadTooLarge");
    const sized = await raw("POST", "/v1/state-machines", body, {
      ...jsonHeaders,
      "content-length": String(Buffer.byteLength(body)),
    });
    assertRestError(sized, 413, "PayloadTooLarge");
    const listed = await raw("GET", "/v1/state-machines/huge", undefined, bearer);
    assert.equal(listed.status, 404, "nothing was created");
  });

  test("an execution input over 256 KiB is InvalidExecutionInput", async () => {
    const response = await restRaw(
      "POST",
      "/v1/state-machines/target/executions",
      JSON.stringify({ name: "too-big", input: { blob: "x".repeat(262_144) } }),
    );
    assertRestError(response, 400, "InvalidExecutionInput");
  });

  test("unknown and malformed ARNs and names", async () => {
    assertRestError(
      await raw("GET", "/v1/executions/not-an-arn", undefined, bearer),
      400,
      "InvalidArn",
    );
    assertRestError(
      await raw("GET", `/v1/executions/${encodeURIComponent(targetArn)}`, undefined, bearer),
      400,
      "InvalidArn",
    );
    assertRestError(
      await raw("GET", "/v1/executions/not-an-arn/history", undefined, bearer),
      400,
      "InvalidArn",
    );
    assertRestError(
      await raw("POST", "/v1/executions/not-an-arn/stop", undefined, bearer),
      400,
      "InvalidArn",
    );
    assertRestError(
      await raw("GET", `/v1/executions/${encodeURIComponent(GHOST_EXECUTION)}`, undefined, bearer),
      404,
      "ExecutionDoesNotExist",
    );
    assertRestError(
      await raw("GET", "/v1/state-machines/ghost", undefined, bearer),
      404,
      "StateMachineDoesNotExist",
    );
    assertRestError(
      await restRaw("POST", "/v1/state-machines/ghost/executions", "{}"),
      404,
      "StateMachineDoesNotExist",
    );
    assertRestError(
      await restRaw("POST", "/v1/state-machines/target/executions", '{"name":"has space"}'),
      400,
      "InvalidName",
    );
    assertRestError(
      await restRaw(
        "POST",
        "/v1/state-machines",
        JSON.stringify({ name: "bad/name", definition: DEFINITION }),
      ),
      400,
      "InvalidName",
    );
    assertRestError(
      await restRaw(
        "POST",
        "/v1/state-machines",
        JSON.stringify({ name: "broken", definition: { StartAt: "Nowhere", States: {} } }),
      ),
      400,
      "InvalidDefinition",
    );
    assertRestError(await restRaw("POST", "/v1/tasks/short/heartbeat"), 400, "InvalidToken");
    assertRestError(
      await restRaw(
        "POST",
        "/v1/tasks/00000000-0000-4000-8000-000000000000/success",
        '{"output":1}',
      ),
      404,
      "TaskDoesNotExist",
    );
  });

  test("a missing or invalid bearer token is 401 with WWW-Authenticate", async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: "Bearer opsf_not-a-real-token" },
      { authorization: `Basic ${Buffer.from("admin:admin").toString("base64")}` },
      { authorization: `Bearer ${ADMIN.token}x` },
    ]) {
      for (const [method, path] of [
        ["GET", "/v1/state-machines"],
        ["POST", "/v1/state-machines"],
        ["GET", "/v1/functions"],
        ["POST", "/v1/functions"],
        ["GET", "/openapi.json"],
      ]) {
        const response = await raw(method, path, method === "POST" ? "{}" : undefined, {
          ...headers,
          "content-type": "application/json",
        });
        assertRestError(response, 401, "Unauthorized");
        assert.match(
          String(response.headers["www-authenticate"]),
          /^Bearer realm="opsflow"/,
          `${method} ${path} with ${JSON.stringify(headers)}`,
        );
      }
    }
    assert.equal((await raw("GET", "/health")).status, 200);
  });
});

describe("bad input on the AWS JSON endpoint", () => {
  test("malformed JSON and non-object bodies are SerializationException", async () => {
    for (const body of ['{"stateMachineArn":', "[]", '"text"', "42", "null"]) {
      assertAwsError(await aws(op("StartExecution"), body), 400, "SerializationException");
    }
    const notUtf8 = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    assertAwsError(await aws(op("ListStateMachines"), notUtf8), 400, "SerializationException");
  });

  test("members of the wrong type or missing are ValidationException naming the member", async () => {
    const wrongType = await aws(op("StartExecution"), JSON.stringify({ stateMachineArn: 5 }));
    assertAwsError(wrongType, 400, "ValidationException");
    assert.match(wrongType.json.message, /'stateMachineArn'/);

    const missing = await aws(op("DescribeExecution"), "{}");
    assertAwsError(missing, 400, "ValidationException");
    assert.match(missing.json.message, /'executionArn'.*must not be null/);

    const input = await aws(
      op("StartExecution"),
      JSON.stringify({ stateMachineArn: targetArn, input: { not: "a string" } }),
    );
    assertAwsError(input, 400, "ValidationException");
    assert.match(input.json.message, /'input'/);

    await assertSdkError(
      client.send(new sfn.ListExecutionsCommand({ stateMachineArn: targetArn, maxResults: 5000 })),
      "ValidationException",
      /'maxResults'/,
    );
    const definition = await aws(
      op("CreateStateMachine"),
      JSON.stringify({ name: "typed", definition: DEFINITION, roleArn: "arn:aws:iam::1:role/x" }),
    );
    assertAwsError(definition, 400, "ValidationException");
    assert.match(definition.json.message, /'definition'/);
    // A list of structures with a null item (found by the random-body test).
    const tags = await aws(
      op("CreateStateMachine"),
      JSON.stringify({ name: "tagged", definition: "{}", roleArn: "r", tags: [null] }),
    );
    assertAwsError(tags, 400, "ValidationException");
    assert.match(tags.json.message, /'tags\.1\.member'/);
  });

  test("a body over the limit is an AWS-shaped 413 the SDK can read", async () => {
    const body = JSON.stringify({ stateMachineArn: targetArn, input: "x".repeat(1_100_000) });
    assertAwsError(await aws(op("StartExecution"), body), 413, "RequestEntityTooLargeException");
  });

  test("an execution input over 256 KiB is InvalidExecutionInput; one that is not JSON too", async () => {
    await assertSdkError(
      client.send(
        new sfn.StartExecutionCommand({
          stateMachineArn: targetArn,
          input: JSON.stringify({ blob: "x".repeat(262_144) }),
        }),
      ),
      "InvalidExecutionInput",
    );
    await assertSdkError(
      client.send(new sfn.StartExecutionCommand({ stateMachineArn: targetArn, input: "{nope" })),
      "InvalidExecutionInput",
    );
  });

  test("malformed ARNs are InvalidArn; well-formed unknown ones *DoesNotExist", async () => {
    // Sent one at a time: a rejection nobody awaits yet would be an unhandled one.
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => client.send(new sfn.StartExecutionCommand({ stateMachineArn: "not-an-arn" })),
        "InvalidArn",
      ],
      [
        () => client.send(new sfn.StartExecutionCommand({ stateMachineArn: GHOST_MACHINE })),
        "StateMachineDoesNotExist",
      ],
      [
        () => client.send(new sfn.DescribeStateMachineCommand({ stateMachineArn: "arn:aws:nope" })),
        "InvalidArn",
      ],
      [
        () => client.send(new sfn.DescribeStateMachineCommand({ stateMachineArn: GHOST_MACHINE })),
        "StateMachineDoesNotExist",
      ],
      [
        () => client.send(new sfn.DescribeExecutionCommand({ executionArn: "not-an-arn" })),
        "InvalidArn",
      ],
      [
        () => client.send(new sfn.DescribeExecutionCommand({ executionArn: targetArn })),
        "InvalidArn",
      ],
      [
        () => client.send(new sfn.DescribeExecutionCommand({ executionArn: GHOST_EXECUTION })),
        "ExecutionDoesNotExist",
      ],
      [
        () => client.send(new sfn.GetExecutionHistoryCommand({ executionArn: "x:y:z" })),
        "InvalidArn",
      ],
      [() => client.send(new sfn.StopExecutionCommand({ executionArn: "nope" })), "InvalidArn"],
      [
        () => client.send(new sfn.StopExecutionCommand({ executionArn: GHOST_EXECUTION })),
        "ExecutionDoesNotExist",
      ],
      [() => client.send(new sfn.RedriveExecutionCommand({ executionArn: "nope" })), "InvalidArn"],
      [
        () =>
          client.send(
            new sfn.UpdateStateMachineCommand({ stateMachineArn: "nope", definition: "{}" }),
          ),
        "InvalidArn",
      ],
      [
        () => client.send(new sfn.DeleteStateMachineCommand({ stateMachineArn: "nope" })),
        "InvalidArn",
      ],
      [
        () =>
          client.send(
            new sfn.UpdateStateMachineCommand({ stateMachineArn: GHOST_MACHINE, roleArn: "x" }),
          ),
        "StateMachineDoesNotExist",
      ],
      [
        () => client.send(new sfn.ListExecutionsCommand({ stateMachineArn: "not-an-arn" })),
        "InvalidArn",
      ],
      [
        () => client.send(new sfn.ListExecutionsCommand({ stateMachineArn: GHOST_MACHINE })),
        "StateMachineDoesNotExist",
      ],
      [
        () =>
          client.send(
            new sfn.SendTaskSuccessCommand({
              taskToken: "00000000-0000-4000-8000-000000000000",
              output: "not json",
            }),
          ),
        "InvalidOutput",
      ],
      [
        () => client.send(new sfn.SendTaskHeartbeatCommand({ taskToken: "bad token!" })),
        "InvalidToken",
      ],
      [
        () =>
          client.send(
            new sfn.DescribeActivityCommand({ activityArn: `${ACCOUNT_ARN}:activity:ghost` }),
          ),
        "ActivityDoesNotExist",
      ],
    ];
    for (const [send, name] of cases) await assertSdkError(send(), name);
  });

  test("unsigned, badly signed and unknown-key requests are refused", async () => {
    const body = "{}";
    assertAwsError(
      await aws(op("ListStateMachines"), body, null),
      400,
      "MissingAuthenticationTokenException",
    );
    assertAwsError(
      await aws(op("ListStateMachines"), body, {
        accessKeyId: ADMIN.accessKeyId,
        secretAccessKey: "not-the-secret",
      }),
      400,
      "InvalidSignatureException",
    );
    assertAwsError(
      await aws(op("ListStateMachines"), body, {
        accessKeyId: "AKIAUNKNOWNKEY000000",
        secretAccessKey: ADMIN.secretAccessKey,
      }),
      400,
      "UnrecognizedClientException",
    );
    // Signed for one body, sent with another.
    const swapped = await aws(
      op("StartExecution"),
      JSON.stringify({ stateMachineArn: GHOST_MACHINE }),
      ADMIN,
      JSON.stringify({ stateMachineArn: targetArn }),
    );
    assertAwsError(swapped, 400, "InvalidSignatureException");
    // The SDK turns them into exceptions of the same names.
    const stranger = new sfn.SFNClient({
      ...sdkConfig(server.url),
      credentials: { accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "x" },
    });
    await assertSdkError(
      stranger.send(new sfn.ListStateMachinesCommand({})),
      "UnrecognizedClientException",
    );
    stranger.destroy();
    // A bearer token is not an AWS credential.
    assertAwsError(
      await raw("POST", "/", "{}", {
        ...bearer,
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": op("ListStateMachines"),
      }),
      400,
      "IncompleteSignatureException",
    );
  });

  test("an unknown or missing X-Amz-Target is UnknownOperationException", async () => {
    assertAwsError(await aws(op("LaunchRockets"), "{}"), 400, "UnknownOperationException");
    assertAwsError(await aws(op("startExecution"), "{}"), 400, "UnknownOperationException");
    assertAwsError(
      await aws("AWSNotAService.ListStateMachines", "{}"),
      400,
      "UnknownOperationException",
    );
    assertAwsError(await aws(undefined, "{}"), 400, "UnknownOperationException");
  });
});

describe("random bodies (fast-check)", () => {
  test("every random body to REST routes and AWS operations is a 4xx with a JSON error", async () => {
    const ghost = encodeURIComponent(GHOST_EXECUTION);
    const restRoutes: [string, string, string[]][] = [
      ["POST", "/v1/state-machines", ["name", "definition", "type", "roleArn", "tags", "publish"]],
      ["PUT", "/v1/state-machines/ghost", ["definition", "roleArn", "description", "publish"]],
      ["POST", "/v1/state-machines/ghost/executions", ["name", "input"]],
      ["POST", `/v1/executions/${ghost}/stop`, ["error", "cause"]],
      ["POST", "/v1/tasks/00000000-0000-4000-8000-000000000000/success", ["output"]],
      ["POST", "/v1/tasks/00000000-0000-4000-8000-000000000000/failure", ["error", "cause"]],
      ["POST", "/v1/functions/ghost/invoke", ["anything"]],
    ];
    const awsOperations: [string, string[]][] = [
      ["StartExecution", ["stateMachineArn", "name", "input"]],
      ["StartSyncExecution", ["stateMachineArn", "name", "input"]],
      ["DescribeExecution", ["executionArn"]],
      ["StopExecution", ["executionArn", "error", "cause"]],
      ["GetExecutionHistory", ["executionArn", "maxResults", "reverseOrder", "nextToken"]],
      ["ListExecutions", ["stateMachineArn", "statusFilter", "maxResults"]],
      ["CreateStateMachine", ["name", "definition", "roleArn", "type", "tags"]],
      ["UpdateStateMachine", ["stateMachineArn", "definition"]],
      ["DescribeStateMachine", ["stateMachineArn"]],
      ["SendTaskSuccess", ["taskToken", "output"]],
      ["SendTaskFailure", ["taskToken", "error", "cause"]],
      ["SendTaskHeartbeat", ["taskToken"]],
    ];
    // A body: any JSON text, any text at all, or an object with the route's member names and
    // random values (the likeliest way to reach deep validation).
    const bodyFor = (members: string[]) =>
      fc.oneof(
        fc.json(),
        fc.string({ maxLength: 64 }),
        fc
          .dictionary(fc.constantFrom(...members), fc.jsonValue({ maxDepth: 3 }), {
            minKeys: 1,
          })
          .map((value) => JSON.stringify(value)),
      );
    const call = fc.oneof(
      fc
        .constantFrom(...restRoutes)
        .chain(([method, path, members]) =>
          bodyFor(members).map((body) => ({ api: "rest" as const, method, path, body })),
        ),
      fc.constantFrom(...awsOperations).chain(([name, members]) =>
        bodyFor(members).map((body) => ({
          api: "aws" as const,
          method: "POST",
          path: name,
          body,
        })),
      ),
    );
    await fc.assert(
      fc.asyncProperty(call, async ({ api, method, path, body }) => {
        const response =
          api === "rest" ? await restRaw(method, path, body) : await aws(op(path), body);
        const where = `${api} ${method} ${path} ${JSON.stringify(body)} → ${response.status} ${response.text}`;
        assert.ok(response.status >= 400 && response.status < 500, where);
        if (api === "rest") {
          assert.equal(typeof response.json?.error?.code, "string", where);
          assert.equal(typeof response.json?.error?.message, "string", where);
        } else {
          assert.equal(typeof response.json?.__type, "string", where);
          assert.equal(typeof response.json?.message, "string", where);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("after all of it", () => {
  test("nothing changed, and the same server process still serves", async () => {
    const machines = await rest(server.url, "GET", "/v1/state-machines");
    assert.deepEqual(
      machines.body.items.map((m: { name: string }) => m.name),
      ["target"],
    );
    const listed = await client.send(new sfn.ListStateMachinesCommand({}));
    assert.deepEqual(
      listed.stateMachines?.map((m) => m.name),
      ["target"],
    );
    const described = await client.send(
      new sfn.DescribeStateMachineCommand({ stateMachineArn: targetArn }),
    );
    assert.deepEqual(JSON.parse(described.definition as string), DEFINITION);
    const executions = await client.send(
      new sfn.ListExecutionsCommand({ stateMachineArn: targetArn }),
    );
    assert.deepEqual(executions.executions, []);
    const functions = await rest(server.url, "GET", "/v1/functions");
    assert.deepEqual(functions.body.items, []);

    assert.equal(server.child.exitCode, null, "the server process is alive");
    assert.equal(server.child.signalCode, null);
    const health = await raw("GET", "/health");
    assert.equal(health.status, 200);
    assert.deepEqual(health.json, { status: "ok" });
    assert.doesNotMatch(server.output(), /InternalError|InternalFailure|HTTPException/);
  });
});
