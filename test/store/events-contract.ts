/**
 * The event bus part of the store contract (EventStore), through the port only, so every
 * adapter runs it: `eventStoreContract(name, factory)` with a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { StoreConflictError } from "../../src/store/errors.js";
import type {
  EventRuleRecord,
  EventTarget,
  NewDelivery,
  StoredEvent,
} from "../../src/store/events-port.js";
import type { Store } from "../../src/store/port.js";
import { createFullTeam, executionArn, newExecution } from "./fixtures.js";

const T0 = 1_700_000_000_000;
const PREFIX = "arn:aws:events:us-east-1:123456789012";

function rule(name: string, overrides: Partial<EventRuleRecord> = {}): EventRuleRecord {
  return {
    eventBusName: "default",
    name,
    arn: `${PREFIX}:rule/${name}`,
    eventPattern: '{"source":["app"]}',
    state: "ENABLED",
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

const target = (id: string): EventTarget => ({
  Id: id,
  Arn: `arn:aws:states:us-east-1:123456789012:stateMachine:${id}`,
  RetryPolicy: { MaximumRetryAttempts: 3 },
});

const stored = (id: string, at = T0): StoredEvent => ({
  id,
  eventBusName: "default",
  envelope: JSON.stringify({ id, source: "app" }),
  ingestedAt: at,
});

const delivery = (eventId: string, targetId: string, at = T0): NewDelivery => ({
  eventId,
  eventBusName: "default",
  ruleName: "r",
  ruleArn: `${PREFIX}:rule/r`,
  target: target(targetId),
  at,
});

/** Runs the event store contract against stores made by `factory`. */
export function eventStoreContract(name: string, factory: () => Promise<Store>): void {
  describe(`event store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    test("buses: create, get, list by prefix with paging, duplicate refused, delete", async () => {
      for (const bus of ["default", "ops", "ops-2", "sec"])
        await store.createEventBus({ name: bus, arn: `${PREFIX}:event-bus/${bus}`, createdAt: T0 });
      await assert.rejects(
        store.createEventBus({ name: "ops", arn: "x", createdAt: T0 }),
        (e) => e instanceof StoreConflictError && e.reason === "exists",
      );
      assert.equal((await store.getEventBus("ops"))?.arn, `${PREFIX}:event-bus/ops`);
      const first = await store.listEventBuses("ops", { limit: 1 });
      assert.deepEqual(
        first.items.map((b) => b.name),
        ["ops"],
      );
      const second = await store.listEventBuses("ops", { limit: 1, nextToken: first.nextToken });
      assert.deepEqual(
        second.items.map((b) => b.name),
        ["ops-2"],
      );
      assert.equal(second.nextToken, undefined);
      assert.equal(await store.deleteUnusedEventBus("ops"), "deleted");
      assert.equal(await store.getEventBus("ops"), undefined);
      assert.equal(await store.deleteUnusedEventBus("ops"), "missing");
      // A bus that rules or archives still use is refused, naming them, and kept.
      await store.putRule({
        ...rule("watch"),
        eventBusName: "sec",
        arn: `${PREFIX}:rule/sec/watch`,
      });
      await store.createArchive({
        name: "sec-all",
        arn: `${PREFIX}:archive/sec-all`,
        eventBusName: "sec",
        retentionDays: 0,
        state: "ENABLED",
        eventCount: 0,
        sizeBytes: 0,
        createdAt: T0,
        updatedAt: T0,
      });
      assert.deepEqual(await store.deleteUnusedEventBus("sec"), {
        rules: ["watch"],
        archives: ["sec-all"],
      });
      assert.ok(await store.getEventBus("sec"));
      await store.deleteRule("sec", "watch");
      assert.deepEqual(await store.deleteUnusedEventBus("sec"), {
        rules: [],
        archives: ["sec-all"],
      });
      await store.deleteArchive("sec-all");
      assert.equal(await store.deleteUnusedEventBus("sec"), "deleted");
    });

    test("rules: put replaces and keeps targets; load returns rules with targets; delete drops targets", async () => {
      await store.putRule(rule("r", { description: "first" }));
      await store.putTargets("default", "r", [target("a"), target("b")]);
      await store.putRule(rule("r", { state: "DISABLED", updatedAt: T0 + 1 }));
      const got = await store.getRule("default", "r");
      assert.equal(got?.state, "DISABLED");
      assert.equal(got?.description, undefined);
      assert.deepEqual(
        (await store.listTargets("default", "r")).map((t) => t.Id),
        ["a", "b"],
      );
      await store.putTargets("default", "r", [{ ...target("a"), Input: '{"x":1}' }]);
      assert.equal((await store.listTargets("default", "r"))[0].Input, '{"x":1}');
      assert.deepEqual(await store.removeTargets("default", "r", ["b", "zz"]), ["zz"]);
      const loaded = await store.loadRules();
      assert.equal(loaded.length, 1);
      assert.deepEqual(
        loaded[0].targets.map((t) => t.Id),
        ["a"],
      );
      assert.equal(await store.deleteRule("default", "r"), true);
      assert.deepEqual(await store.listTargets("default", "r"), []);
      assert.deepEqual(await store.loadRules(), []);
    });

    test("rules: listed per bus by prefix, paged", async () => {
      for (const n of ["a1", "a2", "b1"]) await store.putRule(rule(n));
      await store.putRule(rule("a3", { eventBusName: "other" }));
      const page = await store.listRules("default", "a", { limit: 1 });
      assert.deepEqual(
        page.items.map((r) => r.name),
        ["a1"],
      );
      const next = await store.listRules("default", "a", { limit: 5, nextToken: page.nextToken });
      assert.deepEqual(
        next.items.map((r) => r.name),
        ["a2"],
      );
    });

    test("accepted events are delivered: claim leases, settle removes, retry delays, dead letter keeps the reason", async () => {
      await store.acceptEvents(
        [stored("e1"), stored("e2")],
        [delivery("e1", "a"), delivery("e1", "b"), delivery("e2", "a", T0 + 1000)],
      );
      assert.equal(await store.nextDeliveryAt(), T0);
      const claimed = await store.claimDeliveries("me", T0, 30_000, 10);
      assert.deepEqual(
        claimed.map((d) => [d.event.id, d.target.Id, d.attempts]),
        [
          ["e1", "a", 0],
          ["e1", "b", 0],
        ],
      );
      assert.equal(claimed[0].event.envelope, stored("e1").envelope);
      assert.equal(claimed[0].ageFrom, T0);
      // Leased: not claimed again before the lease ends.
      assert.deepEqual(await store.claimDeliveries("other", T0 + 500, 30_000, 10), []);
      await store.settleDelivery(claimed[0].id, { kind: "delivered" }, T0);
      await store.settleDelivery(claimed[1].id, { kind: "retry", at: T0 + 5000, error: "500" }, T0);
      const later = await store.claimDeliveries("me", T0 + 5000, 30_000, 10);
      const retried = later.find((d) => d.target.Id === "b");
      assert.equal(retried?.attempts, 1);
      assert.equal(retried?.lastError, "500");
      await store.settleDelivery(
        retried!.id,
        { kind: "dead", errorCode: "SDK_CLIENT_ERROR", errorMessage: "boom" },
        T0 + 6000,
      );
      const dead = await store.listDeadLetters({}, { limit: 10 });
      assert.equal(dead.items.length, 1);
      assert.equal(dead.items[0].attempts, 2);
      assert.equal(dead.items[0].errorMessage, "boom");
      assert.equal(dead.items[0].event.id, "e1");
      assert.equal(dead.items[0].failedAt, T0 + 6000);
      assert.equal(
        (await store.listDeadLetters({ ruleName: "nope" }, { limit: 10 })).items.length,
        0,
      );
      assert.equal(await store.redriveDeadLetters([dead.items[0].id, 999], T0 + 7000), 1);
      assert.equal((await store.listDeadLetters({}, { limit: 10 })).items.length, 0);
      const again = await store.claimDeliveries("me", T0 + 7000, 30_000, 10);
      const redriven = again.find((d) => d.target.Id === "b");
      assert.equal(redriven?.attempts, 0);
      assert.equal(redriven?.ageFrom, T0 + 7000);
    });

    test("a delivery carrying a start starts its execution with the event instead of being queued; a refused start is queued", async () => {
      await createFullTeam(store);
      const refused = newExecution("refused");
      refused.team = { team: "full", units: {} };
      const started = await store.acceptEvents(
        [stored("e1"), stored("e2")],
        [
          { ...delivery("e1", "a"), start: newExecution("from-e1") },
          { ...delivery("e2", "a"), start: refused },
          delivery("e2", "b"),
        ],
      );
      assert.deepEqual(
        started.map((execution) => execution.record.name),
        ["from-e1"],
      );
      assert.equal((await store.getExecution(executionArn("M", "from-e1")))?.status, "RUNNING");
      assert.equal(await store.getExecution(executionArn("M", "refused")), undefined);
      // Only what did not start is left to the delivery loop.
      assert.deepEqual(
        (await store.claimDeliveries("me", T0, 30_000, 10)).map((d) => [d.event.id, d.target.Id]),
        [
          ["e2", "a"],
          ["e2", "b"],
        ],
      );
      // An execution of that name exists already (the event was accepted before): nothing new.
      assert.deepEqual(
        await store.acceptEvents(
          [stored("e3")],
          [{ ...delivery("e3", "a"), start: newExecution("from-e1") }],
        ),
        [],
      );
      assert.deepEqual(await store.claimDeliveries("me", T0, 30_000, 10), []);
    });

    test("delivery leases are forgotten on recovery", async () => {
      await store.acceptEvents([stored("e1")], [delivery("e1", "a")]);
      assert.equal((await store.claimDeliveries("dead-process", T0, 60_000, 10)).length, 1);
      assert.equal(await store.nextDeliveryAt(), T0 + 60_000);
      await store.recoverDeliveryLeases();
      assert.equal((await store.claimDeliveries("me", T0, 60_000, 10)).length, 1);
    });

    test("pruning deletes old events nothing needs: pending, leased, retrying and dead-lettered ones stay", async () => {
      const ids = ["delivered", "pending", "leased", "retrying", "dead", "young", "no-targets"];
      await store.acceptEvents(
        ids.map((id) => stored(id, id === "young" ? T0 + 10_000 : T0)),
        ids.filter((id) => id !== "no-targets").map((id) => delivery(id, "t")),
      );
      const claimed = await store.claimDeliveries("w", T0 + 10_000, 60_000, 10);
      const of = (id: string) => claimed.find((d) => d.event.id === id)?.id as number;
      await store.settleDelivery(of("delivered"), { kind: "delivered" }, T0);
      await store.settleDelivery(of("young"), { kind: "delivered" }, T0);
      await store.settleDelivery(
        of("retrying"),
        { kind: "retry", at: T0 + 99_000, error: "x" },
        T0,
      );
      await store.settleDelivery(
        of("dead"),
        { kind: "dead", errorCode: "X", errorMessage: "x" },
        T0,
      );
      await store.recoverDeliveryLeases();
      await store.claimDeliveries("w", T0 + 10_000, 60_000, 1); // leases "pending" again
      // "young" is too recent; at most two per call.
      assert.equal(await store.pruneEvents(T0 + 5_000, 2), 2);
      assert.equal(await store.pruneEvents(T0 + 5_000, 2), 0);
      // What is left still works: the dead letter lists its event, the queue delivers.
      const dead = await store.listDeadLetters({}, { limit: 10 });
      assert.deepEqual(
        dead.items.map((d) => JSON.parse(d.event.envelope).id),
        ["dead"],
      );
      const rest = await store.claimDeliveries("w2", T0 + 200_000, 60_000, 10);
      assert.deepEqual(rest.map((d) => d.event.id).sort(), ["leased", "pending", "retrying"]);
      for (const d of rest) await store.settleDelivery(d.id, { kind: "delivered" }, T0);
      assert.equal(await store.redriveDeadLetters([dead.items[0].id], T0), 1);
      const redriven = await store.claimDeliveries("w3", T0 + 200_000, 60_000, 10);
      assert.deepEqual(
        redriven.map((d) => d.event.id),
        ["dead"],
      );
      await store.settleDelivery(redriven[0].id, { kind: "delivered" }, T0);
      assert.equal(await store.pruneEvents(T0 + 20_000, 100), 5, "all finished now");
      assert.deepEqual(await store.claimDeliveries("w4", T0 + 200_000, 60_000, 10), []);
    });

    test("a scheduled fire is recorded once: the next time moves with the event, a repeat is refused", async () => {
      await store.putRule(
        rule("tick", {
          eventPattern: undefined,
          scheduleExpression: "rate(1 minute)",
          nextFireAt: T0,
        }),
      );
      await store.putRule(
        rule("off", { scheduleExpression: "rate(1 minute)", nextFireAt: T0, state: "DISABLED" }),
      );
      assert.equal(await store.nextScheduledFireAt(), T0);
      assert.deepEqual(
        (await store.dueScheduledRules(T0)).map((r) => r.name),
        ["tick"],
      );
      assert.deepEqual(await store.dueScheduledRules(T0 - 1), []);
      const fired = await store.recordScheduledFire(
        "default",
        "tick",
        T0,
        T0 + 60_000,
        stored("s1"),
        [delivery("s1", "a")],
      );
      assert.equal(fired, true);
      const twice = await store.recordScheduledFire(
        "default",
        "tick",
        T0,
        T0 + 60_000,
        stored("s2"),
        [delivery("s2", "a")],
      );
      assert.equal(twice, false);
      assert.equal((await store.getRule("default", "tick"))?.nextFireAt, T0 + 60_000);
      const claimed = await store.claimDeliveries("me", T0, 1000, 10);
      assert.deepEqual(
        claimed.map((d) => d.event.id),
        ["s1"],
      );
    });

    test("connections, API destinations and sources: create once, find by name or ARN, delete", async () => {
      await store.createConnection({
        name: "c",
        arn: `${PREFIX}:connection/c/1`,
        authorizationType: "BASIC",
        sealedAuth: "v1:sealed",
        createdAt: T0,
      });
      await assert.rejects(
        store.createConnection({
          name: "c",
          arn: `${PREFIX}:connection/c/2`,
          authorizationType: "BASIC",
          sealedAuth: "x",
          createdAt: T0,
        }),
        (e) => e instanceof StoreConflictError && e.reason === "exists",
      );
      assert.equal((await store.getConnection(`${PREFIX}:connection/c/1`))?.name, "c");
      await store.createApiDestination({
        name: "d",
        arn: `${PREFIX}:api-destination/d/1`,
        connectionArn: `${PREFIX}:connection/c/1`,
        endpoint: "http://127.0.0.1:1/hook",
        httpMethod: "POST",
        createdAt: T0,
      });
      assert.equal((await store.getApiDestination("d"))?.endpoint, "http://127.0.0.1:1/hook");
      assert.equal((await store.listApiDestinations()).length, 1);
      await store.createEventSource({
        kind: "alertmanager",
        name: "prod",
        tokenHash: "sha256:00",
        eventBusName: "default",
        createdAt: T0,
      });
      assert.equal((await store.getEventSource("alertmanager", "prod"))?.tokenHash, "sha256:00");
      assert.equal(await store.getEventSource("cloudevents", "prod"), undefined);
      assert.equal(await store.deleteEventSource("alertmanager", "prod"), true);
      assert.equal(await store.deleteApiDestination("d"), true);
      assert.equal(await store.deleteConnection("c"), true);
      assert.deepEqual(await store.listConnections(), []);
    });
  });
}
