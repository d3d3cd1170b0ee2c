/**
 * Scheduled rules with an injected clock (no sleeping): they fire at their next fire time,
 * a fire is recorded with the event so a restart neither repeats nor skips it, missed fires
 * are coalesced, and disabled rules do not fire.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Clock } from "../../src/kernel/clock.js";
import type { Store } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { manualClock, startBus } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-schedule-"));
after(() => rmSync(root, { recursive: true, force: true }));

const T0 = Date.parse("2030-01-01T00:00:30Z");
const MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:tick";

const bus = (store: Store, clock: Clock) => startBus(store, clock);

async function firedEvents(store: Store, now: number) {
  const claimed = await store.claimDeliveries("test", now, 60_000, 100);
  for (const d of claimed) await store.settleDelivery(d.id, { kind: "delivered" }, now);
  return claimed.map((d) => JSON.parse(d.event.envelope));
}

test("a cron rule fires on time, once per fire time, across a restart", async () => {
  const path = join(root, "cron", "opsflow.db");
  const clock = manualClock(T0);
  let store = openSqliteStore({ path });
  await store.createStateMachine({
    arn: MACHINE,
    name: "tick",
    type: "STANDARD",
    definition: "{}",
    roleArn: "r",
    revisionId: "1",
    createdAt: T0,
    updatedAt: T0,
  });
  let service = await bus(store, clock);
  await service.putRule({ Name: "every-minute", ScheduleExpression: "cron(* * * * ? *)" });
  await service.putTargets("every-minute", undefined, [{ Id: "t", Arn: MACHINE }]);
  assert.equal(
    (await service.describeRule("every-minute")).nextFireAt,
    Date.parse("2030-01-01T00:01:00Z"),
  );
  assert.equal(await service.fireDueSchedules(), 0, "not due yet");
  clock.set(Date.parse("2030-01-01T00:01:00Z"));
  assert.equal(await service.fireDueSchedules(), 1);
  const [event] = await firedEvents(store, clock.now());
  assert.equal(event.source, "aws.events");
  assert.equal(event["detail-type"], "Scheduled Event");
  assert.equal(event.time, "2030-01-01T00:01:00Z");
  assert.deepEqual(event.resources, ["arn:aws:events:us-east-1:123456789012:rule/every-minute"]);
  assert.equal(await service.fireDueSchedules(), 0, "the same fire time is not fired twice");

  // Restart (a new store and service on the same file): the recorded fire is not repeated.
  await service.stop();
  await store.close();
  store = openSqliteStore({ path });
  service = await bus(store, clock);
  assert.equal(await service.fireDueSchedules(), 0);
  // Down for 5 minutes: the missed fires are coalesced into one, then the schedule goes on.
  clock.set(Date.parse("2030-01-01T00:06:10Z"));
  assert.equal(await service.fireDueSchedules(), 1);
  assert.equal((await firedEvents(store, clock.now())).length, 1);
  assert.equal(
    (await service.describeRule("every-minute")).nextFireAt,
    Date.parse("2030-01-01T00:07:00Z"),
  );

  // Disabled: no fire; re-enabled: starts again from now.
  await service.setRuleState("every-minute", undefined, "DISABLED");
  clock.set(Date.parse("2030-01-01T00:09:00Z"));
  assert.equal(await service.fireDueSchedules(), 0);
  await service.setRuleState("every-minute", undefined, "ENABLED");
  assert.equal(
    (await service.describeRule("every-minute")).nextFireAt,
    Date.parse("2030-01-01T00:10:00Z"),
  );
  await service.stop();
  await store.close();
});

test("a rate rule counts from its creation; a one-time at() fires once then never again", async () => {
  const clock = manualClock(T0);
  const store = openSqliteStore({ path: ":memory:" });
  const service = await bus(store, clock);
  await service.putRule({ Name: "five", ScheduleExpression: "rate(5 minutes)" });
  assert.equal((await service.describeRule("five")).nextFireAt, T0 + 5 * 60_000);
  await service.putRule({ Name: "once", ScheduleExpression: "at(2030-01-01T00:02:00)" });
  clock.set(Date.parse("2030-01-01T00:02:00Z"));
  assert.equal(await service.fireDueSchedules(), 1);
  assert.equal((await service.describeRule("once")).nextFireAt, undefined);
  clock.set(T0 + 5 * 60_000);
  assert.equal(await service.fireDueSchedules(), 1, "only the rate rule");
  await assert.rejects(
    service.putRule({ Name: "past", ScheduleExpression: "at(2020-01-01T00:00:00)" }),
    /never fires/,
  );
  await assert.rejects(
    service.putRule({ Name: "bad", ScheduleExpression: "cron(61 * * * ? *)" }),
    /ScheduleExpression is not valid/,
  );
  await service.stop();
  await store.close();
});
