/**
 * Refused authentication attempts are rate limited per source address, on a real server
 * process: a client hammering the AWS endpoint with a wrong secret (or an unknown key), or the
 * REST API with an unknown bearer token, is answered ThrottlingException (AWS, 400) or 429
 * (REST) once its address is over the limit, and writes a bounded number of audit rows (one
 * per refused attempt under the limit, one per throttling episode over it). A good credential
 * from the same address (every test request comes from 127.0.0.1) is not slowed at all: only
 * failing attempts take from the address's bucket.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ListStateMachinesCommand, SFNClient } from "@aws-sdk/client-sfn";
import { DEFAULT_FAILURE_LIMIT } from "../../src/auth/rate-limit.js";
import { type Answer, awsAs, restAs, send } from "./auth-helpers.js";
import { ADMIN, rest, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";

const FLOOD = 200;
const WRONG_SECRET = { accessKeyId: ADMIN.accessKeyId, secretAccessKey: "x".repeat(40) };
const UNKNOWN_KEY = { accessKeyId: "AKIAOPSFLOWNOSUCHKEY", secretAccessKey: "y".repeat(40) };

/**
 * The most audit rows a flood lasting `ms` may write: the burst of refused attempts, plus,
 * per second of refill, one more refused attempt and one more throttling episode.
 */
const maxRows = (ms: number) =>
  DEFAULT_FAILURE_LIMIT.burst +
  2 * Math.ceil((ms / 1000) * DEFAULT_FAILURE_LIMIT.requestsPerSecond) +
  2;

/** Audit events of `action` since `since` (newest first). */
async function auditSince(server: ServerProcess, action: string, since: number) {
  const query = `action=${action}&startTime=${new Date(since).toISOString()}&limit=1000`;
  const page = await rest(server.url, "GET", `/v1/audit/events?${query}`);
  assert.equal(page.status, 200, JSON.stringify(page.body));
  return page.body.items as { errorCode?: string; outcome: string; sourceIp?: string }[];
}

/** The error code of an AWS answer (`__type` without its namespace). */
const awsCode = (answer: Answer | undefined) => String(answer?.json?.__type).split("#").pop();
const count = (answers: Answer[], code: string) =>
  answers.filter((a) => awsCode(a) === code).length;

describe("AWS endpoint: refused signatures and keys", () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess();
  });
  after(async () => {
    await server?.stop();
  });

  test("200 bad-signature requests: ThrottlingException after the limit, bounded audit rows", async () => {
    const since = Date.now() - 1;
    const answers: Answer[] = [];
    for (let i = 0; i < FLOOD; i++)
      answers.push(await awsAs(server.url, WRONG_SECRET, "states", "ListStateMachines"));
    const elapsed = Date.now() - since;

    for (const answer of answers) assert.equal(answer.status, 400, answer.text);
    const refused = count(answers, "InvalidSignatureException");
    const throttled = count(answers, "ThrottlingException");
    assert.equal(refused + throttled, FLOOD, "every answer is one or the other");
    assert.ok(
      refused >= DEFAULT_FAILURE_LIMIT.burst,
      `the burst is answered as it was: ${refused}`,
    );
    assert.ok(refused <= maxRows(elapsed), `${refused} refused in ${elapsed} ms`);
    assert.ok(throttled > 0);
    assert.equal(awsCode(answers[0]), "InvalidSignatureException");
    assert.equal(awsCode(answers.at(-1)), "ThrottlingException");
    assert.match(answers.at(-1)?.json.message, /Rate exceeded for refused authentication/);

    const events = await auditSince(server, "states:ListStateMachines", since);
    assert.ok(events.length <= maxRows(elapsed), `${events.length} audit rows for ${FLOOD}`);
    assert.equal(
      events.filter((e) => e.errorCode === "InvalidSignatureException").length,
      refused,
      "each refused attempt under the limit is audited",
    );
    const episodes = events.filter((e) => e.errorCode === "ThrottlingException");
    assert.ok(episodes.length >= 1 && episodes.length < throttled, `${episodes.length} episodes`);
    assert.equal(episodes[0].outcome, "Denied");
    assert.equal(episodes[0].sourceIp, "127.0.0.1");
  });

  test("the address stays throttled for unknown keys too; the SDK raises ThrottlingException", async () => {
    // The bucket refills at 1/s of wall clock: on a slow machine a refused attempt or two may
    // come before the throttled answer.
    let unknown = await awsAs(server.url, UNKNOWN_KEY, "states", "ListStateMachines");
    for (let i = 0; i < 10 && awsCode(unknown) !== "ThrottlingException"; i++) {
      assert.equal(awsCode(unknown), "UnrecognizedClientException");
      unknown = await awsAs(server.url, UNKNOWN_KEY, "states", "ListStateMachines");
    }
    assert.equal(awsCode(unknown), "ThrottlingException");
    const sdk = new SFNClient({
      ...sdkConfig(server.url),
      credentials: WRONG_SECRET,
      maxAttempts: 1,
    });
    try {
      await assert.rejects(sdk.send(new ListStateMachinesCommand({})), {
        name: "ThrottlingException",
      });
    } finally {
      sdk.destroy();
    }
  });

  test("a good credential from the same address is unaffected", async () => {
    const sdk = new SFNClient({ ...sdkConfig(server.url), maxAttempts: 1 });
    try {
      // A few only: the address's bucket refills at 1/s on the wall clock, and the failing
      // client below must still find it empty.
      for (let i = 0; i < 5; i++) {
        const listed = await sdk.send(new ListStateMachinesCommand({}));
        assert.ok(Array.isArray(listed.stateMachines));
      }
    } finally {
      sdk.destroy();
    }
    const good = await awsAs(server.url, ADMIN, "states", "ListStateMachines");
    assert.equal(good.status, 200, good.text);
    // ... and the failing client is still throttled: the bucket refills at 1/s of wall clock,
    // so on a slow machine a refused attempt or two may come first.
    let bad = await awsAs(server.url, WRONG_SECRET, "states", "ListStateMachines");
    for (let i = 0; i < 10 && awsCode(bad) !== "ThrottlingException"; i++) {
      assert.equal(awsCode(bad), "InvalidSignatureException");
      bad = await awsAs(server.url, WRONG_SECRET, "states", "ListStateMachines");
    }
    assert.equal(awsCode(bad), "ThrottlingException");
  });

  test("an unsigned request presents no credential: refused as before, never throttled", async () => {
    const unsigned = await send(
      server.url,
      "POST",
      "/",
      {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "AWSStepFunctions.ListStateMachines",
      },
      "{}",
    );
    assert.equal(awsCode(unsigned), "MissingAuthenticationTokenException");
  });
});

describe("REST API: refused bearer tokens", () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess();
  });
  after(async () => {
    await server?.stop();
  });

  test("200 requests with an unknown token: 429 after the limit, bounded audit rows", async () => {
    const since = Date.now() - 1;
    const answers: Answer[] = [];
    for (let i = 0; i < FLOOD; i++)
      answers.push(await restAs(server.url, "opsf_nosuchtoken", "GET", "/v1/state-machines"));
    const elapsed = Date.now() - since;

    const refused = answers.filter((a) => a.status === 401).length;
    const throttled = answers.filter((a) => a.status === 429);
    assert.equal(refused + throttled.length, FLOOD);
    assert.ok(refused >= DEFAULT_FAILURE_LIMIT.burst, `${refused} refused`);
    assert.ok(refused <= maxRows(elapsed), `${refused} refused in ${elapsed} ms`);
    assert.ok(throttled.length > 0);
    assert.equal(throttled[0].json.error.code, "ThrottlingException");
    assert.match(String(throttled[0].headers["retry-after"]), /^\d+$/);

    const events = await auditSince(server, "states:ListStateMachines", since);
    assert.ok(events.length <= maxRows(elapsed), `${events.length} audit rows for ${FLOOD}`);
    assert.equal(events.filter((e) => e.errorCode === "Unauthorized").length, refused);
    const episodes = events.filter((e) => e.errorCode === "ThrottlingException");
    assert.ok(episodes.length >= 1 && episodes.length < throttled.length);
  });

  test("a good token from the same address is unaffected; no token at all is still 401", async () => {
    for (let i = 0; i < 20; i++) {
      const good = await restAs(server.url, ADMIN.token, "GET", "/v1/state-machines");
      assert.equal(good.status, 200, good.text);
    }
    const anonymous = await restAs(server.url, undefined, "GET", "/v1/state-machines");
    assert.equal(anonymous.status, 401);
    const bad = await restAs(server.url, "opsf_nosuchtoken", "GET", "/v1/state-machines");
    assert.equal(bad.status, 429);
  });
});
