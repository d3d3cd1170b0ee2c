import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import {
  canonicalHeaderValue,
  canonicalPath,
  canonicalQuery,
  parseQuery,
} from "../../src/auth/sigv4/canonical.js";
import { createSigV4Verifier, SigningKeyCache, type SigV4Request } from "../../src/auth/sigv4.js";
import { AKID, presign, SECRET, SIGNED_AT, sign, verifierAt } from "./sigv4-helpers.js";

const at = (offsetMs: number) => new Date(SIGNED_AT.getTime() + offsetMs);
const MIN = 60_000;

const sfnCall = (body: string) => ({
  method: "POST",
  path: "/",
  headers: {
    "content-type": "application/x-amz-json-1.0",
    "x-amz-target": "AWSStepFunctions.DescribeExecution",
  },
  body,
});

/** Request shapes the signer must agree with us on. */
const shapes: Array<[string, Parameters<typeof sign>[0]]> = [
  ["JSON RPC call", sfnCall('{"executionArn":"arn:aws:states:us-east-1:1:execution:m:e"}')],
  ["empty body GET", { method: "GET", path: "/" }],
  ["empty body POST", { method: "POST", path: "/", body: "" }],
  ["path with encoded spaces", { method: "GET", path: "/a%20b/c%20d" }],
  ["path with raw space", { method: "GET", path: "/a b/c" }],
  ["path with unicode (encoded)", { method: "GET", path: `/${encodeURIComponent("ünï/cødé ✓")}` }],
  ["path with dot segments", { method: "GET", path: "/a/./b/../c/" }],
  ["path with double slashes", { method: "GET", path: "//a//b" }],
  ["path with reserved chars", { method: "GET", path: "/a:b@c!d$e&f'g(h)i*j+k,l;m=n" }],
  [
    "query with special chars",
    {
      method: "GET",
      path: "/list",
      query: {
        "a b": "c d",
        plus: "1+1=2",
        slash: "x/y",
        star: "*!'()",
        unicode: "日本語",
        tilde: "~-_.",
        empty: "",
      },
    },
  ],
  ["query with repeated keys", { method: "GET", path: "/", query: { k: ["b", "a", "c"], a: "1" } }],
  [
    "many headers",
    {
      method: "POST",
      path: "/",
      headers: {
        "x-custom-one": "  leading and trailing  ",
        "x-custom-two": "inner   runs\tof\t\tspace",
        "content-type": "application/json; charset=utf-8",
        "x-amz-target": "AmazonSSM.GetParameter",
        "x-amz-meta-thing": "v",
      },
      body: "{}",
    },
  ],
  ["large body", { method: "POST", path: "/", body: "x".repeat(2_000_000) }],
  ["binary body", { method: "PUT", path: "/blob", body: new Uint8Array([0, 1, 2, 255, 254, 0]) }],
  ["unicode body", { method: "POST", path: "/", body: '{"name":"ünïcødé ✓ 日本"}' }],
];

describe("SigV4: requests signed by @smithy/signature-v4 verify", () => {
  for (const [name, req] of shapes) {
    test(name, async () => {
      const signed = await sign(req);
      const result = await verifierAt(SIGNED_AT).verify(signed);
      assert.equal(result.ok, true, JSON.stringify(result));
      if (!result.ok) return;
      assert.equal(result.accessKeyId, AKID);
      assert.equal(result.region, "us-east-1");
      assert.equal(result.service, "states");
      assert.deepEqual(result.principal, { userId: "u-1", role: "admin" });
      assert.equal(result.presigned, false);
      assert.equal(result.signedAt.getTime(), SIGNED_AT.getTime());
    });
  }

  test("other services and regions", async () => {
    for (const [service, region] of [
      ["events", "eu-west-1"],
      ["ssm", "ap-southeast-2"],
      ["states", "local"],
    ] as const) {
      const signed = await sign(sfnCall("{}"), { service, region });
      const result = await verifierAt(SIGNED_AT).verify(signed);
      assert.equal(result.ok && `${result.service}/${result.region}`, `${service}/${region}`);
    }
  });

  test("known answer: AWS SigV4 test suite get-vanilla", async () => {
    const verifier = createSigV4Verifier({
      lookup: async () => ({ secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }),
      now: () => new Date("2015-08-30T12:36:00Z"),
      services: ["service"],
    });
    const result = await verifier.verify({
      method: "GET",
      path: "/",
      query: "",
      headers: {
        host: "example.amazonaws.com",
        "x-amz-date": "20150830T123600Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " +
          "SignedHeaders=host;x-amz-date, " +
          "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
      },
      body: "",
    });
    assert.equal(result.ok, true, JSON.stringify(result));
  });
});

describe("SigV4: tampering fails", () => {
  const base = () => sign(sfnCall('{"executionArn":"arn:x"}'));
  const tampers: Array<[string, (r: SigV4Request) => SigV4Request]> = [
    ["method", (r) => ({ ...r, method: "PUT" })],
    ["path", (r) => ({ ...r, path: "/other" })],
    ["query added", (r) => ({ ...r, query: "a=1" })],
    [
      "signed header value",
      (r) => ({ ...r, headers: { ...r.headers, "content-type": "text/plain" } }),
    ],
    [
      "operation header",
      (r) => ({
        ...r,
        headers: { ...r.headers, "x-amz-target": "AWSStepFunctions.StopExecution" },
      }),
    ],
    ["host", (r) => ({ ...r, headers: { ...r.headers, host: "evil:8080" } })],
    [
      "signed header removed",
      (r) => ({ ...r, headers: { ...r.headers, "content-type": undefined } }),
    ],
    ["body", (r) => ({ ...r, body: '{"executionArn":"arn:y"}' })],
    [
      "date (one second)",
      (r) => ({ ...r, headers: { ...r.headers, "x-amz-date": "20240506T070810Z" } }),
    ],
    [
      "signature",
      (r) => ({
        ...r,
        headers: {
          ...r.headers,
          authorization: String(r.headers.authorization).replace(/.$/, (c) =>
            c === "0" ? "1" : "0",
          ),
        },
      }),
    ],
    [
      "signed headers list",
      (r) => ({
        ...r,
        headers: {
          ...r.headers,
          authorization: String(r.headers.authorization).replace("content-type;", ""),
        },
      }),
    ],
  ];
  for (const [name, tamper] of tampers) {
    test(name, async () => {
      const result = await verifierAt(SIGNED_AT).verify(tamper(await base()));
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.code, "InvalidSignatureException", result.message);
    });
  }

  test("query value changed", async () => {
    const signed = await sign({ method: "GET", path: "/", query: { a: "1", b: "2" } });
    const result = await verifierAt(SIGNED_AT).verify({ ...signed, query: "a=1&b=3" });
    assert.equal(result.ok, false);
  });

  test("payload hash header that does not match the body", async () => {
    const signed = await sign(sfnCall("{}"));
    const result = await verifierAt(SIGNED_AT).verify({ ...signed, body: "[]" });
    assert.deepEqual(result, {
      ok: false,
      code: "InvalidSignatureException",
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });
  });
});

describe("SigV4: credentials, clock and scope", () => {
  test("wrong secret", async () => {
    const signed = await sign(sfnCall("{}"), { secretAccessKey: "not-the-secret" });
    const result = await verifierAt(SIGNED_AT).verify(signed);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.code, "InvalidSignatureException");
    assert.match(
      result.message,
      /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.\n\nThe Canonical String for this request should have been\n'POST\n\/\n\n/,
    );
    assert.match(
      result.message,
      /The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20240506T070809Z\n20240506\/us-east-1\/states\/aws4_request\n[0-9a-f]{64}'\n$/,
    );
  });

  test("short mismatch message when detail is off", async () => {
    const signed = await sign(sfnCall("{}"), { secretAccessKey: "nope" });
    const result = await verifierAt(SIGNED_AT, { detailedMismatchMessages: false }).verify(signed);
    assert.equal(!result.ok && result.message.endsWith("for details."), true);
  });

  test("unknown access key", async () => {
    const signed = await sign(sfnCall("{}"), { accessKeyId: "AKIAUNKNOWNUNKNOWN00" });
    assert.deepEqual(await verifierAt(SIGNED_AT).verify(signed), {
      ok: false,
      code: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
    });
  });

  test("clock skew: 14 minutes either way passes, 16 fails with AWS's messages", async () => {
    const signed = await sign(sfnCall("{}"));
    assert.equal((await verifierAt(at(14 * MIN)).verify(signed)).ok, true);
    assert.equal((await verifierAt(at(-14 * MIN)).verify(signed)).ok, true);
    assert.deepEqual(await verifierAt(at(16 * MIN)).verify(signed), {
      ok: false,
      code: "InvalidSignatureException",
      message:
        "Signature expired: 20240506T070809Z is now earlier than 20240506T070909Z (20240506T072409Z - 15 min.)",
    });
    assert.deepEqual(await verifierAt(at(-16 * MIN)).verify(signed), {
      ok: false,
      code: "InvalidSignatureException",
      message:
        "Signature not yet current: 20240506T070809Z is still later than 20240506T070709Z (20240506T065209Z + 15 min.)",
    });
  });

  test("clock skew window is configurable", async () => {
    const signed = await sign(sfnCall("{}"));
    const result = await verifierAt(at(2 * MIN), { maxSkewMs: MIN }).verify(signed);
    assert.equal(!result.ok && result.message.includes("- 1 min."), true);
  });

  test("credential scope date must be the request's day", async () => {
    const signed = await sign(sfnCall("{}"));
    const headers = { ...signed.headers, "x-amz-date": "20240507T000001Z" };
    const result = await verifierAt(at(17 * 3600_000)).verify({ ...signed, headers });
    assert.deepEqual(result, {
      ok: false,
      code: "InvalidSignatureException",
      message:
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240506' != '20240507', from '20240507T000001Z'.",
    });
  });

  test("service must be allowed", async () => {
    const signed = await sign(sfnCall("{}"), { service: "lambda" });
    const onlyStates = verifierAt(SIGNED_AT, { services: ["states"] });
    assert.deepEqual(await onlyStates.verify(signed), {
      ok: false,
      code: "InvalidSignatureException",
      message: "Credential should be scoped to correct service: 'states'. ",
    });
    const ok = await sign(sfnCall("{}"), { service: "events" });
    const narrowed = await verifierAt(SIGNED_AT).verify(ok, { service: "states" });
    assert.equal(!narrowed.ok && narrowed.message.includes("'states'"), true);
    assert.equal((await verifierAt(SIGNED_AT).verify(ok, { service: "events" })).ok, true);
  });

  test("region may be restricted", async () => {
    const signed = await sign(sfnCall("{}"), { region: "eu-west-3" });
    const result = await verifierAt(SIGNED_AT, { regions: ["us-east-1"] }).verify(signed);
    assert.equal(
      !result.ok && result.message,
      "Credential should be scoped to a valid region, not 'eu-west-3'. ",
    );
  });

  test("session tokens are rejected by default, ignorable on request", async () => {
    const signed = await sign(sfnCall("{}"), { sessionToken: "FQoGZXIvYXdzEXAMPLE" });
    assert.deepEqual(await verifierAt(SIGNED_AT).verify(signed), {
      ok: false,
      code: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
    });
    assert.equal((await verifierAt(SIGNED_AT, { sessionToken: "ignore" }).verify(signed)).ok, true);
  });

  test("UNSIGNED-PAYLOAD only when allowed", async () => {
    const req = sfnCall("{}");
    const signed = await sign({
      ...req,
      headers: { ...req.headers, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    });
    const refused = await verifierAt(SIGNED_AT).verify(signed);
    assert.equal(!refused.ok && refused.code, "InvalidSignatureException");
    const allowed = verifierAt(SIGNED_AT, { allowUnsignedPayload: true });
    assert.equal((await allowed.verify(signed)).ok, true);
    // The point of the default: with an unsigned payload any body passes.
    assert.equal((await allowed.verify({ ...signed, body: '{"other":1}' })).ok, true);
  });

  test("signing keys are derived once per scope", async () => {
    const cache = new SigningKeyCache(2);
    const v = verifierAt(SIGNED_AT, { cache });
    for (let i = 0; i < 5; i++)
      assert.equal((await v.verify(await sign(sfnCall(`{"i":${i}}`)))).ok, true);
    assert.equal(cache.size, 1);
    await v.verify(await sign(sfnCall("{}"), { region: "r2" }));
    await v.verify(await sign(sfnCall("{}"), { region: "r3" }));
    assert.equal(cache.size, 2, "bounded");
  });
});

describe("SigV4: malformed and missing authentication", () => {
  const headersOnly = (headers: Record<string, string>): SigV4Request => ({
    method: "POST",
    path: "/",
    query: "",
    headers: { host: "h", ...headers },
    body: "{}",
  });

  test("no authentication at all", async () => {
    assert.deepEqual(await verifierAt(SIGNED_AT).verify(headersOnly({})), {
      ok: false,
      code: "MissingAuthenticationTokenException",
      message: "Request is missing Authentication Token",
    });
  });

  test("a non-SigV4 Authorization header", async () => {
    const result = await verifierAt(SIGNED_AT).verify(headersOnly({ authorization: "Bearer" }));
    assert.deepEqual(result, {
      ok: false,
      code: "IncompleteSignatureException",
      message:
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of " +
        "either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer",
    });
  });

  test("missing equal sign", async () => {
    const auth = `AWS4-HMAC-SHA256 Credential=${AKID} /20240506/us-east-1/states/aws4_request, SignedHeaders=host, Signature=00`;
    const result = await verifierAt(SIGNED_AT).verify(
      headersOnly({ authorization: auth, "x-amz-date": "20240506T070809Z" }),
    );
    assert.equal(
      !result.ok && result.message,
      `'/20240506/us-east-1/states/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '${auth}'.`,
    );
  });

  test("malformed credential, date, terminator, unsigned host and headers", async () => {
    const v = verifierAt(SIGNED_AT);
    const auth = (credential: string, signed = "host;x-amz-date") =>
      `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signed}, Signature=${"0".repeat(64)}`;
    const check = async (headers: Record<string, string>, code: string, pattern: RegExp) => {
      const result = await v.verify(headersOnly(headers));
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.code, code);
      assert.match(result.message, pattern);
    };
    const date = { "x-amz-date": "20240506T070809Z" };
    await check(
      { authorization: auth(`${AKID}/20240506/us-east-1/states`), ...date },
      "IncompleteSignatureException",
      /mal-formed/,
    );
    await check(
      {
        authorization: auth(`${AKID}/20240506/us-east-1/states/aws4_request`),
        "x-amz-date": "2024-05-06T07:08:09Z",
      },
      "IncompleteSignatureException",
      /^Date must be in ISO-8601 'basic format'/,
    );
    await check(
      {
        authorization: auth(`${AKID}/20240506/us-east-1/states/aws4_request`),
        "x-amz-date": "20240231T070809Z",
      },
      "IncompleteSignatureException",
      /basic format/,
    );
    await check(
      { authorization: auth(`${AKID}/20240506/us-east-1/states/aws5_request`), ...date },
      "InvalidSignatureException",
      /valid terminator: 'aws4_request', not 'aws5_request'/,
    );
    await check(
      {
        authorization: auth(`${AKID}/20240506/us-east-1/states/aws4_request`, "x-amz-date"),
        ...date,
      },
      "InvalidSignatureException",
      /'Host' or ':authority' must be a 'SignedHeader'/,
    );
    await check(
      {
        authorization: auth(`${AKID}/20240506/us-east-1/states/aws4_request`),
        ...date,
        "x-amz-target": "AWSStepFunctions.StopExecution",
      },
      "InvalidSignatureException",
      /not signed: x-amz-target$/,
    );
    await check(
      {
        authorization: "AWS4-ECDSA-P256-SHA256 Credential=a, SignedHeaders=host, Signature=0",
        ...date,
      },
      "IncompleteSignatureException",
      /Unsupported AWS 'algorithm'/,
    );
  });

  test("both header and query-string signatures", async () => {
    const signed = await sign(sfnCall("{}"));
    const result = await verifierAt(SIGNED_AT).verify({
      ...signed,
      query: "X-Amz-Algorithm=AWS4-HMAC-SHA256",
    });
    assert.equal(!result.ok && result.message.startsWith("Only one auth mechanism allowed"), true);
  });

  test("a Date header instead of X-Amz-Date (HTTP date format)", async () => {
    // Hand-signed: the signers always add X-Amz-Date, but AWS also accepts a Date header.
    const { canonicalRequest, stringToSign } = await import("../../src/auth/sigv4/canonical.js");
    const { deriveSigningKey, hmacSha256 } = await import("../../src/auth/sigv4/signing-key.js");
    const headers = { host: "h", date: "Mon, 06 May 2024 07:08:09 GMT" };
    const canonical = canonicalRequest({
      method: "GET",
      rawPath: "/",
      query: [],
      headers,
      signedHeaders: ["date", "host"],
      payloadHash: createHash("sha256").update("").digest("hex"),
    });
    const scope = "20240506/us-east-1/states/aws4_request";
    const signature = hmacSha256(
      deriveSigningKey(SECRET, "20240506", "us-east-1", "states"),
      stringToSign("20240506T070809Z", scope, canonical),
    ).toString("hex");
    const authorization = `AWS4-HMAC-SHA256 Credential=${AKID}/${scope}, SignedHeaders=date;host, Signature=${signature}`;
    const result = await verifierAt(SIGNED_AT).verify({
      method: "GET",
      path: "/",
      query: "",
      headers: { ...headers, authorization },
      body: "",
    });
    assert.equal(result.ok, true, JSON.stringify(result));
  });
});

describe("SigV4: presigned URLs", () => {
  const req = {
    method: "GET",
    path: "/download/a%20file",
    query: { versionId: "3", "x y": "z/w" },
  };

  test("a presigned request verifies until it expires", async () => {
    const signed = await presign(req, 300);
    assert.equal(signed.headers.authorization, undefined);
    const ok = await verifierAt(at(299_000)).verify(signed);
    assert.equal(ok.ok && ok.presigned, true, JSON.stringify(ok));
    const expired = await verifierAt(at(301_000)).verify(signed);
    assert.equal(!expired.ok && expired.code, "InvalidSignatureException");
    assert.match(
      !expired.ok ? expired.message : "",
      /^Signature expired: 20240506T070809Z expired at 20240506T071309Z/,
    );
  });

  test("tampering a presigned URL fails", async () => {
    const signed = await presign(req, 300);
    for (const bad of [
      { ...signed, query: signed.query.replace("versionId=3", "versionId=4") },
      { ...signed, query: signed.query.replace("X-Amz-Expires=300", "X-Amz-Expires=900") },
      { ...signed, path: "/download/b%20file" },
      { ...signed, method: "DELETE" },
    ]) {
      const result = await verifierAt(SIGNED_AT).verify(bad);
      assert.equal(result.ok, false, bad.query);
    }
  });

  test("incomplete query auth and bad expiry", async () => {
    const signed = await presign(req, 300);
    const noDate = signed.query.replace(/X-Amz-Date=[^&]*&?/, "");
    const r1 = await verifierAt(SIGNED_AT).verify({ ...signed, query: noDate });
    assert.equal(!r1.ok && r1.code, "IncompleteSignatureException");
    const tooLong = signed.query.replace("X-Amz-Expires=300", "X-Amz-Expires=604801");
    const r2 = await verifierAt(SIGNED_AT).verify({ ...signed, query: tooLong });
    assert.equal(!r2.ok && r2.message.startsWith("X-Amz-Expires must be"), true);
  });
});

describe("SigV4 canonical helpers", () => {
  test("paths are normalised and encoded twice", () => {
    assert.equal(canonicalPath("/"), "/");
    assert.equal(canonicalPath(""), "");
    assert.equal(canonicalPath("/a%20b"), "/a%2520b");
    assert.equal(canonicalPath("/a/./b/../c//d/"), "/a/c/d/");
    assert.equal(canonicalPath("/\uD800x"), "/%EF%BF%BDx", "lone surrogate does not throw");
  });

  test("query parameters are decoded, re-encoded and sorted by name then value", () => {
    assert.equal(canonicalQuery(parseQuery("b=2&a=2&a=1&c&d=%2B+")), "a=1&a=2&b=2&c=&d=%2B%2B");
    assert.equal(canonicalQuery(parseQuery("x=%zz")), "x=%25zz");
  });

  test("header values are trimmed and folded; repeated headers join with commas", () => {
    assert.equal(canonicalHeaderValue("  a   b\t\tc  "), "a b c");
    assert.equal(canonicalHeaderValue(["a ", " b  c"]), "a,b c");
    assert.equal(canonicalHeaderValue("line\r\n continued"), "line continued");
  });
});
