/**
 * End to end with the real `@aws-sdk/client-sfn`: a tiny node:http server answers with our
 * framing, and the SDK must parse every error into its own exception class, read our
 * timestamps, and sign requests our SigV4 verifier accepts.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import {
  AwsError,
  type AwsHttpResponse,
  authError,
  isAwsTarget,
  newRequestId,
  parseAwsJsonBody,
  parseAwsTarget,
  SFN_ERROR_STATUS,
  type SfnErrorCode,
  STEP_FUNCTIONS,
  sfnError,
  toAwsErrorResponse,
  toAwsJsonResponse,
  toAwsTimestamp,
} from "../../src/api/aws/index.js";
import { createSigV4Verifier, type SigV4Result } from "../../src/auth/sigv4.js";

const AKID = "AKIAOPSFLOWTEST00001";
const SECRET = "opsflow/test/secret/key/0123456789abcdefgh";
const STARTED = new Date("2024-05-06T07:08:09.123Z");

const verifier = createSigV4Verifier({
  lookup: async (id) => (id === AKID ? { secretAccessKey: SECRET, user: "tester" } : undefined),
  now: () => new Date(),
  services: ["states"],
});

/** Every verification result and request id, in order, for assertions. */
const seen: Array<{ auth: SigV4Result<{ user: string }>; requestId: string; target: string }> = [];

/** Chooses the answer from the execution ARN's last segment (the test's instruction). */
function answer(
  operation: string,
  input: Record<string, unknown>,
  requestId: string,
): AwsHttpResponse {
  const arn = String(input.executionArn ?? "");
  const instruction = arn.slice(arn.lastIndexOf(":") + 1);
  if (operation !== "DescribeExecution") {
    return toAwsErrorResponse(
      new AwsError("UnknownOperationException", operation),
      STEP_FUNCTIONS,
      requestId,
    );
  }
  if (instruction === "ok") {
    return toAwsJsonResponse(
      {
        executionArn: arn,
        stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:m",
        status: "RUNNING",
        startDate: toAwsTimestamp(STARTED),
      },
      STEP_FUNCTIONS,
      requestId,
    );
  }
  if (instruction === "crash")
    return toAwsErrorResponse(new Error("db down"), STEP_FUNCTIONS, requestId);
  if (instruction === "bare") {
    const error = new AwsError("ExecutionDoesNotExist", "bare __type", { namespace: "" });
    return toAwsErrorResponse(error, "1.0", requestId);
  }
  if (instruction === "colon") {
    // The suffix form some AWS services send; SDKs drop everything after ':'.
    const code = "ExecutionDoesNotExist:http://internal.amazon.com/coral/com.amazonaws.swf/";
    return toAwsErrorResponse(new AwsError(code, "colon suffix"), STEP_FUNCTIONS, requestId);
  }
  if (instruction === "unmodelled") {
    return toAwsErrorResponse(new AwsError("NotAThing", "unknown code"), STEP_FUNCTIONS, requestId);
  }
  if (instruction === "validation") {
    const error = sfnError("ValidationException", "labelled ARN", {
      reason: "API_DOES_NOT_SUPPORT_LABELED_ARNS",
    });
    return toAwsErrorResponse(error, STEP_FUNCTIONS, requestId);
  }
  if (instruction === "notfound") {
    const error = sfnError("ResourceNotFound", "no such thing", { resourceName: "arn:x" });
    return toAwsErrorResponse(error, STEP_FUNCTIONS, requestId);
  }
  const code = instruction as SfnErrorCode;
  return toAwsErrorResponse(sfnError(code, `message for ${code}`), STEP_FUNCTIONS, requestId);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let server: Server;
let endpoint: string;

before(async () => {
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const requestId = newRequestId();
    const target = String(req.headers["x-amz-target"] ?? "");
    const auth = await verifier.verify(
      {
        method: req.method ?? "GET",
        path: q === -1 ? url : url.slice(0, q),
        query: q === -1 ? "" : url.slice(q + 1),
        headers: req.headersDistinct,
        body,
      },
      { service: STEP_FUNCTIONS.signingName },
    );
    seen.push({ auth, requestId, target });
    let response: AwsHttpResponse;
    const parsedTarget = parseAwsTarget(target);
    const input = parseAwsJsonBody(body);
    if (!auth.ok) response = toAwsErrorResponse(authError(auth), STEP_FUNCTIONS, requestId);
    else if (!isAwsTarget(parsedTarget))
      response = toAwsErrorResponse(parsedTarget, STEP_FUNCTIONS, requestId);
    else if (input instanceof AwsError)
      response = toAwsErrorResponse(input, STEP_FUNCTIONS, requestId);
    else response = answer(parsedTarget.operation, input, requestId);
    res.writeHead(response.status, response.headers).end(response.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client(secretAccessKey = SECRET): sfn.SFNClient {
  return new sfn.SFNClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: AKID, secretAccessKey },
    maxAttempts: 1,
  });
}

const describeExecution = (instruction: string, c = client()) =>
  c.send(
    new sfn.DescribeExecutionCommand({
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:m:${instruction}`,
    }),
  );

async function thrown(promise: Promise<unknown>): Promise<sfn.SFNServiceException> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof sfn.SFNServiceException, String(error));
    return error;
  }
  assert.fail("expected the SDK call to throw");
}

describe("@aws-sdk/client-sfn against our AWS JSON framing", () => {
  test("a success response, with an epoch-seconds timestamp, parses", async () => {
    const out = await describeExecution("ok");
    assert.equal(out.status, "RUNNING");
    assert.ok(out.startDate instanceof Date);
    assert.equal(out.startDate.getTime(), STARTED.getTime());
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.equal(out.$metadata.requestId, seen.at(-1)!.requestId);
  });

  test("every Step Functions error code becomes the SDK's own exception class", async () => {
    const codes = Object.keys(SFN_ERROR_STATUS) as SfnErrorCode[];
    for (const code of codes) {
      const ErrorClass = (sfn as unknown as Record<string, new (...args: never[]) => Error>)[code];
      assert.ok(ErrorClass, `client-sfn exports ${code}`);
      const error = await thrown(describeExecution(code));
      assert.ok(error instanceof ErrorClass, `${code}: got ${error.name}`);
      assert.equal(error.name, code);
      assert.equal(error.message, `message for ${code}`);
      assert.equal(error.$fault, "client");
      assert.equal(error.$metadata.httpStatusCode, SFN_ERROR_STATUS[code]);
      assert.equal(error.$metadata.requestId, seen.at(-1)!.requestId);
    }
  });

  test("ExecutionDoesNotExist, spelled out", async () => {
    const error = await thrown(describeExecution("ExecutionDoesNotExist"));
    assert.ok(error instanceof sfn.ExecutionDoesNotExist);
    assert.equal(error.message, "message for ExecutionDoesNotExist");
    assert.equal(error.$metadata.httpStatusCode, 400);
  });

  test("a bare __type is accepted as well as the namespaced one", async () => {
    const error = await thrown(describeExecution("bare"));
    assert.ok(error instanceof sfn.ExecutionDoesNotExist);
    assert.equal(error.message, "bare __type");
  });

  test("a ':' suffix after the code is ignored", async () => {
    const error = await thrown(describeExecution("colon"));
    assert.ok(error instanceof sfn.ExecutionDoesNotExist);
    assert.equal(error.message, "colon suffix");
  });

  test("an unmodelled code is the base exception named after it (so instanceof discriminates)", async () => {
    const error = await thrown(describeExecution("unmodelled"));
    assert.equal(error.name, "NotAThing");
    assert.equal(error instanceof sfn.ExecutionDoesNotExist, false);
    assert.equal(error.message, "unknown code");
  });

  test("extra error members reach the exception", async () => {
    const validation = await thrown(describeExecution("validation"));
    assert.ok(validation instanceof sfn.ValidationException);
    assert.equal(validation.reason, "API_DOES_NOT_SUPPORT_LABELED_ARNS");
    const notFound = await thrown(describeExecution("notfound"));
    assert.ok(notFound instanceof sfn.ResourceNotFound);
    assert.equal(notFound.resourceName, "arn:x");
  });

  test("an unexpected failure is a 500 InternalFailure server fault", async () => {
    const error = await thrown(describeExecution("crash"));
    assert.equal(error.name, "InternalFailure");
    assert.equal(error.$fault, "server");
    assert.equal(error.$metadata.httpStatusCode, 500);
    assert.doesNotMatch(error.message, /db down/);
  });

  test("a wrong secret is rejected by our verifier and reported by the SDK", async () => {
    const error = await thrown(describeExecution("ok", client("wrong-secret")));
    assert.equal(error.name, "InvalidSignatureException");
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.match(error.message, /^The request signature we calculated does not match/);
  });

  test("every request the SDK signed with the right secret passed our SigV4 verifier", () => {
    const good = seen.filter((s) => s.auth.ok);
    const bad = seen.filter((s) => !s.auth.ok);
    assert.ok(good.length >= Object.keys(SFN_ERROR_STATUS).length + 7);
    assert.equal(bad.length, 1, JSON.stringify(bad));
    for (const { auth, target } of good) {
      assert.equal(target, "AWSStepFunctions.DescribeExecution");
      assert.ok(auth.ok);
      assert.equal(auth.service, "states");
      assert.equal(auth.region, "us-east-1");
      assert.deepEqual(auth.principal, { user: "tester" });
    }
  });
});
