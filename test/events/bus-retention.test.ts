/**
 * Retention of accepted events on a real SQLite file: the bus's own retention loop, on a
 * VirtualClock the test fast-forwards, deletes events whose deliveries have all finished once
 * they are older than the retention period, in small batches; an event with a delivery still
 * retrying (or held by a dead letter) stays, and so does a young one. Nothing sleeps.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import type { DeliveryPorts } from "../../src/events/bus/deliver.js";
import { DeliveryError } from "../../src/events/bus/errors.js";
import { EventBusService } from "../../src/events/bus/service.js";
import { VirtualClock } from "../../src/kernel/clock.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { manualClock, noDeliveries, startBus } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-retention-"));
after(() => rmSync(root, { recursive: true, force: true }));

const T0 = Date.parse("2030-01-01T00:00:00Z");
const DAY = 86_400_000;
const OK = "arn:aws:events:us-east-1:123456789012:event-bus/ok";
const FLAKY = "arn:aws:events:us-east-1:123456789012:event-bus/flaky";

/** Forwarding to `flaky` always fails in a way worth retrying; anything else is delivered. */
const ports: DeliveryPorts = {
  ...noDeliveries,
  async forwardToBus(bus) {
    if (bus === "flaky") throw new DeliveryError("SDK_CLIENT_ERROR", "try again later", true);
  },
};

/**
 * Reads the ids of the stored events through a second connection to the same file, opened
 * once (opening a connection to a WAL database takes a lock the store's writer would meet).
 */
function eventReader(path: string) {
  const db = new Database(path, { readonly: true });
  const ids = db.prepare("SELECT id FROM events ORDER BY id");
  return {
    ids: () => (ids.all() as { id: string }[]).map((row) => row.id),
    close: () => db.close(),
  };
}

/** Lets the loops run (and the virtual clock pump) until `done` holds; fails after many turns. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 20_000; turn++) {
    if (turn % 20 === 0 && done()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`never happened: ${what}`);
}

test("the retention loop deletes finished events a day old, in batches; a retrying one and a young one stay", async () => {
  const path = join(root, "loop", "opsflow.db");
  const clock = new VirtualClock(T0);
  const store = openSqliteStore({ path });
  const bus = new EventBusService({
    store,
    clock,
    ports,
    region: "us-east-1",
    account: "123456789012",
    eventRetentionBatchSize: 2,
  });
  await bus.start();
  const events = eventReader(path);
  const storedEvents = (_path: string) => events.ids();
  try {
    await bus.createEventBus("ok");
    await bus.createEventBus("flaky");
    await bus.putRule({ Name: "fine", EventPattern: '{"source":["fine"]}' });
    await bus.putTargets("fine", undefined, [{ Id: "ok", Arn: OK }]);
    await bus.putRule({ Name: "mixed", EventPattern: '{"source":["mixed"]}' });
    await bus.putTargets("mixed", undefined, [
      { Id: "ok", Arn: OK },
      { Id: "flaky", Arn: FLAKY, RetryPolicy: { MaximumRetryAttempts: 185 } },
    ]);
    const put = async (source: string) => {
      const result = await bus.putEvents([{ Source: source, DetailType: "t", Detail: "{}" }]);
      return (result.Entries[0] as { EventId: string }).EventId;
    };
    const fine: string[] = [];
    for (let n = 0; n < 5; n++) fine.push(await put("fine"));
    const mixed = await put("mixed");
    const all = [...fine, mixed].sort();
    await until(() => storedEvents(path).length === 6, "six events stored");
    // Delivered within the day: nothing is old enough yet.
    assert.ok(clock.now() < T0 + DAY);
    assert.deepEqual(storedEvents(path), all);

    clock.advance(DAY + 60_000);
    await until(() => storedEvents(path).length === 1, "the finished events pruned");
    assert.deepEqual(storedEvents(path), [mixed], "the event still owed a delivery stays");
    const young = await put("fine");
    clock.advance(DAY / 2);
    for (let turn = 0; turn < 200; turn++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(storedEvents(path), [mixed, young].sort(), "half a day old: kept");
  } finally {
    events.close();
    await bus.stop();
    await store.close();
  }
});

test("retention is configurable; an event held by a dead letter stays until it is redriven and delivered", async () => {
  const clock = manualClock(T0);
  const path = join(root, "dead", "opsflow.db");
  const store = openSqliteStore({ path });
  const bus = await startBus(store, clock, { eventRetentionMs: 3_600_000 });
  const events = eventReader(path);
  const storedEvents = (_path: string) => events.ids();
  await bus.createEventBus("ok");
  await bus.putRule({ Name: "fine", EventPattern: '{"source":["fine"]}' });
  await bus.putTargets("fine", undefined, [{ Id: "ok", Arn: OK }]);
  for (const n of [1, 2])
    await bus.putEvents([{ Source: "fine", DetailType: "t", Detail: JSON.stringify({ n }) }]);
  const [delivered, dead] = await store.claimDeliveries("test", T0, 60_000, 10);
  await store.settleDelivery(delivered.id, { kind: "delivered" }, T0);
  await store.settleDelivery(dead.id, { kind: "dead", errorCode: "X", errorMessage: "x" }, T0);

  clock.set(T0 + 3_600_000 - 1);
  assert.equal(await bus.pruneEvents(), 0, "not an hour old yet");
  clock.set(T0 + 3_600_000 + 1);
  assert.equal(await bus.pruneEvents(), 1, "the delivered one goes");
  assert.deepEqual(storedEvents(path), [dead.event.id]);
  const [letter] = (await bus.listDeadLetters({}, { limit: 10 })).items;
  assert.equal(JSON.parse(letter.event.envelope).detail.n, 2, "the dead letter still reads it");
  assert.equal(await bus.redriveDeadLetters([letter.id]), 1);
  assert.equal(await bus.pruneEvents(), 0, "redriven: pending again");
  const [again] = await store.claimDeliveries("test", clock.now(), 60_000, 10);
  assert.equal(again.event.id, dead.event.id);
  await store.settleDelivery(again.id, { kind: "delivered" }, clock.now());
  assert.equal(await bus.pruneEvents(), 1);
  assert.deepEqual(storedEvents(path), []);
  events.close();
  await bus.stop();
  await store.close();
});
