/**
 * Sign-in throttling on an in-process server with an adjustable clock: a user is locked out
 * after five failures, for twice as long after each further one, even with the right
 * password; the lockout is audited once; a TOTP code is good once; and an address that fails
 * for many users is locked out too.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { totpCode } from "../../src/auth/totp.js";
import type { RunningServer } from "../../src/server/compose.js";
import { AdjustableClock, call, startOpsServer } from "../ops/helpers.js";
import { makeUser, send } from "./auth-helpers.js";

const clock = new AdjustableClock();
let server: RunningServer;
const PASSWORD = "correct horse battery staple";

before(async () => {
  server = await startOpsServer(clock, {});
});
after(async () => {
  await server?.close();
});

const login = (body: object) =>
  send(
    server.url,
    "POST",
    "/v1/auth/login",
    { "content-type": "application/json" },
    JSON.stringify(body),
  );

test("five failures lock the user out, even with the right password; each next failure doubles the lock", async () => {
  await makeUser(server.url, "mia", ["viewer"], PASSWORD);
  for (let i = 0; i < 5; i++) {
    const wrong = await login({ user: "mia", password: "not the password" });
    assert.equal(wrong.status, 401);
  }
  const locked = await login({ user: "mia", password: PASSWORD });
  assert.equal(locked.status, 429);
  assert.equal(locked.json.error.code, "LoginThrottled");
  assert.equal(locked.headers["retry-after"], "30");
  for (let i = 0; i < 3; i++)
    assert.equal((await login({ user: "mia", password: PASSWORD })).status, 429);

  const events = await call(
    server.url,
    "GET",
    "/v1/audit/events?user=mia&action=auth:ConsoleLogin",
  );
  const codes = events.body.items.map((e: { errorCode?: string }) => e.errorCode ?? "Success");
  assert.deepEqual(codes, ["LoginThrottled", ...Array(5).fill("InvalidCredentials")]);
  assert.match(events.body.items[1].errorMessage, /locked for 30 s/);

  clock.advance(31_000);
  const wrongAgain = await login({ user: "mia", password: "still not it" });
  assert.equal(wrongAgain.status, 401);
  const longer = await login({ user: "mia", password: PASSWORD });
  assert.equal(longer.status, 429);
  assert.equal(longer.headers["retry-after"], "60");

  clock.advance(61_000);
  const ok = await login({ user: "mia", password: PASSWORD });
  assert.equal(ok.status, 200, ok.text);
  // A success clears the count: one more failure does not lock.
  assert.equal((await login({ user: "mia", password: "wrong" })).status, 401);
  assert.equal((await login({ user: "mia", password: PASSWORD })).status, 200);
});

test("a TOTP code is accepted once: a replay in its window is refused", async () => {
  await makeUser(server.url, "noa", ["viewer"], PASSWORD);
  const enabled = await call(server.url, "POST", "/v1/users/noa/totp");
  assert.equal(enabled.status, 201);
  const code = totpCode(enabled.body.secret, clock.now());
  const first = await login({ user: "noa", password: PASSWORD, totp: code });
  assert.equal(first.status, 200, first.text);
  const replay = await login({ user: "noa", password: PASSWORD, totp: code });
  assert.equal(replay.status, 401);
  assert.equal(replay.json.error.code, "TotpReused");
  // An older step's code (still inside the drift window) is refused too.
  const older = totpCode(enabled.body.secret, clock.now() - 30_000);
  if (older !== code)
    assert.equal(
      (await login({ user: "noa", password: PASSWORD, totp: older })).json.error.code,
      "TotpReused",
    );
  clock.advance(30_000);
  const next = totpCode(enabled.body.secret, clock.now());
  assert.equal((await login({ user: "noa", password: PASSWORD, totp: next })).status, 200);
  const events = await call(
    server.url,
    "GET",
    "/v1/audit/events?user=noa&action=auth:ConsoleLogin",
  );
  assert.ok(events.body.items.some((e: { errorCode?: string }) => e.errorCode === "TotpReused"));
});

test("an address failing for many users is locked out, whoever it claims to be", async () => {
  await makeUser(server.url, "ola", ["viewer"], PASSWORD);
  // Earlier tests failed 8 or 9 times from this address; 20 lock it.
  const answers: number[] = [];
  for (let i = 0; i < 12; i++)
    answers.push((await login({ user: `nobody-${i}`, password: "guess" })).status);
  assert.ok(
    answers.slice(0, 10).every((status) => status === 401),
    String(answers),
  );
  assert.equal(answers.at(-1), 429);
  const locked = await login({ user: "ola", password: PASSWORD });
  assert.equal(locked.status, 429);
  assert.match(locked.json.error.message, /for this address/);
  clock.advance(31_000);
  assert.equal((await login({ user: "ola", password: PASSWORD })).status, 200);
});
