/**
 * The event bus part of the store contract (EventStore), through the port only, so every
 * adapter runs it: `eventStoreContract(name, factory)` with a fresh, empty store per test.
 * Deliveries that start executions need the workflow and team ports too. An adapter whose
 * stores can share one database as several nodes also passes `nodes`, which runs the cases
 * that only hold if the database decides; its stores keep live leases at recovery (they may
 * be another node's).
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { StoreConflictError } from "../../src/store/errors.js";
import type {
  ArchivedEvent,
  ArchiveRecord,
  EventRuleRecord,
  EventStore,
  EventTarget,
  NewDelivery,
  ReplayRecord,
  StatusEventRecord,
  StoredEvent,
} from "../../src/store/events-port.js";
import type { TeamStore } from "../../src/store/teams-port.js";
import type { WorkflowStore } from "../../src/store/workflows-port.js";
import { executionArn, newExecution } from "./fixtures.js";

/** What the suite uses: the event port, starts of executions and teams, and closing. */
export type EventContractStore = EventStore &
  WorkflowStore &
  Pick<TeamStore, "createTeam"> & { close(): Promise<void> };

/** Options of the suite. */
export interface EventContractOptions {
  /** Why the suite is skipped, if it is. */
  skip?: string | false;
  /** Stores on one shared database, as separate nodes; `close` closes them all. */
  nodes?: () => Promise<{ stores: EventContractStore[]; close(): Promise<void> }>;
}

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

const DAY = 86_400_000;

const archive = (name: string, overrides: Partial<ArchiveRecord> = {}): ArchiveRecord => ({
  name,
  arn: `${PREFIX}:archive/${name}`,
  eventBusName: "default",
  retentionDays: 0,
  state: "ENABLED",
  eventCount: 0,
  sizeBytes: 0,
  createdAt: T0,
  updatedAt: T0,
  ...overrides,
});

const copy = (
  archiveName: string,
  eventId: string,
  eventTime: number,
  ingestedAt = T0,
): ArchivedEvent => ({
  archive: archiveName,
  eventId,
  ingestedAt,
  eventTime,
  // Not ASCII: sizes count UTF-8 bytes.
  envelope: JSON.stringify({ id: eventId, detail: "é" }),
});

const bytesOf = (...copies: ArchivedEvent[]) =>
  copies.reduce((sum, c) => sum + Buffer.byteLength(c.envelope), 0);

const replay = (name: string, overrides: Partial<ReplayRecord> = {}): ReplayRecord => ({
  name,
  arn: `${PREFIX}:replay/${name}`,
  archiveName: "all",
  archiveArn: `${PREFIX}:archive/all`,
  destinationBus: "default",
  destinationArn: `${PREFIX}:event-bus/default`,
  eventStart: T0,
  eventEnd: T0 + 10_000,
  state: "STARTING",
  replayStart: T0,
  ...overrides,
});

const statusEvent = (id: string): StatusEventRecord => ({
  id,
  entry: JSON.stringify({ Source: "opsflow.states", DetailType: "x", Detail: `{"id":"${id}"}` }),
  createdAt: T0,
});

/** Runs the event store contract against stores made by `factory`. */
export function eventStoreContract(
  name: string,
  factory: () => Promise<EventContractStore>,
  options: EventContractOptions = {},
): void {
  describe(`event store contract: ${name}`, { skip: options.skip }, () => {
    let store: EventContractStore;
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

    test("dead letters are listed by bus, rule or dead-letter ARN, in order, paged", async () => {
      const dlq = (arn: string): EventTarget => ({
        ...target("q"),
        DeadLetterConfig: { Arn: arn },
      });
      await store.acceptEvents(
        [stored("e1"), { ...stored("e2"), eventBusName: "ops" }],
        [
          { ...delivery("e1", "a"), target: dlq("arn:aws:sqs:us-east-1:123456789012:one") },
          { ...delivery("e1", "b"), ruleName: "other" },
          {
            ...delivery("e2", "c"),
            eventBusName: "ops",
            target: dlq("arn:aws:sqs:us-east-1:123456789012:two"),
          },
        ],
      );
      for (const d of await store.claimDeliveries("me", T0, 30_000, 10))
        await store.settleDelivery(d.id, { kind: "dead", errorCode: "X", errorMessage: "x" }, T0);
      const names = async (filter: Parameters<EventStore["listDeadLetters"]>[0]) =>
        (await store.listDeadLetters(filter, { limit: 10 })).items.map(
          (d) => `${d.event.id}/${d.ruleName}/${d.target.Id}`,
        );
      assert.deepEqual(await names({}), ["e1/r/q", "e1/other/b", "e2/r/q"]);
      assert.deepEqual(await names({ eventBusName: "ops" }), ["e2/r/q"]);
      assert.deepEqual(await names({ eventBusName: "default", ruleName: "r" }), ["e1/r/q"]);
      assert.deepEqual(await names({ deadLetterArn: "arn:aws:sqs:us-east-1:123456789012:two" }), [
        "e2/r/q",
      ]);
      assert.deepEqual(
        await names({ deadLetterArn: "arn:aws:sqs:us-east-1:123456789012:none" }),
        [],
      );
      const first = await store.listDeadLetters({}, { limit: 2 });
      const rest = await store.listDeadLetters({}, { limit: 2, nextToken: first.nextToken });
      assert.deepEqual(
        rest.items.map((d) => d.event.id),
        ["e2"],
      );
      assert.equal(rest.nextToken, undefined);
      // Redriven in the order asked, each once.
      const ids = first.items.map((d) => d.id).reverse();
      assert.equal(await store.redriveDeadLetters([...ids, ids[0]], T0 + 1), 2);
      assert.deepEqual(
        (await store.claimDeliveries("me", T0 + 1, 30_000, 10)).map((d) => d.ruleName),
        ["other", "r"],
      );
    });

    test("a delivery carrying a start starts its execution with the event instead of being queued; a refused start is queued", async () => {
      // A team whose quota allows no running execution: every start in it is refused.
      await store.createTeam({
        name: "full",
        quotas: { concurrentExecutions: 0 },
        createdAt: T0,
        updatedAt: T0,
      });
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

    test("delivery leases: a restarted node's are forgotten on recovery; a shared store keeps other nodes' until they expire", async () => {
      await store.acceptEvents(
        [stored("e1"), stored("e2")],
        [delivery("e1", "a"), delivery("e2", "a")],
      );
      assert.equal((await store.claimDeliveries("node-a/events-1", T0, 60_000, 1)).length, 1);
      assert.equal((await store.claimDeliveries("node-b/events-1", T0, 60_000, 1)).length, 1);
      assert.equal(await store.nextDeliveryAt(), T0 + 60_000);
      await store.recoverDeliveryLeases("node-a/");
      const claimed = await store.claimDeliveries("node-a/events-2", T0, 60_000, 10);
      if (!options.nodes) {
        assert.equal(claimed.length, 2, "one process: every lease was stale");
        return;
      }
      assert.deepEqual(
        claimed.map((d) => d.event.id),
        ["e1"],
        "the restarted node's own lease is free, the other node's is kept",
      );
      // The other node's lease holds until it expires, then anyone claims (both have run out).
      assert.deepEqual(await store.claimDeliveries("me", T0 + 59_999, 60_000, 10), []);
      assert.equal((await store.claimDeliveries("me", T0 + 60_000, 60_000, 10)).length, 2);
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
      await store.recoverDeliveryLeases("w");
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

    test("connections and API destinations: update, delete refused while a destination uses the connection; sources listed", async () => {
      const arn = `${PREFIX}:connection/c/1`;
      await store.createConnection({
        name: "c",
        arn,
        authorizationType: "API_KEY",
        sealedAuth: "v1:first",
        createdAt: T0,
      });
      const created = await store.getConnection("c");
      assert.equal(created?.state, "AUTHORIZED");
      assert.equal(created?.authDetails, undefined);
      assert.equal(created?.updatedAt, undefined);
      assert.equal(
        await store.updateConnection({
          name: "c",
          arn,
          authorizationType: "BASIC",
          sealedAuth: "v1:second",
          authDetails: '{"BasicAuthParameters":{"Username":"u"}}',
          state: "DEAUTHORIZED",
          description: "changed",
          createdAt: T0 + 5,
          updatedAt: T0 + 1,
        }),
        true,
      );
      assert.deepEqual(await store.getConnection(arn), {
        name: "c",
        arn,
        authorizationType: "BASIC",
        sealedAuth: "v1:second",
        authDetails: '{"BasicAuthParameters":{"Username":"u"}}',
        state: "DEAUTHORIZED",
        description: "changed",
        createdAt: T0,
        updatedAt: T0 + 1,
      });
      assert.equal(
        await store.updateConnection({ ...(created as NonNullable<typeof created>), name: "no" }),
        false,
      );
      for (const name of ["d2", "d1"])
        await store.createApiDestination({
          name,
          arn: `${PREFIX}:api-destination/${name}/1`,
          connectionArn: arn,
          endpoint: "http://127.0.0.1:1/hook",
          httpMethod: "POST",
          createdAt: T0,
        });
      await assert.rejects(
        store.createApiDestination({
          name: "d1",
          arn: `${PREFIX}:api-destination/d1/2`,
          connectionArn: arn,
          endpoint: "http://127.0.0.1:1/other",
          httpMethod: "GET",
          createdAt: T0,
        }),
        (e) => e instanceof StoreConflictError && e.reason === "exists",
      );
      assert.deepEqual(await store.deleteUnusedConnection("c"), { inUse: ["d1", "d2"] });
      assert.ok(await store.getConnection("c"));
      assert.equal(
        await store.updateApiDestination({
          name: "d1",
          arn: `${PREFIX}:api-destination/d1/1`,
          connectionArn: `${PREFIX}:connection/other/1`,
          endpoint: "https://example.com/in",
          httpMethod: "PUT",
          description: "moved",
          rateLimitPerSecond: 5,
          createdAt: T0 + 9,
          updatedAt: T0 + 2,
        }),
        true,
      );
      assert.deepEqual(await store.getApiDestination(`${PREFIX}:api-destination/d1/1`), {
        name: "d1",
        arn: `${PREFIX}:api-destination/d1/1`,
        connectionArn: `${PREFIX}:connection/other/1`,
        endpoint: "https://example.com/in",
        httpMethod: "PUT",
        description: "moved",
        rateLimitPerSecond: 5,
        createdAt: T0,
        updatedAt: T0 + 2,
      });
      assert.equal(
        await store.updateApiDestination({
          name: "none",
          arn: "x",
          connectionArn: arn,
          endpoint: "http://x",
          httpMethod: "POST",
          createdAt: T0,
        }),
        false,
      );
      assert.deepEqual(
        (await store.listApiDestinations()).map((d) => d.name),
        ["d1", "d2"],
      );
      assert.deepEqual(await store.deleteUnusedConnection(arn), { inUse: ["d2"] });
      assert.equal(await store.deleteApiDestination("d2"), true);
      assert.equal(await store.deleteApiDestination("d2"), false);
      assert.equal(await store.deleteUnusedConnection(arn), "deleted");
      assert.equal(await store.deleteUnusedConnection("c"), "missing");
      assert.equal(await store.getConnection("c"), undefined);

      for (const [kind, name] of [
        ["cloudevents", "b"],
        ["alertmanager", "z"],
        ["cloudevents", "a"],
      ] as const)
        await store.createEventSource({
          kind,
          name,
          tokenHash: `sha256:${name}`,
          eventBusName: "default",
          createdAt: T0,
        });
      await assert.rejects(
        store.createEventSource({
          kind: "cloudevents",
          name: "a",
          tokenHash: "sha256:other",
          eventBusName: "ops",
          createdAt: T0,
        }),
        (e) => e instanceof StoreConflictError && e.reason === "exists",
      );
      assert.deepEqual(
        (await store.listEventSources()).map((source) => `${source.kind}/${source.name}`),
        ["alertmanager/z", "cloudevents/a", "cloudevents/b"],
      );
      assert.equal(await store.deleteEventSource("cloudevents", "a"), true);
      assert.equal(await store.deleteEventSource("cloudevents", "a"), false);
    });

    test("status outbox: pending oldest first; accepting takes events out, a second acceptance stores nothing, a failed one leaves them", async () => {
      await store.createArchive(archive("all"));
      for (const id of ["ev-1", "ev-2"])
        await store.startExecution({ ...newExecution(id), statusEvent: statusEvent(id) });
      assert.deepEqual(await store.pendingStatusEvents(1), [statusEvent("ev-1")]);
      assert.deepEqual(
        (await store.pendingStatusEvents(10)).map((e) => e.id),
        ["ev-1", "ev-2"],
      );
      const accept = () =>
        store.acceptEvents(
          [stored("ev-1")],
          [delivery("ev-1", "a")],
          [copy("all", "ev-1", T0)],
          ["ev-1"],
        );
      await accept();
      assert.deepEqual(
        (await store.pendingStatusEvents(10)).map((e) => e.id),
        ["ev-2"],
      );
      // Published by another call meanwhile: not stored, delivered or archived again.
      assert.deepEqual(await accept(), []);
      assert.deepEqual(
        (await store.claimDeliveries("me", T0, 30_000, 10)).map((d) => d.event.id),
        ["ev-1"],
      );
      assert.equal((await store.getArchive("all"))?.eventCount, 1);
      // An event id already stored fails the insert: the whole acceptance is undone.
      await assert.rejects(store.acceptEvents([stored("ev-2"), stored("ev-1")], [], [], ["ev-2"]));
      assert.deepEqual(
        (await store.pendingStatusEvents(10)).map((e) => e.id),
        ["ev-2"],
      );
      assert.equal(await store.pruneEvents(T0 + 1, 10), 0, "ev-2 was not stored");
    });

    test("archives: create once, find by name or ARN, list filtered and paged, update keeps counts, delete drops events", async () => {
      await store.createArchive(archive("a-1"));
      await store.createArchive(
        archive("a-2", { eventBusName: "ops", eventPattern: '{"source":["x"]}', description: "d" }),
      );
      await store.createArchive(archive("b-1", { state: "DISABLED", retentionDays: 7 }));
      await assert.rejects(
        store.createArchive(archive("a-1", { arn: `${PREFIX}:archive/other` })),
        (e) => e instanceof StoreConflictError && e.reason === "exists",
      );
      assert.deepEqual(
        await store.getArchive(`${PREFIX}:archive/a-2`),
        archive("a-2", { eventBusName: "ops", eventPattern: '{"source":["x"]}', description: "d" }),
      );
      assert.equal(await store.getArchive("zz"), undefined);
      const first = await store.listArchives({ namePrefix: "a" }, { limit: 1 });
      assert.deepEqual(
        first.items.map((a) => a.name),
        ["a-1"],
      );
      const second = await store.listArchives(
        { namePrefix: "a" },
        { limit: 1, nextToken: first.nextToken },
      );
      assert.deepEqual(
        second.items.map((a) => a.name),
        ["a-2"],
      );
      assert.equal(second.nextToken, undefined);
      assert.deepEqual(
        (await store.listArchives({ eventBusName: "ops" }, { limit: 10 })).items.map((a) => a.name),
        ["a-2"],
      );
      assert.deepEqual(
        (await store.listArchives({ state: "DISABLED" }, { limit: 10 })).items.map((a) => a.name),
        ["b-1"],
      );
      assert.deepEqual(
        (await store.loadArchives()).map((a) => a.name),
        ["a-1", "a-2", "b-1"],
      );

      const copies = [copy("a-1", "e1", T0), copy("a-1", "e2", T0 + 1), copy("a-2", "e1", T0)];
      await store.acceptEvents([stored("e1"), stored("e2")], [], copies);
      // A copy already archived is not archived or counted again.
      await store.acceptEvents([stored("e3")], [], [copies[0], copy("a-1", "e3", T0 + 2)]);
      const counted = await store.getArchive("a-1");
      assert.equal(counted?.eventCount, 3);
      assert.equal(counted?.sizeBytes, bytesOf(copies[0], copies[1], copy("a-1", "e3", T0 + 2)));
      assert.equal((await store.getArchive("a-2"))?.eventCount, 1);

      assert.equal(
        await store.updateArchive(
          archive("a-1", {
            description: "kept",
            eventPattern: '{"source":["y"]}',
            retentionDays: 3,
            eventCount: 99,
            sizeBytes: 99,
            createdAt: T0 + 50,
            updatedAt: T0 + 1,
          }),
        ),
        true,
      );
      assert.deepEqual(await store.getArchive("a-1"), {
        ...archive("a-1", {
          description: "kept",
          eventPattern: '{"source":["y"]}',
          retentionDays: 3,
          updatedAt: T0 + 1,
        }),
        eventCount: 3,
        sizeBytes: counted?.sizeBytes,
      });
      assert.equal(await store.updateArchive(archive("none")), false);

      assert.equal(await store.deleteArchive("a-1"), true);
      assert.equal(await store.deleteArchive("a-1"), false);
      await store.createArchive(archive("a-1"));
      const window = { from: 0, to: T0 * 2, archivedUntil: T0 * 2 };
      assert.deepEqual(await store.readArchive("a-1", window, undefined, 10), []);
      assert.equal((await store.readArchive("a-2", window, undefined, 10)).length, 1);
    });

    test("archived events are read by event time within the window after a cursor, and purged after their retention", async () => {
      await store.createArchive(archive("keep"));
      await store.createArchive(archive("day", { retentionDays: 1 }));
      const early = [
        copy("keep", "b", T0 + 3000),
        copy("keep", "z", T0 + 1000),
        copy("keep", "a", T0 + 1000),
        copy("keep", "late-time", T0 + 9000),
        copy("keep", "late-arrival", T0 + 2000, T0 + 2 * DAY),
      ];
      const daily = [copy("day", "old", T0, T0), copy("day", "new", T0, T0 + DAY)];
      await store.acceptEvents([], [], [...early, ...daily]);
      const window = { from: T0 + 1000, to: T0 + 4000, archivedUntil: T0 + DAY };
      const all = await store.readArchive("keep", window, undefined, 10);
      assert.deepEqual(
        all.map((e) => e.eventId),
        ["a", "z", "b"],
      );
      assert.deepEqual(all[0], early[2]);
      const page = await store.readArchive("keep", window, undefined, 1);
      const rest = await store.readArchive(
        "keep",
        window,
        { eventTime: page[0].eventTime, eventId: page[0].eventId },
        10,
      );
      assert.deepEqual(
        rest.map((e) => e.eventId),
        ["z", "b"],
      );
      assert.deepEqual(await store.readArchive("day", window, undefined, 10), []);

      // Retention counts from arrival: one day after T0, only "old" has expired.
      assert.equal(await store.purgeExpiredArchiveEvents(T0 + DAY), 0);
      assert.equal(await store.purgeExpiredArchiveEvents(T0 + DAY + 1), 1);
      assert.equal(await store.purgeExpiredArchiveEvents(T0 + DAY + 1), 0);
      const day = await store.getArchive("day");
      assert.equal(day?.eventCount, 1);
      assert.equal(day?.sizeBytes, bytesOf(daily[1]));
      const everything = { from: 0, to: T0 * 2, archivedUntil: T0 * 2 };
      assert.deepEqual(
        (await store.readArchive("day", everything, undefined, 10)).map((e) => e.eventId),
        ["new"],
      );
      assert.equal((await store.getArchive("keep"))?.eventCount, 5, "kept forever");
      assert.equal(await store.purgeExpiredArchiveEvents(T0 + 100 * DAY), 1);
      assert.deepEqual(await store.getArchive("day"), archive("day", { retentionDays: 1 }));
    });

    test("replays: create once, list filtered and paged, batches commit only in the expected state, cancel", async () => {
      const filtered = replay("r1", { filterArns: [`${PREFIX}:rule/r`], description: "one" });
      await store.createReplay(filtered);
      await store.createReplay(
        replay("r2", { archiveArn: `${PREFIX}:archive/other`, replayStart: T0 - 1 }),
      );
      await store.createReplay(replay("x1", { state: "COMPLETED", replayEnd: T0 }));
      await assert.rejects(
        store.createReplay(replay("r1", { arn: `${PREFIX}:replay/other` })),
        (e) => e instanceof StoreConflictError && e.reason === "exists",
      );
      assert.deepEqual(await store.getReplay(`${PREFIX}:replay/r1`), filtered);
      assert.equal(await store.getReplay("nope"), undefined);
      const first = await store.listReplays({ namePrefix: "r" }, { limit: 1 });
      assert.deepEqual(
        first.items.map((r) => r.name),
        ["r1"],
      );
      const second = await store.listReplays(
        { namePrefix: "r" },
        { limit: 5, nextToken: first.nextToken },
      );
      assert.deepEqual(
        second.items.map((r) => r.name),
        ["r2"],
      );
      assert.deepEqual(
        (
          await store.listReplays({ archiveArn: `${PREFIX}:archive/other` }, { limit: 5 })
        ).items.map((r) => r.name),
        ["r2"],
      );
      assert.deepEqual(
        (await store.listReplays({ state: "COMPLETED" }, { limit: 5 })).items.map((r) => r.name),
        ["x1"],
      );
      // Active ones, oldest first; a record's replayEnd is not taken at creation.
      assert.deepEqual(
        (await store.activeReplays()).map((r) => r.name),
        ["r2", "r1"],
      );
      assert.equal((await store.getReplay("x1"))?.replayEnd, undefined);

      const batch = (ids: string[]) => ({
        events: ids.map((id) => stored(id)),
        deliveries: ids.map((id) => delivery(id, "a")),
        cursor: { eventTime: T0 + 1, eventId: ids[ids.length - 1] },
        lastReplayedAt: T0 + 1,
      });
      assert.equal(await store.recordReplayBatch("r1", "RUNNING", batch(["rp0"])), false);
      assert.deepEqual(await store.claimDeliveries("me", T0, 30_000, 10), []);
      assert.equal(await store.recordReplayBatch("r1", "STARTING", batch(["rp1"])), true);
      const running = await store.getReplay("r1");
      assert.equal(running?.state, "RUNNING");
      assert.deepEqual(running?.cursor, { eventTime: T0 + 1, eventId: "rp1" });
      assert.equal(running?.lastReplayedAt, T0 + 1);
      // An event stored before (a batch written again) is kept once; its new deliveries go.
      assert.equal(
        await store.recordReplayBatch("r1", "RUNNING", {
          ...batch(["rp1", "rp2"]),
          end: { state: "FAILED", at: T0 + 50, reason: "archive gone" },
        }),
        true,
      );
      const ended = await store.getReplay("r1");
      assert.equal(ended?.state, "FAILED");
      assert.equal(ended?.replayEnd, T0 + 50);
      assert.equal(ended?.stateReason, "archive gone");
      assert.deepEqual(
        (await store.claimDeliveries("me", T0, 30_000, 10)).map((d) => d.event.id),
        ["rp1", "rp1", "rp2"],
      );

      assert.equal((await store.cancelReplay("r2"))?.state, "CANCELLING");
      assert.equal((await store.cancelReplay(`${PREFIX}:replay/r1`))?.state, "FAILED");
      assert.equal(await store.cancelReplay("nope"), undefined);
      assert.deepEqual(
        (await store.activeReplays()).map((r) => r.name),
        ["r2"],
      );
      assert.equal(await store.recordReplayBatch("r2", "RUNNING", batch(["rp3"])), false);
      assert.equal(
        await store.recordReplayBatch("r2", "CANCELLING", {
          ...batch([]),
          cursor: undefined,
          lastReplayedAt: undefined,
          end: { state: "CANCELLED", at: T0 + 60 },
        }),
        true,
      );
      const cancelled = await store.getReplay("r2");
      assert.equal(cancelled?.state, "CANCELLED");
      assert.equal(cancelled?.cursor, undefined);
      assert.deepEqual(await store.activeReplays(), []);
    });

    describe("several nodes on one database", { skip: !options.nodes && "one process" }, () => {
      let nodes: EventContractStore[];
      let closeNodes: () => Promise<void>;
      beforeEach(async () => {
        const opened = await options.nodes?.();
        if (!opened) throw new Error("no nodes");
        nodes = opened.stores;
        closeNodes = () => opened.close();
      });
      afterEach(() => closeNodes());

      test("nodes claiming deliveries at the same time never lease the same one", async () => {
        const ids = Array.from({ length: 120 }, (_, i) => `e${i}`);
        await nodes[0].acceptEvents(
          ids.map((id) => stored(id)),
          ids.map((id) => delivery(id, "a")),
        );
        const claimedBy = async (node: EventContractStore, owner: string) => {
          const got: number[] = [];
          for (;;) {
            const batch = await node.claimDeliveries(owner, T0, 60_000, 7);
            if (batch.length === 0) return got;
            got.push(...batch.map((d) => d.id));
          }
        };
        const claims = await Promise.all([
          claimedBy(nodes[0], "n0-a"),
          claimedBy(nodes[1], "n1-a"),
          claimedBy(nodes[0], "n0-b"),
          claimedBy(nodes[1], "n1-b"),
        ]);
        const all = claims.flat();
        assert.equal(new Set(all).size, all.length, "no delivery leased twice");
        assert.equal(all.length, ids.length, "every delivery leased");
        // Settled by any node: nothing is left to claim, even after the leases end.
        await Promise.all(
          all.map((id, i) => nodes[i % 2].settleDelivery(id, { kind: "delivered" }, T0)),
        );
        assert.deepEqual(await nodes[1].claimDeliveries("late", T0 + 120_000, 60_000, 10), []);
      });

      test("a scheduled occurrence is recorded once when every node fires it", async () => {
        await nodes[0].putRule(
          rule("tick", {
            eventPattern: undefined,
            scheduleExpression: "rate(1 minute)",
            nextFireAt: T0,
          }),
        );
        let recorded = 0;
        for (let i = 0; i < 10; i++) {
          const at = T0 + i * 60_000;
          const outcomes = await Promise.all(
            nodes.flatMap((node, n) =>
              [0, 1].map((k) => {
                const id = `tick-${i}-${n}-${k}`;
                return node.recordScheduledFire("default", "tick", at, at + 60_000, stored(id), [
                  delivery(id, "a"),
                ]);
              }),
            ),
          );
          assert.equal(outcomes.filter(Boolean).length, 1, `occurrence ${i} recorded once`);
          recorded++;
        }
        assert.equal((await nodes[1].getRule("default", "tick"))?.nextFireAt, T0 + 600_000);
        const owed = await nodes[1].claimDeliveries("me", T0, 60_000, 100);
        assert.equal(owed.length, recorded);
      });

      test("a status event accepted by every node at once is stored and delivered once", async () => {
        await nodes[0].startExecution({ ...newExecution("e"), statusEvent: statusEvent("ev-1") });
        const results = await Promise.allSettled(
          [...nodes, ...nodes].map((node) =>
            node.acceptEvents([stored("ev-1")], [delivery("ev-1", "a")], [], ["ev-1"]),
          ),
        );
        assert.deepEqual(
          results.map((r) => r.status),
          ["fulfilled", "fulfilled", "fulfilled", "fulfilled"],
        );
        assert.deepEqual(await nodes[1].pendingStatusEvents(10), []);
        assert.equal((await nodes[0].claimDeliveries("me", T0, 60_000, 10)).length, 1);
      });

      test("a replay batch committed by two nodes at once is recorded once", async () => {
        await nodes[0].createReplay(replay("r", { state: "RUNNING" }));
        const outcomes = await Promise.all(
          nodes.map((node, n) =>
            node.recordReplayBatch("r", "RUNNING", {
              events: [stored(`rp-${n}`)],
              deliveries: [delivery(`rp-${n}`, "a")],
              cursor: { eventTime: T0 + n, eventId: `rp-${n}` },
              lastReplayedAt: T0 + n,
              end: { state: "COMPLETED", at: T0 + 10 },
            }),
          ),
        );
        assert.equal(outcomes.filter(Boolean).length, 1);
        assert.equal((await nodes[1].claimDeliveries("me", T0, 60_000, 10)).length, 1);
        assert.equal((await nodes[0].getReplay("r"))?.state, "COMPLETED");
      });

      test("the configuration version moves with another node's configuration changes, not with traffic", async () => {
        const seen = () => nodes[1].eventConfigurationVersion();
        const changes: [string, () => Promise<unknown>][] = [
          ["bus", () => nodes[0].createEventBus({ name: "b", arn: "arn:b", createdAt: T0 })],
          [
            "rule",
            () =>
              nodes[0].putRule(rule("r", { scheduleExpression: "rate(1 minute)", nextFireAt: T0 })),
          ],
          ["targets", () => nodes[0].putTargets("default", "r", [target("a")])],
          ["archive", () => nodes[0].createArchive(archive("all"))],
          ["archive update", () => nodes[0].updateArchive(archive("all", { retentionDays: 2 }))],
          ["rule delete", () => nodes[0].deleteRule("default", "r")],
        ];
        for (const [what, change] of changes) {
          const before = await seen();
          await change();
          assert.notEqual(await seen(), before, what);
        }
        await nodes[0].putRule(rule("s", { scheduleExpression: "rate(1 minute)", nextFireAt: T0 }));
        const before = await seen();
        await nodes[0].acceptEvents([stored("e1")], [], [copy("all", "e1", T0)]);
        await nodes[0].recordScheduledFire("default", "s", T0, T0 + 60_000, stored("s1"), []);
        assert.equal(await seen(), before);
      });
    });
  });
}
