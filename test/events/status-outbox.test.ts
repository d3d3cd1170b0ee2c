/**
 * The bus's publication of the status outbox on a real SQLite file: outbox events go through
 * normal ingestion under the id they were written with (and the time of their change), leave
 * the outbox as they are accepted, matched or not, and one the bus can never accept does not
 * hold back those after it. The delay crash tests use holds events back until old enough.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, beforeEach, test } from "node:test";
import { STATUS_DETAIL_TYPE, statusChangeEntry } from "../../src/events/bus/status-events.js";
import type { Store } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import type { NewExecution } from "../../src/store/workflows-port.js";
import { manualClock, startBus } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-status-outbox-"));
let files = 0;
after(() => rmSync(root, { recursive: true, force: true }));

const T0 = Date.parse("2030-01-01T00:00:00Z");
const PREFIX = "arn:aws:states:us-east-1:123456789012";
const FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:notify";

let store: Store;
beforeEach(() => {
  store = openSqliteStore({ path: join(root, `bus-${files++}`, "opsflow.db") });
});
afterEach(() => store.close());

/** Writes the outbox event of `name` reaching `status` at `at`, the way a start does. */
async function announce(name: string, status: "RUNNING" | "FAILED", at: number, detail = "{}") {
  const arn = `${PREFIX}:execution:M:${name}`;
  const change = {
    executionArn: arn,
    stateMachineArn: `${PREFIX}:stateMachine:M`,
    name,
    status,
    startDate: at,
    input: detail,
  };
  const execution: NewExecution = {
    record: {
      arn,
      stateMachineArn: change.stateMachineArn,
      name,
      status: "RUNNING",
      input: detail,
      definition: "{}",
      roleArn: "arn:aws:iam::123456789012:role/r",
      startedAt: at,
      redriveCount: 0,
    },
    state: "{}",
    events: [{ id: 1, previousEventId: 0, type: "ExecutionStarted", timestamp: at }],
    statusEvent: {
      id: `ev-${name}`,
      entry: JSON.stringify(statusChangeEntry(change, at)),
      createdAt: at,
    },
  };
  await store.startExecution(execution);
}

async function ruleOnFailures(bus: Awaited<ReturnType<typeof startBus>>) {
  await bus.putRule({
    Name: "on-failure",
    EventPattern: JSON.stringify({
      source: ["opsflow.states"],
      "detail-type": [STATUS_DETAIL_TYPE],
      detail: { status: ["FAILED"] },
    }),
  });
  await bus.putTargets("on-failure", undefined, [{ Id: "notify", Arn: FUNCTION }]);
}

test("outbox events are published under their own id and time, and leave the outbox matched or not", async () => {
  const clock = manualClock(T0 + 60_000);
  const bus = await startBus(store, clock);
  await ruleOnFailures(bus);
  await announce("ok", "RUNNING", T0);
  await announce("broken", "FAILED", T0 + 1000);

  assert.equal(await bus.publishStatusEvents(), 2);
  assert.deepEqual(await store.pendingStatusEvents(10), []);
  const deliveries = await store.claimDeliveries("d", T0 + 60_000, 30_000, 10);
  assert.equal(deliveries.length, 1, "only the FAILED event matched");
  const [delivery] = deliveries;
  assert.equal(delivery.event.id, "ev-broken");
  const envelope = JSON.parse(delivery.event.envelope);
  assert.equal(envelope.id, "ev-broken");
  assert.equal(envelope.time, "2030-01-01T00:00:01Z", "the change's time, not the publication's");
  assert.equal(envelope.detail.status, "FAILED");
  assert.equal(delivery.target.Arn, FUNCTION);
  assert.equal(await bus.publishStatusEvents(), 0);
});

test("an event the bus can never accept is logged and removed, and does not hold back the next", async () => {
  const lines: string[] = [];
  const clock = manualClock(T0);
  const bus = await startBus(store, clock, { log: (line) => lines.push(line) });
  await ruleOnFailures(bus);
  // Its input makes the entry larger than PutEvents takes (256 KB).
  await announce("huge", "FAILED", T0, JSON.stringify({ blob: "x".repeat(300_000) }));
  await announce("next", "FAILED", T0);

  assert.equal(await bus.publishStatusEvents(), 2);
  assert.deepEqual(await store.pendingStatusEvents(10), []);
  const deliveries = await store.claimDeliveries("d", T0, 30_000, 10);
  assert.deepEqual(
    deliveries.map((d) => d.event.id),
    ["ev-next"],
  );
  assert.ok(
    lines.some((line) => line.startsWith("status event ev-huge not published")),
    lines.join("\n"),
  );
});

test("a publication delay holds events back until they are that old, oldest first", async () => {
  const clock = manualClock(T0);
  const bus = await startBus(store, clock, { statusEventDelayMs: 10_000 });
  await ruleOnFailures(bus);
  await announce("first", "FAILED", T0);
  await announce("second", "FAILED", T0 + 5_000);

  clock.set(T0 + 9_999);
  assert.equal(await bus.publishStatusEvents(), 0);
  clock.set(T0 + 10_000);
  assert.equal(await bus.publishStatusEvents(), 1);
  assert.deepEqual(
    (await store.pendingStatusEvents(10)).map((e) => e.id),
    ["ev-second"],
  );
  clock.set(T0 + 15_000);
  assert.equal(await bus.publishStatusEvents(), 1);
  assert.deepEqual(await store.pendingStatusEvents(10), []);
});
