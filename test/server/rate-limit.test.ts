/**
 * Rate limits per credential on an in-process server with an adjustable clock: a token's
 * bucket runs dry (REST 429 with Retry-After), an access key's too (the SDK's
 * ThrottlingException, retries off), each credential has its own bucket, time refills it,
 * a per-user limit overrides the default, and a throttling episode is audited once.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ListStateMachinesCommand, SFNClient } from "@aws-sdk/client-sfn";
import { parseRateLimit } from "../../src/auth/rate-limit.js";
import { type RunningServer, startServer } from "../../src/server/compose.js";
import { AdjustableClock, call, serverConfig } from "../ops/helpers.js";
import { makeUser } from "./auth-helpers.js";
import { withTestDatabase } from "./harness.js";

const clock = new AdjustableClock();
let server: RunningServer;

before(async () => {
  server = await startServer(
    await withTestDatabase(
      serverConfig({
        clock,
        rateLimit: {
          requestsPerSecond: 1,
          burst: 3,
          perUser: {
            admin: { requestsPerSecond: 1000, burst: 1000 },
            robot: { requestsPerSecond: 1, burst: 10 },
          },
        },
      }),
    ),
  );
});
after(async () => {
  await server?.close();
});

test("a token's bucket runs dry: 429 with Retry-After, refilled by time, audited once per episode", async () => {
  const limited = await makeUser(server.url, "limited", ["viewer"]);
  const list = () => call(server.url, "GET", "/v1/state-machines", undefined, limited.token);
  for (let i = 0; i < 3; i++) assert.equal((await list()).status, 200);
  const refused = await fetch(`${server.url}/v1/state-machines`, {
    headers: { authorization: `Bearer ${limited.token}` },
  });
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get("retry-after"), "1");
  const body = (await refused.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, "ThrottlingException");
  for (let i = 0; i < 5; i++) assert.equal((await list()).status, 429);

  clock.advance(1000);
  assert.equal((await list()).status, 200);
  assert.equal((await list()).status, 429);

  const events = await call(server.url, "GET", "/v1/audit/events?user=limited&limit=1000");
  const throttled = events.body.items.filter(
    (e: { errorCode?: string }) => e.errorCode === "ThrottlingException",
  );
  // Two episodes (before and after the refill), however many refusals each had.
  assert.equal(throttled.length, 2);
  assert.equal(throttled[0].outcome, "Denied");
  assert.equal(throttled[0].credentialKind, "token");
});

test("an access key has its own bucket: the SDK gets ThrottlingException", async () => {
  const keyed = await makeUser(server.url, "keyed", ["viewer"]);
  // The token's bucket is spent; the key's is not.
  for (let i = 0; i < 4; i++)
    await call(server.url, "GET", "/v1/state-machines", undefined, keyed.token);
  const sfn = new SFNClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: keyed.key,
    maxAttempts: 1,
  });
  for (let i = 0; i < 3; i++) await sfn.send(new ListStateMachinesCommand({}));
  await assert.rejects(sfn.send(new ListStateMachinesCommand({})), (error: Error) => {
    assert.equal(error.name, "ThrottlingException");
    assert.equal(
      (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
      400,
    );
    assert.match(error.message, /Rate exceeded/);
    return true;
  });
});

test("a per-user limit overrides the default", async () => {
  const robot = await makeUser(server.url, "robot", ["viewer"]);
  for (let i = 0; i < 10; i++)
    assert.equal(
      (await call(server.url, "GET", "/v1/state-machines", undefined, robot.token)).status,
      200,
    );
  assert.equal(
    (await call(server.url, "GET", "/v1/state-machines", undefined, robot.token)).status,
    429,
  );
});

test("OPSFLOW_RATE_LIMIT: RPS, RPS/BURST or off; anything else is refused", () => {
  assert.deepEqual(parseRateLimit("50"), { requestsPerSecond: 50, burst: 100 });
  assert.deepEqual(parseRateLimit("5/20"), { requestsPerSecond: 5, burst: 20 });
  assert.equal(parseRateLimit("off"), false);
  for (const bad of ["", "fast", "0", "5/0", "-1/3"]) assert.equal(parseRateLimit(bad), undefined);
});
