/**
 * Archives and replays on a real SQLite store with a clock that moves only when told: a replay
 * commits batch by batch and resumes at its cursor after a restart (every archived event
 * replayed exactly once), cancellation stops it between batches, a deleted archive fails it,
 * and retention purges exactly the expired events.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { EventBusService } from "../../src/events/bus/service.js";
import type { Clock } from "../../src/kernel/clock.js";
import type { Store } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { manualClock, startBus } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-archive-"));
after(() => rmSync(root, { recursive: true, force: true }));

const T0 = Date.parse("2030-01-01T00:00:00Z");
const DAY = 86_400_000;
const BUS = "arn:aws:events:us-east-1:123456789012:event-bus/default";
const ARCHIVE = "arn:aws:events:us-east-1:123456789012:archive/all";
const TARGET = { Id: "t", Arn: "arn:aws:events:us-east-1:123456789012:event-bus/sink" };

const bus = (store: Store, clock: Clock) => startBus(store, clock, { replayBatchSize: 2 });

/** Takes every due delivery out of the queue; returns their events. */
async function drain(store: Store, now: number) {
  const claimed = await store.claimDeliveries("test", now, 60_000, 1000);
  for (const d of claimed) await store.settleDelivery(d.id, { kind: "delivered" }, now);
  return claimed.map((d) => JSON.parse(d.event.envelope));
}

/** A bus with a `sink` bus, a rule to it, an archive of everything and `count` events. */
async function setUp(path: string, clock: Clock & { set(ms: number): void }, count: number) {
  const store = openSqliteStore({ path });
  const service = await bus(store, clock);
  await service.createEventBus("sink");
  await service.putRule({ Name: "r", EventPattern: '{"source":["app"]}' });
  await service.putTargets("r", undefined, [TARGET]);
  await service.archives.create({ ArchiveName: "all", EventSourceArn: BUS });
  for (let n = 0; n < count; n++) {
    clock.set(T0 + n * 1000);
    await service.putEvents([{ Source: "app", DetailType: "t", Detail: JSON.stringify({ n }) }]);
  }
  assert.equal((await drain(store, T0 + count * 1000)).length, count, "the original deliveries");
  return { store, service };
}

const replay = (service: EventBusService, name: string) =>
  service.replays.start({
    ReplayName: name,
    EventSourceArn: ARCHIVE,
    EventStartTime: new Date(T0 - 1000),
    EventEndTime: new Date(T0 + DAY),
    Destination: { Arn: BUS },
  });

test("a replay resumes at its cursor after a restart: every archived event replayed exactly once", async () => {
  const path = join(root, "resume", "opsflow.db");
  const clock = manualClock(T0);
  let { store, service } = await setUp(path, clock, 5);
  clock.set(T0 + 60_000);
  await replay(service, "r1");
  assert.equal(await service.runReplays(), true, "more batches to go");
  const first = await drain(store, clock.now());
  assert.deepEqual(
    first.map((e) => e.detail.n),
    [0, 1],
  );
  assert.ok(first.every((e) => e["replay-name"] === "r1"));
  const progress = await service.replays.describe("r1");
  assert.equal(progress.state, "RUNNING");
  assert.equal(progress.lastReplayedAt, T0 + 1000);

  await service.stop();
  await store.close();
  store = openSqliteStore({ path });
  service = await bus(store, clock);
  while (await service.runReplays());
  const rest = await drain(store, clock.now());
  assert.deepEqual(
    rest.map((e) => e.detail.n),
    [2, 3, 4],
  );
  const done = await service.replays.describe("r1");
  assert.equal(done.state, "COMPLETED");
  assert.equal(done.lastReplayedAt, T0 + 4000);
  assert.equal(done.replayEnd, clock.now());
  assert.equal((await service.archives.describe("all")).eventCount, 5, "not archived again");
  assert.equal(await service.runReplays(), false);
  assert.deepEqual(await drain(store, clock.now()), []);
  await store.close();
});

test("CancelReplay stops a replay between batches; a deleted archive fails one", async () => {
  const path = join(root, "cancel", "opsflow.db");
  const clock = manualClock(T0);
  const { store, service } = await setUp(path, clock, 5);
  clock.set(T0 + 60_000);
  await replay(service, "c1");
  await service.runReplays();
  assert.equal((await drain(store, clock.now())).length, 2);
  const cancelling = await service.replays.cancel("c1");
  assert.equal(cancelling.state, "CANCELLING");
  await service.runReplays();
  const cancelled = await service.replays.describe("c1");
  assert.equal(cancelled.state, "CANCELLED");
  assert.deepEqual(await drain(store, clock.now()), []);
  await assert.rejects(service.replays.cancel("c1"), { code: "IllegalStatusException" });

  await replay(service, "f1");
  await service.archives.delete("all");
  await service.runReplays();
  const failed = await service.replays.describe("f1");
  assert.equal(failed.state, "FAILED");
  assert.match(failed.stateReason ?? "", /Archive all was deleted/);
  assert.deepEqual(await drain(store, clock.now()), []);
  await service.stop();
  await store.close();
});

test("retention purges exactly the archived events older than RetentionDays; 0 keeps them", async () => {
  const clock = manualClock(T0);
  const store = openSqliteStore({ path: join(root, "retention", "opsflow.db") });
  const service = await bus(store, clock);
  await service.archives.create({ ArchiveName: "day", EventSourceArn: BUS, RetentionDays: 1 });
  await service.archives.create({ ArchiveName: "forever", EventSourceArn: BUS });
  const put = (n: number) =>
    service.putEvents([{ Source: "app", DetailType: "t", Detail: JSON.stringify({ n }) }]);
  await put(1);
  clock.set(T0 + 12 * 3_600_000);
  await put(2);
  clock.set(T0 + DAY - 1);
  assert.equal(await service.purgeArchives(), 0, "nothing is a day old yet");
  clock.set(T0 + DAY + 1);
  assert.equal(await service.purgeArchives(), 1);
  const day = await service.archives.describe("day");
  assert.equal(day.eventCount, 1);
  const forever = await service.archives.describe("forever");
  assert.equal(forever.eventCount, 2);
  assert.ok(day.sizeBytes > 0 && day.sizeBytes < forever.sizeBytes);
  const window = { from: 0, to: T0 + 2 * DAY, archivedUntil: T0 + 2 * DAY };
  const left = await store.readArchive("day", window, undefined, 10);
  assert.deepEqual(
    left.map((e) => JSON.parse(e.envelope).detail.n),
    [2],
  );
  clock.set(T0 + 2 * DAY);
  assert.equal(await service.purgeArchives(), 1);
  assert.equal((await service.archives.describe("day")).sizeBytes, 0);
  await service.stop();
  await store.close();
});

test("an entry PutEvents refuses is not archived; archiving shares the ingestion commit", async () => {
  const clock = manualClock(T0);
  const store = openSqliteStore({ path: join(root, "refused", "opsflow.db") });
  const service = await bus(store, clock);
  await service.archives.create({ ArchiveName: "all", EventSourceArn: BUS });
  const result = await service.putEvents([
    { Source: "app", DetailType: "t", Detail: "not json" },
    { Source: "app", DetailType: "t", Detail: "{}", EventBusName: "missing" },
    { Source: "app", DetailType: "t", Detail: '{"ok":true}' },
  ]);
  assert.equal(result.FailedEntryCount, 2);
  const archive = await service.archives.describe("all");
  assert.equal(archive.eventCount, 1);
  await service.stop();
  await store.close();
});

test("dead letters are listed by their target's DeadLetterConfig.Arn", async () => {
  const clock = manualClock(T0);
  const store = openSqliteStore({ path: join(root, "dlq", "opsflow.db") });
  const service = await bus(store, clock);
  await service.createEventBus("sink");
  await service.putRule({ Name: "r", EventPattern: '{"source":["app"]}' });
  const dlq = "arn:aws:sqs:us-east-1:123456789012:oncall";
  const result = await service.putTargets("r", undefined, [
    { ...TARGET, Id: "named", DeadLetterConfig: { Arn: dlq } },
    { ...TARGET, Id: "plain" },
  ]);
  assert.equal(result.FailedEntryCount, 0);
  await service.putEvents([{ Source: "app", DetailType: "t", Detail: "{}" }]);
  for (const d of await store.claimDeliveries("test", T0, 60_000, 10))
    await store.settleDelivery(d.id, { kind: "dead", errorCode: "X", errorMessage: "x" }, T0);
  const named = await service.listDeadLetters({ deadLetterArn: dlq }, { limit: 10 });
  assert.deepEqual(
    named.items.map((d) => d.target.Id),
    ["named"],
  );
  assert.equal((await service.listDeadLetters({}, { limit: 10 })).items.length, 2);
  await service.stop();
  await store.close();
});

test("a replay selects by the time in the event, in event-time order, and skips what arrived after it started", async () => {
  const clock = manualClock(T0);
  const store = openSqliteStore({ path: join(root, "event-time", "opsflow.db") });
  const service = await bus(store, clock);
  await service.createEventBus("sink");
  await service.putRule({ Name: "r", EventPattern: '{"source":["app"]}' });
  await service.putTargets("r", undefined, [TARGET]);
  await service.archives.create({ ArchiveName: "all", EventSourceArn: BUS });
  const YESTERDAY = T0 - DAY;
  // Arrival order a, b, c, now; their own times say b, c, a happened yesterday, in that order.
  const timed = [
    ["a", YESTERDAY + 120_000],
    ["b", YESTERDAY],
    ["c", YESTERDAY + 60_000],
  ] as const;
  for (const [n, time] of timed) {
    clock.set(clock.now() + 1000);
    await service.putEvents([
      { Source: "app", DetailType: "t", Detail: JSON.stringify({ n }), Time: new Date(time) },
    ]);
  }
  clock.set(clock.now() + 1000);
  await service.putEvents([{ Source: "app", DetailType: "t", Detail: '{"n":"now"}' }]);
  await drain(store, clock.now());

  const start = (name: string, from: number, to: number) =>
    service.replays.start({
      ReplayName: name,
      EventSourceArn: ARCHIVE,
      EventStartTime: new Date(from),
      EventEndTime: new Date(to),
      Destination: { Arn: BUS },
    });
  clock.set(T0 + 60_000);
  await start("yesterday", YESTERDAY, YESTERDAY + 90_000);
  // Arrives after the replay started, with a time inside its window: not replayed.
  clock.set(T0 + 61_000);
  await service.putEvents([
    {
      Source: "app",
      DetailType: "t",
      Detail: '{"n":"late"}',
      Time: new Date(YESTERDAY + 30_000),
    },
  ]);
  await drain(store, clock.now());
  while (await service.runReplays());
  const replayed = await drain(store, clock.now());
  assert.deepEqual(
    replayed.map((e) => e.detail.n),
    ["b", "c"],
  );
  assert.deepEqual(
    replayed.map((e) => e.time),
    ["2029-12-31T00:00:00Z", "2029-12-31T00:01:00Z"],
  );
  const done = await service.replays.describe("yesterday");
  assert.equal(done.state, "COMPLETED");
  assert.equal(done.lastReplayedAt, YESTERDAY + 60_000, "EventLastReplayedTime is event time");

  // A window around the arrival times finds only the event whose own time is now.
  await start("arrivals", T0, T0 + 10_000);
  while (await service.runReplays());
  assert.deepEqual(
    (await drain(store, clock.now())).map((e) => e.detail.n),
    ["now"],
  );
  await service.stop();
  await store.close();
});
