/**
 * Team quotas on an in-process server with an adjustable clock: concurrent starts never
 * exceed the concurrency quota (exactly the quota starts, the rest leave no trace), a slot
 * comes back when an execution ends (stopped, succeeded, failed), the per-day quota rolls over
 * at the UTC day's end by the injected clock, named units come from the machine's tags, a
 * redrive takes a slot again, and the error has the AWS shape on the SDK and a typed 429 on
 * REST.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ExecutionLimitExceeded,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import type { RunningServer } from "../../src/server/compose.js";
import { AdjustableClock, call, finished, startOpsServer, until } from "../ops/helpers.js";
import { makeUser } from "./auth-helpers.js";

const clock = new AdjustableClock();
let server: RunningServer;
const HOLD = { StartAt: "W", States: { W: { Type: "Wait", Seconds: 3600, End: true } } };
const QUICK = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };
const FAIL = { StartAt: "F", States: { F: { Type: "Fail", Error: "Boom", Cause: "test" } } };

before(async () => {
  server = await startOpsServer(clock, {});
});
after(async () => {
  await server?.close();
});

const machineArn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;

async function machine(name: string, definition: object, tags?: Record<string, string>) {
  const created = await call(server.url, "POST", "/v1/state-machines", {
    name,
    definition,
    ...(tags && { tags }),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
}

/** A team with `quotas` and an operator in it; answers an SDK client of that operator. */
async function team(name: string, quotas: object) {
  const created = await call(server.url, "POST", "/v1/teams", { name, quotas });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const user = await makeUser(server.url, `${name}-op`, ["operator"]);
  assert.equal(
    (await call(server.url, "PUT", `/v1/teams/${name}/members/${user.name}`)).status,
    204,
  );
  const sfn = new SFNClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: user.key,
    maxAttempts: 1,
  });
  return { user, sfn };
}

const usage = async (name: string) => {
  const answer = await call(server.url, "GET", `/v1/teams/${name}/usage`);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
};

const executionsOf = async (sfn: SFNClient, name: string) =>
  (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn(name) }))).executions ??
  [];

describe("team quotas", () => {
  test("many concurrent starts over the concurrency quota: exactly the quota starts, the rest leave nothing", async () => {
    await machine("hold-blue", HOLD);
    const { sfn } = await team("blue", { concurrentExecutions: 3 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        sfn.send(
          new StartExecutionCommand({ stateMachineArn: machineArn("hold-blue"), name: `e${i}` }),
        ),
      ),
    );
    const started = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter((o) => o.status === "rejected");
    assert.equal(started.length, 3);
    assert.equal(refused.length, 37);
    for (const outcome of refused) {
      const error = (outcome as PromiseRejectedResult).reason;
      assert.ok(error instanceof ExecutionLimitExceeded, String(error));
      assert.equal(error.name, "ExecutionLimitExceeded");
      assert.equal(error.$metadata.httpStatusCode, 400);
      assert.match(error.message, /^Team blue is over its concurrentExecutions quota: 3 of 3/);
    }
    // Nothing of a refused start remains: no execution, no history.
    const listed = await executionsOf(sfn, "hold-blue");
    assert.equal(listed.length, 3);
    const refusedName = Array.from({ length: 40 }, (_, i) => `e${i}`).find(
      (n) => !listed.some((e) => e.name === n),
    );
    const ghost = `arn:aws:states:us-east-1:123456789012:execution:hold-blue:${refusedName}`;
    assert.equal((await server.store.getExecution(ghost)) === undefined, true);
    assert.deepEqual(
      (await server.store.getHistory(ghost, { page: { limit: 10 }, reverse: false })).items,
      [],
    );
    const used = await usage("blue");
    assert.equal(used.runningExecutions, 3);
    assert.equal(used.executionsToday, 3);
    assert.deepEqual(used.quotas, { concurrentExecutions: 3 });
  });

  test("a slot comes back when an execution ends: stopped, succeeded or failed; a redrive takes one again", async () => {
    await machine("hold-green", HOLD);
    await machine("quick-green", QUICK);
    await machine("fail-green", FAIL);
    const { sfn, user } = await team("green", { concurrentExecutions: 2 });
    const hold = (name: string) =>
      sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn("hold-green"), name }));
    const first = await hold("h1");
    await hold("h2");
    await assert.rejects(hold("h3"), ExecutionLimitExceeded);

    // REST: a typed 429 naming the quota.
    const rest = await call(
      server.url,
      "POST",
      "/v1/state-machines/quick-green/executions",
      {},
      user.token,
    );
    assert.equal(rest.status, 429, JSON.stringify(rest.body));
    assert.equal(rest.body.error.code, "ExecutionLimitExceeded");
    assert.deepEqual(rest.body.error.details, {
      team: "green",
      quota: "concurrentExecutions",
      limit: 2,
      used: 2,
      requested: 1,
    });

    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
    assert.equal((await usage("green")).runningExecutions, 1);
    // A quick one runs to the end (SUCCEEDED) and gives its slot back; so does a failing one.
    const quick = await call(
      server.url,
      "POST",
      "/v1/state-machines/quick-green/executions",
      {},
      user.token,
    );
    assert.equal(quick.status, 201, JSON.stringify(quick.body));
    assert.equal((await finished(server.url, quick.body.executionArn)).status, "SUCCEEDED");
    const failing = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machineArn("fail-green") }),
    );
    assert.equal((await finished(server.url, failing.executionArn as string)).status, "FAILED");
    await until(async () => ((await usage("green")).runningExecutions === 1 ? true : undefined));
    await hold("h4");
    await assert.rejects(hold("h5"), ExecutionLimitExceeded);

    // Redriving the failed one would be a third running execution: refused, it stays FAILED.
    await assert.rejects(
      sfn.send(new RedriveExecutionCommand({ executionArn: failing.executionArn })),
      ExecutionLimitExceeded,
    );
    assert.equal(
      (await server.store.getExecution(failing.executionArn as string))?.status,
      "FAILED",
    );
  });

  test("a timed-out execution gives its slot back", async () => {
    await machine("slow-teal", { ...HOLD, TimeoutSeconds: 60 });
    const { user } = await team("teal", { concurrentExecutions: 1 });
    const start = () =>
      call(server.url, "POST", "/v1/state-machines/slow-teal/executions", {}, user.token);
    const first = await start();
    assert.equal(first.status, 201);
    assert.equal((await start()).status, 429);
    clock.advance(61_000);
    assert.equal((await finished(server.url, first.body.executionArn)).status, "TIMED_OUT");
    assert.equal((await start()).status, 201);
  });

  test("two concurrent redrives for the last slot: exactly one runs again", async () => {
    await machine("slow-amber", { ...HOLD, TimeoutSeconds: 60 });
    const { sfn } = await team("amber", { concurrentExecutions: 2 });
    const started = await Promise.all(
      ["a1", "a2"].map((name) =>
        sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn("slow-amber"), name })),
      ),
    );
    clock.advance(61_000);
    for (const { executionArn } of started)
      assert.equal((await finished(server.url, executionArn as string)).status, "TIMED_OUT");
    const lowered = await call(server.url, "PUT", "/v1/teams/amber/quotas", {
      concurrentExecutions: 1,
    });
    assert.equal(lowered.status, 200, JSON.stringify(lowered.body));
    const outcomes = await Promise.allSettled(
      started.map(({ executionArn }) => sfn.send(new RedriveExecutionCommand({ executionArn }))),
    );
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ["fulfilled", "rejected"]);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    assert.ok(refused.reason instanceof ExecutionLimitExceeded, String(refused.reason));
    // Only the admitted one was redriven (it may have timed out again since: its execution
    // timeout counts from the first start).
    const counts = await Promise.all(
      started.map(
        async ({ executionArn }) =>
          (await server.store.getExecution(executionArn as string))?.redriveCount,
      ),
    );
    assert.deepEqual(counts.sort(), [0, 1]);
  });

  test("the per-day quota counts starts of the UTC day and rolls over at its end", async () => {
    await machine("quick-red", QUICK);
    const { user } = await team("red", { executionsPerDay: 2 });
    const start = () =>
      call(server.url, "POST", "/v1/state-machines/quick-red/executions", {}, user.token);
    assert.equal((await start()).status, 201);
    assert.equal((await start()).status, 201);
    const refused = await start();
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.details.quota, "executionsPerDay");
    assert.match(refused.body.error.message, /Team red is over its executionsPerDay quota: 2 of 2/);
    const today = (await usage("red")).day;
    assert.equal(refused.body.error.details.day, today);
    // Fast-forward to one second after the next UTC midnight.
    const midnight = Date.parse(`${today}T00:00:00Z`) + 86_400_000;
    clock.advance(midnight - clock.now() + 1000);
    assert.equal((await start()).status, 201);
    const next = await usage("red");
    assert.notEqual(next.day, today);
    assert.equal(next.executionsToday, 1);
  });

  test("a deleted user's membership goes with it: a new user of the same name is not charged", async () => {
    await machine("quick-lime", QUICK);
    const { user } = await team("lime", { executionsPerDay: 0 });
    const start = (token: string) =>
      call(server.url, "POST", "/v1/state-machines/quick-lime/executions", {}, token);
    assert.equal((await start(user.token)).status, 429);
    assert.equal((await call(server.url, "DELETE", `/v1/users/${user.name}`)).status, 204);
    const again = await makeUser(server.url, user.name, ["operator"]);
    assert.equal((await start(again.token)).status, 201);
  });

  test("units come from the machine's tags; the machine's team tag charges starts of callers without a team", async () => {
    await machine("provision", QUICK, {
      "opsflow:units:provisioning-cost": "5",
      "opsflow:team": "purple",
    });
    const { user } = await team("purple", { units: { "provisioning-cost": 12 } });
    const start = (token?: string) =>
      call(server.url, "POST", "/v1/state-machines/provision/executions", {}, token);
    assert.equal((await start(user.token)).status, 201);
    // The admin has no team: the machine's tag charges purple.
    assert.equal((await start()).status, 201);
    const refused = await start(user.token);
    assert.equal(refused.status, 429);
    assert.deepEqual(
      { ...refused.body.error.details, day: undefined },
      {
        team: "purple",
        quota: "units:provisioning-cost",
        limit: 12,
        used: 10,
        requested: 5,
        day: undefined,
      },
    );
    const used = await usage("purple");
    assert.deepEqual(used.unitsToday, { "provisioning-cost": 10 });
    assert.equal(used.executionsToday, 2);
    // More units: room again, changed through the API.
    const raised = await call(server.url, "PUT", "/v1/teams/purple/quotas", {
      units: { "provisioning-cost": 15 },
    });
    assert.equal(raised.status, 200);
    assert.equal((await start(user.token)).status, 201);
    assert.equal((await start(user.token)).status, 429);
  });

  test("a bad unit tag and bad quotas are refused with a located error", async () => {
    await machine("bad-units", QUICK, { "opsflow:units:cost": "lots" });
    await call(server.url, "POST", "/v1/teams", { name: "orange" });
    await call(server.url, "PUT", "/v1/teams/orange/members/admin");
    const refused = await call(server.url, "POST", "/v1/state-machines/bad-units/executions", {});
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /opsflow:units:cost=lots/);
    const badQuota = await call(server.url, "PUT", "/v1/teams/orange/quotas", {
      concurrentExecutions: -1,
    });
    assert.equal(badQuota.status, 400);
    assert.equal((await call(server.url, "DELETE", "/v1/teams/orange")).status, 204);
    // With the team gone, the admin is in no team again.
    assert.equal(
      (await call(server.url, "POST", "/v1/state-machines/hold-blue/executions", {})).status,
      201,
    );
  });
});
