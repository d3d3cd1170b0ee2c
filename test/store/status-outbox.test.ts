/**
 * The status outbox on a real SQLite file: a status event is written in the transaction of
 * the status change it announces (start, nested start, end), or not at all when the change
 * carries none or does not commit; the bus's acceptance takes it out in its own transaction,
 * and only once.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, beforeEach, describe, test } from "node:test";
import type { NewDelivery, StatusEventRecord, StoredEvent } from "../../src/store/events-port.js";
import type { Store } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { TeamQuotaExceededError } from "../../src/store/teams-port.js";
import type { ExecutionCommit, NewExecution } from "../../src/store/workflows-port.js";
import { createFullTeam, newExecution as executionOf, PREFIX, T0, task } from "./fixtures.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-outbox-"));
let files = 0;
after(() => rmSync(root, { recursive: true, force: true }));

const arnOf = (name: string) => `${PREFIX}:execution:M:${name}`;
const statusEvent = (id: string, status: string): StatusEventRecord => ({
  id,
  entry: JSON.stringify({ Source: "opsflow.states", DetailType: "x", Detail: `{"s":"${status}"}` }),
  createdAt: T0,
});

const newExecution = (name: string, extra: Partial<NewExecution> = {}): NewExecution => ({
  ...executionOf(name, { state: "s0" }),
  ...extra,
});

describe("status outbox (sqlite file)", () => {
  let store: Store;
  beforeEach(() => {
    store = openSqliteStore({ path: join(root, `store-${files++}`, "opsflow.db") });
  });
  afterEach(() => store.close());

  const pendingIds = async () => (await store.pendingStatusEvents(100)).map((e) => e.id);

  /** Claims `name` and commits it FAILED, with `extra` added to the commit. */
  async function fail(name: string, extra: Partial<ExecutionCommit> = {}) {
    const claim = await store.claimExecution(arnOf(name), "w", T0, 30_000);
    assert.ok(claim);
    const commit: ExecutionCommit = {
      arn: claim.record.arn,
      fence: claim.fence,
      record: { status: "FAILED", error: "Boom", stoppedAt: T0 + 1 },
      state: "s1",
      nextEventId: claim.nextEventId + 1,
      events: [
        { id: claim.nextEventId, previousEventId: 1, type: "ExecutionFailed", timestamp: T0 + 1 },
      ],
      newTasks: [],
      consumedTasks: [],
      cancelledTasks: [],
      childExecutions: [],
      ...extra,
    };
    return { claim, lost: () => store.commit([commit]) };
  }

  test("a start writes its status event with the execution; without one, or when the name exists, nothing", async () => {
    await store.startExecution(newExecution("quiet"));
    assert.deepEqual(await pendingIds(), []);
    const started = await store.startExecution(
      newExecution("loud", { statusEvent: statusEvent("ev-loud", "RUNNING") }),
    );
    assert.equal(started.created, true);
    assert.deepEqual(await store.pendingStatusEvents(10), [statusEvent("ev-loud", "RUNNING")]);
    const again = await store.startExecution(
      newExecution("loud", { statusEvent: statusEvent("ev-again", "RUNNING") }),
    );
    assert.equal(again.created, false);
    assert.deepEqual(await pendingIds(), ["ev-loud"]);
  });

  test("a start refused inside its transaction (team quota) leaves no status event", async () => {
    await createFullTeam(store);
    await assert.rejects(
      store.startExecution(
        newExecution("refused", {
          team: { team: "full", units: {} },
          statusEvent: statusEvent("ev-refused", "RUNNING"),
        }),
      ),
      TeamQuotaExceededError,
    );
    assert.equal(await store.getExecution(arnOf("refused")), undefined);
    assert.deepEqual(await pendingIds(), []);
  });

  test("an end writes its status event in the commit, nested starts theirs, in commit order", async () => {
    await store.startExecution(newExecution("parent"));
    const { lost } = await fail("parent", {
      statusEvent: statusEvent("ev-failed", "FAILED"),
      childExecutions: [newExecution("child", { statusEvent: statusEvent("ev-child", "RUNNING") })],
    });
    assert.deepEqual(await lost(), []);
    assert.equal((await store.getExecution(arnOf("parent")))?.status, "FAILED");
    assert.deepEqual(await pendingIds(), ["ev-failed", "ev-child"]);
  });

  test("a commit without a status event writes none", async () => {
    await store.startExecution(newExecution("e"));
    const { lost } = await fail("e");
    assert.deepEqual(await lost(), []);
    assert.equal((await store.getExecution(arnOf("e")))?.status, "FAILED");
    assert.deepEqual(await pendingIds(), []);
  });

  test("a commit that fails, or whose lease was lost, writes no status event", async () => {
    await store.startExecution(newExecution("e"));
    await store.startExecution(newExecution("other"));
    // A task token already taken makes the commit's task insert fail after its event was written.
    const { lost: setUp } = await fail("other", {
      record: { status: "RUNNING" },
      newTasks: [task(arnOf("other"), "taken")],
    });
    assert.deepEqual(await setUp(), []);
    const failing = await fail("e", {
      statusEvent: statusEvent("ev-rolled-back", "FAILED"),
      newTasks: [task(arnOf("e"), "taken")],
    });
    await assert.rejects(failing.lost(), /UNIQUE|constraint/i);
    await store.release(arnOf("e"), failing.claim.fence);
    assert.equal((await store.getExecution(arnOf("e")))?.status, "RUNNING");
    assert.deepEqual(await pendingIds(), []);

    const stale = await fail("e", { statusEvent: statusEvent("ev-stale", "FAILED") });
    await store.release(arnOf("e"), stale.claim.fence);
    assert.ok(await store.claimExecution(arnOf("e"), "other-owner", T0, 30_000));
    assert.deepEqual(await stale.lost(), [arnOf("e")]);
    assert.deepEqual(await pendingIds(), []);
  });

  test("accepting outbox events takes them out; a second acceptance of the same stores nothing", async () => {
    await store.startExecution(newExecution("e", { statusEvent: statusEvent("ev-1", "RUNNING") }));
    const stored: StoredEvent = {
      id: "ev-1",
      eventBusName: "default",
      envelope: '{"id":"ev-1"}',
      ingestedAt: T0,
    };
    const owed: NewDelivery = {
      eventId: "ev-1",
      eventBusName: "default",
      ruleName: "r",
      ruleArn: "arn:aws:events:us-east-1:123456789012:rule/r",
      target: { Id: "t", Arn: "arn:aws:lambda:us-east-1:123456789012:function:f" },
      at: T0,
    };
    await store.acceptEvents([stored], [owed], [], ["ev-1"]);
    assert.deepEqual(await pendingIds(), []);
    // A late duplicate (another publisher read the same row) must not deliver it twice.
    await store.acceptEvents([stored], [owed], [], ["ev-1"]);
    const deliveries = await store.claimDeliveries("d", T0, 30_000, 10);
    assert.deepEqual(
      deliveries.map((d) => d.event.id),
      ["ev-1"],
    );
  });

  test("an acceptance that fails leaves the event in the outbox, to be published again", async () => {
    await store.startExecution(newExecution("e", { statusEvent: statusEvent("ev-1", "RUNNING") }));
    const clash: StoredEvent = { id: "x", eventBusName: "default", envelope: "{}", ingestedAt: T0 };
    await store.acceptEvents([clash], []);
    // An event id already stored: its insert fails, and the whole acceptance is undone.
    await assert.rejects(store.acceptEvents([{ ...clash, id: "ev-1" }, clash], [], [], ["ev-1"]));
    assert.deepEqual(await pendingIds(), ["ev-1"]);
  });
});
