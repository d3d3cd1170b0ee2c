import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AwsError,
  authError,
  EVENTBRIDGE,
  fromAwsTimestamp,
  isAwsTarget,
  parseAwsJsonBody,
  parseAwsTarget,
  SFN_ERROR_STATUS,
  STEP_FUNCTIONS,
  SYSTEMS_MANAGER,
  sfnError,
  toAwsErrorResponse,
  toAwsJsonResponse,
  toAwsTimestamp,
} from "../../src/api/aws/index.js";

describe("X-Amz-Target", () => {
  test("resolves service and operation", () => {
    const sfn = parseAwsTarget("AWSStepFunctions.StartExecution");
    assert.ok(isAwsTarget(sfn));
    assert.equal(sfn.service, STEP_FUNCTIONS);
    assert.equal(sfn.operation, "StartExecution");
    const events = parseAwsTarget("AWSEvents.PutEvents");
    assert.ok(
      isAwsTarget(events) && events.service === EVENTBRIDGE && events.service.jsonVersion === "1.1",
    );
    const ssm = parseAwsTarget(" AmazonSSM.GetParameter ");
    assert.ok(
      isAwsTarget(ssm) && ssm.service === SYSTEMS_MANAGER && ssm.operation === "GetParameter",
    );
  });

  test("missing, malformed or unknown targets are UnknownOperationException", () => {
    for (const header of [
      undefined,
      "",
      "StartExecution",
      "AWSLambda.Invoke",
      "AWSStepFunctions.",
      "AWSStepFunctions.start-execution",
    ]) {
      const result = parseAwsTarget(header);
      assert.ok(result instanceof AwsError, String(header));
      assert.equal(result.code, "UnknownOperationException");
      assert.equal(result.httpStatus, 400);
    }
  });
});

describe("request bodies", () => {
  test("empty means {}; objects pass through", () => {
    assert.deepEqual(parseAwsJsonBody(""), {});
    assert.deepEqual(parseAwsJsonBody(new Uint8Array()), {});
    assert.deepEqual(parseAwsJsonBody(" \n"), {});
    assert.deepEqual(parseAwsJsonBody(Buffer.from('{"name":"ünï"}')), { name: "ünï" });
  });

  test("invalid JSON, non-objects and bad UTF-8 are SerializationException", () => {
    for (const body of ["{", "[1]", "42", '"s"', "null", new Uint8Array([0x7b, 0xff, 0x7d])]) {
      const result = parseAwsJsonBody(body);
      assert.ok(result instanceof AwsError, String(body));
      assert.equal(result.code, "SerializationException");
      assert.equal(result.httpStatus, 400);
    }
    assert.equal(
      (parseAwsJsonBody("[]") as AwsError).message,
      "Start of list found where not expected",
    );
  });
});

describe("error responses", () => {
  test("Step Functions errors: namespaced __type, message, 400, request id, JSON 1.0", () => {
    const response = toAwsErrorResponse(
      sfnError("ExecutionDoesNotExist", "Execution Does Not Exist: 'arn:x'"),
      STEP_FUNCTIONS,
      "req-1",
    );
    assert.equal(response.status, 400);
    assert.deepEqual(response.headers, {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-RequestId": "req-1",
    });
    assert.deepEqual(JSON.parse(response.body), {
      __type: "com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist",
      message: "Execution Does Not Exist: 'arn:x'",
    });
  });

  test("extra members, JSON 1.1, bare codes and the query-compatible header", () => {
    const withReason = toAwsErrorResponse(
      sfnError("ValidationException", "bad", {
        reason: "MISSING_REQUIRED_PARAMETER",
        resourceName: undefined,
      }),
      STEP_FUNCTIONS,
    );
    assert.deepEqual(JSON.parse(withReason.body), {
      __type: "com.amazonaws.swf.service.v2.model#ValidationException",
      message: "bad",
      reason: "MISSING_REQUIRED_PARAMETER",
    });
    assert.match(withReason.headers["x-amzn-RequestId"]!, /^[0-9a-f-]{36}$/);
    const events = toAwsErrorResponse(
      new AwsError("ResourceNotFoundException", "Rule r does not exist."),
      EVENTBRIDGE,
    );
    assert.equal(events.headers["content-type"], "application/x-amz-json-1.1");
    assert.deepEqual(JSON.parse(events.body), {
      __type: "ResourceNotFoundException",
      message: "Rule r does not exist.",
    });
    const query = toAwsErrorResponse(
      new AwsError("QueueDoesNotExist", "gone", {
        queryError: { code: "AWS.SimpleQueueService.NonExistentQueue", type: "Sender" },
      }),
      "1.0",
    );
    assert.equal(
      query.headers["x-amzn-query-error"],
      "AWS.SimpleQueueService.NonExistentQueue;Sender",
    );
  });

  test("fields cannot override __type or message", () => {
    const error = new AwsError("X", "real", { fields: { __type: "Y", message: "fake" } });
    assert.deepEqual(JSON.parse(toAwsErrorResponse(error, "1.0").body), {
      __type: "X",
      message: "real",
    });
  });

  test("server faults and unknown throwables", () => {
    const fault = new AwsError("ServiceUnavailable", "later", { httpStatus: 503 });
    assert.equal(fault.fault, "server");
    assert.equal(toAwsErrorResponse(fault, "1.1").status, 503);
    const crash = toAwsErrorResponse(new TypeError("secret internals"), STEP_FUNCTIONS);
    assert.equal(crash.status, 500);
    const body = JSON.parse(crash.body);
    assert.equal(body.__type, "com.amazon.coral.service#InternalFailure");
    assert.doesNotMatch(crash.body, /secret internals/);
  });

  test("SigV4 failures map to coral errors with status 400", () => {
    const error = authError({
      code: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
    });
    const response = toAwsErrorResponse(error, STEP_FUNCTIONS);
    assert.equal(response.status, 400);
    assert.equal(
      JSON.parse(response.body).__type,
      "com.amazon.coral.service#UnrecognizedClientException",
    );
  });

  test("every Step Functions code is a client error", () => {
    for (const [code, status] of Object.entries(SFN_ERROR_STATUS)) {
      const error = sfnError(code as keyof typeof SFN_ERROR_STATUS, "m");
      assert.equal(error.httpStatus, status);
      assert.equal(error.fault, "client");
      assert.equal(error.name, code);
    }
  });

  test("success responses", () => {
    const ok = toAwsJsonResponse(undefined, SYSTEMS_MANAGER, "r");
    assert.deepEqual(ok, {
      status: 200,
      headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-RequestId": "r" },
      body: "{}",
    });
  });
});

describe("timestamps", () => {
  test("epoch seconds with a fractional part", () => {
    assert.equal(toAwsTimestamp(new Date("2024-05-06T07:08:09.123Z")), 1714979289.123);
    assert.equal(toAwsTimestamp(new Date(0)), 0);
    assert.equal(
      JSON.stringify({ t: toAwsTimestamp(new Date("2024-05-06T07:08:09Z")) }),
      '{"t":1714979289}',
    );
  });

  test("round trip at millisecond precision and accepted input forms", () => {
    for (const ms of [0, 1, 999, 1714979289123, 253402300799999]) {
      assert.equal(fromAwsTimestamp(toAwsTimestamp(new Date(ms)))!.getTime(), ms);
    }
    assert.equal(fromAwsTimestamp("1714979289.5")!.toISOString(), "2024-05-06T07:08:09.500Z");
    assert.equal(fromAwsTimestamp("2024-05-06T07:08:09Z")!.getTime(), 1714979289000);
    assert.equal(fromAwsTimestamp("tomorrow"), undefined);
    assert.equal(fromAwsTimestamp(null), undefined);
    assert.equal(fromAwsTimestamp(Number.POSITIVE_INFINITY), undefined);
    assert.equal(fromAwsTimestamp(1e20), undefined);
  });
});
