/**
 * The workflows contract: the behaviour the durable runtime and the API rely on, tested
 * through the `WorkflowStore` port only (no SQL), so every adapter (SQLite, PostgreSQL) runs
 * the same suite. An adapter's test file calls `storeContract(name, factory)`; the factory
 * returns a fresh, empty store for each test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { StoreConflictError } from "../../src/store/errors.js";
import type { Page } from "../../src/store/paging.js";
import { InvalidPageTokenError } from "../../src/store/paging.js";
import type {
  ClaimedExecution,
  ExecutionCommit,
  ExecutionStatus,
  StateMachineAliasRecord,
  StateMachineRecord,
  StateMachineVersionRecord,
  TaskRecord,
  WorkflowStore,
} from "../../src/store/workflows-port.js";
import {
  drain,
  type ExecutionOptions,
  event,
  events,
  executionArn,
  machineArn,
  newExecution,
  PREFIX,
  T0,
  task,
} from "./fixtures.js";

const LEASE = 30_000;

const activityArn = (name: string) => `${PREFIX}:activity:${name}`;

function machine(name: string, overrides: Partial<StateMachineRecord> = {}): StateMachineRecord {
  return {
    arn: machineArn(name),
    name,
    type: "STANDARD",
    definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } }),
    roleArn: `arn:aws:iam::123456789012:role/${name}`,
    revisionId: `${name}-r1`,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function version(of: string, number: number, createdAt = T0): StateMachineVersionRecord {
  return {
    arn: `${machineArn(of)}:${number}`,
    stateMachineArn: machineArn(of),
    version: number,
    definition: `{"v":${number}}`,
    roleArn: "arn:aws:iam::123456789012:role/r",
    revisionId: `${of}-r${number}`,
    createdAt,
  };
}

function alias(of: string, name: string, versions: number[]): StateMachineAliasRecord {
  return {
    arn: `${machineArn(of)}:${name}`,
    stateMachineArn: machineArn(of),
    name,
    routing: versions.map((v) => ({
      stateMachineVersionArn: `${machineArn(of)}:${v}`,
      weight: Math.floor(100 / versions.length),
    })),
    createdAt: T0,
    updatedAt: T0,
  };
}

/** A commit for a claim that changes nothing but what `overrides` says. */
function commitFor(
  claim: ClaimedExecution,
  overrides: Partial<ExecutionCommit> = {},
): ExecutionCommit {
  const added = overrides.events ?? [];
  return {
    arn: claim.record.arn,
    fence: claim.fence,
    record: { status: "RUNNING" },
    state: claim.state,
    nextEventId: claim.nextEventId + added.length,
    events: added,
    newTasks: [],
    consumedTasks: [],
    cancelledTasks: [],
    childExecutions: [],
    ...overrides,
  };
}

/** A page with nothing in it and nothing after it. */
function assertEmpty<T>(page: Page<T>): void {
  assert.deepEqual(page.items, []);
  assert.equal(page.nextToken, undefined);
}

const conflict = (reason: StoreConflictError["reason"]) => (error: unknown) =>
  error instanceof StoreConflictError && error.reason === reason;

const BAD_TOKENS = ["%%% not a token %%%", Buffer.from('{"bogus":true}').toString("base64url")];

/** What the workflows contract runs against: the port, and a way to close it. */
export type WorkflowContractStore = WorkflowStore & { close(): Promise<void> };

/** How an adapter runs the workflows contract. */
export interface WorkflowContractOptions {
  /** Why the suite is skipped (no database configured), or false/undefined to run it. */
  skip?: string | false;
  /**
   * Opens two stores on one fresh, empty database, as two nodes of a cluster see it. Absent
   * where one store per database is the rule (SQLite: its leases live in the one process,
   * and `recoverLeases` forgets them all at start-up); present, live leases are the other
   * nodes' and survive `recoverLeases`.
   */
  nodes?: () => Promise<[WorkflowContractStore, WorkflowContractStore]>;
}

/** Runs the contract suite against the stores `factory` opens (a fresh, empty store each time). */
export function storeContract(
  name: string,
  factory: () => Promise<WorkflowContractStore>,
  options: WorkflowContractOptions = {},
): void {
  const shared = options.nodes !== undefined;
  describe(`store contract: ${name}`, { skip: options.skip }, () => {
    let store: WorkflowContractStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    async function start(execName: string, options: ExecutionOptions = {}) {
      const { record, created } = await store.startExecution(newExecution(execName, options));
      assert.equal(created, true);
      return record;
    }

    async function claim(arn: string, now = T0, owner = "setup"): Promise<ClaimedExecution> {
      const claimed = await store.claimExecution(arn, owner, now, LEASE);
      assert.ok(claimed, `claim ${arn}`);
      return claimed;
    }

    /** Records tasks for an execution, leaving it waiting (no wake time). */
    async function schedule(arn: string, tasks: TaskRecord[], now = T0): Promise<void> {
      const claimed = await claim(arn, now);
      assert.deepEqual(await store.commit([commitFor(claimed, { newTasks: tasks })]), []);
    }

    /** Ends an execution with `status`. */
    async function finish(arn: string, status: ExecutionStatus, now = T0 + 1) {
      const claimed = await claim(arn, now);
      const type = status === "SUCCEEDED" ? "ExecutionSucceeded" : "ExecutionFailed";
      const record: ExecutionCommit["record"] =
        status === "SUCCEEDED"
          ? { status, output: '{"done":true}', stoppedAt: now }
          : { status, error: "Boom", cause: "it broke", stoppedAt: now };
      const lost = await store.commit([
        commitFor(claimed, { record, events: [event(claimed.nextEventId, type, now)] }),
      ]);
      assert.deepEqual(lost, []);
    }

    describe("state machines", () => {
      test("create then get returns the record, optional fields included", async () => {
        const full = machine("Full", {
          description: "does things",
          tags: { team: "ops", env: "test" },
          type: "EXPRESS",
        });
        const bare = machine("Bare");
        await store.createStateMachine(full);
        await store.createStateMachine(bare);
        assert.deepEqual(await store.getStateMachine(full.arn), full);
        assert.deepEqual(await store.getStateMachine(bare.arn), bare);
        assert.equal(await store.getStateMachine(machineArn("Nope")), undefined);
      });

      test("creating an existing arn is a conflict ('exists') and keeps the original", async () => {
        const original = machine("Dup");
        await store.createStateMachine(original);
        await assert.rejects(
          store.createStateMachine({ ...original, definition: "{}", revisionId: "other" }),
          conflict("exists"),
        );
        assert.deepEqual(await store.getStateMachine(original.arn), original);
      });

      test("update replaces the definition and revision; a missing machine is 'not-found'", async () => {
        const original = machine("Upd", { description: "old", tags: { a: "1" } });
        await store.createStateMachine(original);
        const updated: StateMachineRecord = {
          ...original,
          definition: '{"changed":true}',
          roleArn: "arn:aws:iam::123456789012:role/new",
          revisionId: "Upd-r2",
          updatedAt: T0 + 5,
          description: "new",
        };
        await store.updateStateMachine(updated);
        assert.deepEqual(await store.getStateMachine(original.arn), updated);
        await assert.rejects(store.updateStateMachine(machine("Ghost")), conflict("not-found"));
        assert.equal(await store.getStateMachine(machineArn("Ghost")), undefined);
      });

      test("list pages with nextToken in a stable order without gaps or duplicates", async () => {
        const names = ["m05", "m01", "m07", "m03", "m02", "m06", "m04"];
        for (const n of names) await store.createStateMachine(machine(n));
        const all = await store.listStateMachines({ limit: 100 });
        assert.equal(all.nextToken, undefined);
        assert.equal(all.items.length, names.length);
        for (const limit of [1, 2, 3, 7]) {
          const { items, pages } = await drain((p) => store.listStateMachines(p), limit);
          assert.deepEqual(
            items.map((m) => m.arn),
            all.items.map((m) => m.arn),
            `limit ${limit}`,
          );
          assert.equal(pages, Math.ceil(names.length / limit), `no empty last page at ${limit}`);
        }
        const first = await store.listStateMachines({ limit: 3 });
        assert.equal(first.items.length, 3);
        assert.ok(first.nextToken);
      });

      test("an empty list has no items and no token", async () => {
        assertEmpty(await store.listStateMachines({ limit: 10 }));
      });

      test("delete removes the machine, its versions and its aliases", async () => {
        await store.createStateMachine(machine("Del"));
        await store.createStateMachine(machine("Keep"));
        await store.publishVersion(version("Del", 1));
        await store.publishVersion(version("Del", 2));
        await store.publishVersion(version("Keep", 1));
        await store.putAlias(alias("Del", "prod", [1, 2]));
        await store.putAlias(alias("Keep", "prod", [1]));

        assert.equal(await store.deleteStateMachine(machineArn("Del")), true);
        assert.equal(await store.getStateMachine(machineArn("Del")), undefined);
        assert.equal(await store.getVersion(version("Del", 1).arn), undefined);
        assert.equal(await store.getAlias(alias("Del", "prod", [1]).arn), undefined);
        assertEmpty(await store.listVersions(machineArn("Del"), { limit: 10 }));
        assertEmpty(await store.listAliases(machineArn("Del"), { limit: 10 }));
        // The other machine is untouched.
        assert.ok(await store.getStateMachine(machineArn("Keep")));
        assert.ok(await store.getVersion(version("Keep", 1).arn));
        assert.ok(await store.getAlias(alias("Keep", "prod", [1]).arn));
        assert.equal(await store.deleteStateMachine(machineArn("Del")), false);
      });

      test("deleting a machine leaves its executions running", async () => {
        await store.createStateMachine(machine("M"));
        const record = await start("e1");
        assert.equal(await store.deleteStateMachine(machineArn("M")), true);
        assert.deepEqual(await store.getExecution(record.arn), record);
        assert.equal((await store.claimExecutions("w", T0, LEASE, 10)).length, 1);
      });

      test("versions: publish, get, list per machine with paging, delete", async () => {
        await store.createStateMachine(machine("V"));
        await store.createStateMachine(machine("W"));
        const v1 = { ...version("V", 1), description: "first" };
        const published = [v1, version("V", 2), version("V", 3), version("V", 4)];
        for (const v of published) await store.publishVersion(v);
        await store.publishVersion(version("W", 1));
        assert.deepEqual(await store.getVersion(v1.arn), v1);
        assert.deepEqual(await store.getVersion(version("V", 2).arn), version("V", 2));
        assert.equal(await store.getVersion(version("V", 9).arn), undefined);

        const { items } = await drain((p) => store.listVersions(machineArn("V"), p), 3);
        assert.deepEqual(
          items.map((v) => v.version),
          [4, 3, 2, 1],
          "only this machine's versions, each once, newest first",
        );
        assert.equal(await store.deleteVersion(version("V", 2).arn), true);
        assert.equal(await store.deleteVersion(version("V", 2).arn), false);
        assert.equal(await store.getVersion(version("V", 2).arn), undefined);
        const after = await drain((p) => store.listVersions(machineArn("V"), p), 10);
        assert.deepEqual(after.items.map((v) => v.version).sort(), [1, 3, 4]);
      });

      test("publishing an existing version is a conflict ('exists') and keeps the first", async () => {
        await store.createStateMachine(machine("V"));
        await store.publishVersion(version("V", 1));
        // Two concurrent PublishStateMachineVersion calls pick the same next number.
        await assert.rejects(
          store.publishVersion({ ...version("V", 1), definition: "{}" }),
          conflict("exists"),
        );
        assert.deepEqual(await store.getVersion(version("V", 1).arn), version("V", 1));
      });

      test("aliases: put is an upsert (created time kept), get, list, delete", async () => {
        await store.createStateMachine(machine("A"));
        const prod = alias("A", "prod", [1]);
        await store.putAlias(prod);
        assert.deepEqual(await store.getAlias(prod.arn), prod);

        const moved: StateMachineAliasRecord = {
          ...prod,
          description: "canary",
          routing: [
            { stateMachineVersionArn: `${machineArn("A")}:1`, weight: 90 },
            { stateMachineVersionArn: `${machineArn("A")}:2`, weight: 10 },
          ],
          createdAt: T0 + 100,
          updatedAt: T0 + 100,
        };
        await store.putAlias(moved);
        assert.deepEqual(await store.getAlias(prod.arn), { ...moved, createdAt: T0 });

        for (const n of ["beta", "dev", "qa"]) await store.putAlias(alias("A", n, [1]));
        const { items } = await drain((p) => store.listAliases(machineArn("A"), p), 2);
        assert.deepEqual(items.map((a) => a.name).sort(), ["beta", "dev", "prod", "qa"]);
        assert.equal(await store.deleteAlias(prod.arn), true);
        assert.equal(await store.deleteAlias(prod.arn), false);
        assert.equal(await store.getAlias(prod.arn), undefined);
        assert.equal((await store.listAliases(machineArn("A"), { limit: 10 })).items.length, 3);
      });

      test("malformed page tokens are InvalidPageTokenError", async () => {
        await store.createStateMachine(machine("P"));
        for (const nextToken of BAD_TOKENS) {
          const page = { limit: 10, nextToken };
          await assert.rejects(store.listStateMachines(page), InvalidPageTokenError);
          await assert.rejects(store.listVersions(machineArn("P"), page), InvalidPageTokenError);
          await assert.rejects(store.listAliases(machineArn("P"), page), InvalidPageTokenError);
          await assert.rejects(store.listActivities(page), InvalidPageTokenError);
          await assert.rejects(store.listExecutions({}, page), InvalidPageTokenError);
          await assert.rejects(
            store.getHistory(executionArn("P", "x"), { page, reverse: false }),
            InvalidPageTokenError,
          );
        }
      });
    });

    describe("executions", () => {
      test("one process per store: its own starts never call the due listener", {
        skip: shared && "a shared store tells every node",
      }, async () => {
        let called = 0;
        const stop = await store.onExecutionsDue(() => {
          called++;
        });
        await store.startExecution(newExecution("own"));
        await new Promise((resolve) => setTimeout(resolve, 50));
        stop();
        assert.equal(called, 0);
      });

      test("start stores the record, its state and its first events", async () => {
        const execution = newExecution("e1", {
          eventCount: 3,
          record: {
            qualifiedArn: `${machineArn("M")}:prod`,
            parentTaskToken: "parent-token",
          },
        });
        const result = await store.startExecution(execution);
        assert.deepEqual(result, { record: execution.record, created: true });
        assert.deepEqual(await store.getExecution(execution.record.arn), execution.record);
        const history = await store.getHistory(execution.record.arn, {
          page: { limit: 10 },
          reverse: false,
        });
        assert.deepEqual(history.items, execution.events);
        assert.equal(history.nextToken, undefined);
        const claimed = await claim(execution.record.arn);
        assert.equal(claimed.state, execution.state);
        assert.equal(claimed.nextEventId, 4);
        assert.equal(await store.getExecution(executionArn("M", "nope")), undefined);
      });

      test("start is idempotent by (machine, name): the existing record, created false, nothing written", async () => {
        const first = newExecution("same", { input: '{"a":1}', state: "first-state" });
        await store.startExecution(first);
        const second = newExecution("same", {
          input: '{"a":2}',
          state: "second-state",
          eventCount: 4,
          startedAt: T0 + 1000,
        });
        const result = await store.startExecution(second);
        assert.equal(result.created, false);
        assert.deepEqual(result.record, first.record);
        assert.deepEqual(await store.getExecution(first.record.arn), first.record);
        const history = await store.getHistory(first.record.arn, {
          page: { limit: 100 },
          reverse: false,
        });
        assert.deepEqual(history.items, first.events);
        const claimed = await claim(first.record.arn);
        assert.equal(claimed.state, "first-state");
        assert.equal(claimed.nextEventId, 2);
        // A finished execution is returned as it is, too.
        await store.release(first.record.arn, claimed.fence);
        await finish(first.record.arn, "FAILED");
        const again = await store.startExecution(second);
        assert.equal(again.created, false);
        assert.equal(again.record.status, "FAILED");
        assert.equal(again.record.error, "Boom");
      });

      test("the same name under another machine is another execution", async () => {
        await start("shared", { machine: "M1" });
        const other = await store.startExecution(newExecution("shared", { machine: "M2" }));
        assert.equal(other.created, true);
        assert.equal((await store.listExecutions({}, { limit: 10 })).items.length, 2);
      });

      test("history pages forwards and in reverse with tokens, no gaps or duplicates", async () => {
        const execution = newExecution("h", { eventCount: 10 });
        execution.events[3].details = { nested: { list: [1, "two", null, true] } };
        await store.startExecution(execution);
        const arn = execution.record.arn;
        for (const limit of [1, 3, 4, 10, 11]) {
          const forward = await drain(
            (page) => store.getHistory(arn, { page, reverse: false }),
            limit,
          );
          assert.deepEqual(forward.items, execution.events, `forward, limit ${limit}`);
          assert.equal(forward.pages, Math.max(1, Math.ceil(10 / limit)));
          const backward = await drain(
            (page) => store.getHistory(arn, { page, reverse: true }),
            limit,
          );
          assert.deepEqual(backward.items, [...execution.events].reverse(), `reverse ${limit}`);
        }
        assertEmpty(
          await store.getHistory(executionArn("M", "none"), {
            page: { limit: 10 },
            reverse: false,
          }),
        );
      });

      test("history tokens stay valid while events are appended", async () => {
        const execution = newExecution("grow", { eventCount: 4 });
        await store.startExecution(execution);
        const arn = execution.record.arn;
        const first = await store.getHistory(arn, { page: { limit: 2 }, reverse: false });
        assert.deepEqual(
          first.items.map((e) => e.id),
          [1, 2],
        );
        const claimed = await claim(arn);
        await store.commit([commitFor(claimed, { events: events(5, 3) })]);
        assert.ok(first.nextToken);
        const rest = await drain(
          (page) => store.getHistory(arn, { page, reverse: false }),
          2,
          first.nextToken,
        );
        assert.deepEqual(
          rest.items.map((e) => e.id),
          [3, 4, 5, 6, 7],
        );
      });

      test("list filters by machine and status, newest first", async () => {
        await start("a1", { machine: "A", startedAt: T0 + 1 });
        await start("a2", { machine: "A", startedAt: T0 + 3 });
        await start("b1", { machine: "B", startedAt: T0 + 2 });
        await start("a3", { machine: "A", startedAt: T0 + 4 });
        await finish(executionArn("A", "a2"), "SUCCEEDED");
        await finish(executionArn("B", "b1"), "FAILED");

        const names = async (filter: Parameters<WorkflowStore["listExecutions"]>[0]) =>
          (await drain((p) => store.listExecutions(filter, p), 2)).items.map((e) => e.name);
        assert.deepEqual(await names({}), ["a3", "a2", "b1", "a1"]);
        assert.deepEqual(await names({ stateMachineArn: machineArn("A") }), ["a3", "a2", "a1"]);
        assert.deepEqual(await names({ status: "RUNNING" }), ["a3", "a1"]);
        assert.deepEqual(await names({ status: "FAILED" }), ["b1"]);
        assert.deepEqual(await names({ stateMachineArn: machineArn("A"), status: "SUCCEEDED" }), [
          "a2",
        ]);
        assert.deepEqual(await names({ stateMachineArn: machineArn("Z") }), []);
        const a2 = (await store.listExecutions({ status: "SUCCEEDED" }, { limit: 1 })).items[0];
        assert.deepEqual(a2, await store.getExecution(executionArn("A", "a2")));
      });

      test("filtered lists read their index backwards: newest first, equal start times by ARN, paged without loss", async () => {
        for (const [name, at] of [
          ["c", 1],
          ["a", 1],
          ["d", 2],
          ["b", 1],
          ["e", 0],
        ] as const)
          await start(name, { startedAt: T0 + at });
        const expected = ["d", "a", "b", "c", "e"];
        for (const filter of [
          { status: "RUNNING" as const },
          { stateMachineArn: machineArn("M") },
        ]) {
          const { items } = await drain((p) => store.listExecutions(filter, p), 2);
          assert.deepEqual(
            items.map((e) => e.name),
            expected,
          );
        }
      });

      test("list paging is stable while new executions arrive, also with equal start times", async () => {
        for (let i = 0; i < 9; i++) await start(`e${i}`, { startedAt: T0 + Math.floor(i / 3) });
        const expected = (await store.listExecutions({}, { limit: 100 })).items.map((e) => e.arn);
        assert.equal(expected.length, 9);
        const seen: string[] = [];
        let page = await store.listExecutions({}, { limit: 2 });
        let added = 0;
        for (;;) {
          seen.push(...page.items.map((e) => e.arn));
          // Newer executions start between page requests.
          await start(`late${added++}`, { startedAt: T0 + 100 + added });
          if (!page.nextToken) break;
          page = await store.listExecutions({}, { limit: 2, nextToken: page.nextToken });
        }
        assert.deepEqual(seen, expected);
      });
    });

    describe("claims and commits", () => {
      test("claimStarted leases a new execution from what it started with, only while it has not moved on", async () => {
        const started = newExecution("fresh", { eventCount: 2 });
        await store.startExecution(started);
        const claim = await store.claimStarted(started, "w", T0, LEASE);
        assert.ok(claim);
        assert.deepEqual(
          [claim.record, claim.state, claim.nextEventId, claim.settledTasks, claim.heartbeats],
          [started.record, started.state, 3, [], {}],
        );
        assert.equal(claim.stopRequest, undefined);
        // Leased: neither claim takes it again.
        assert.equal(await store.claimStarted(started, "x", T0, LEASE), undefined);
        assert.deepEqual(await store.claimExecutions("x", T0, LEASE, 10), []);
        // Once a pass committed, its starting state is stale: only the due claim may take it.
        await store.commit([commitFor(claim, { events: [event(3, "PassStateEntered")] })]);
        assert.equal(await store.claimStarted(started, "w", T0 + LEASE + 1, LEASE), undefined);

        const stopped = newExecution("stopped");
        await store.startExecution(stopped);
        await store.requestStop(stopped.record.arn, "Cancelled", undefined, T0);
        const withStop = await store.claimStarted(stopped, "w", T0, LEASE);
        assert.deepEqual(withStop?.stopRequest, { error: "Cancelled" });

        const ended = newExecution("ended");
        await store.startExecution(ended);
        await finish(ended.record.arn, "FAILED");
        assert.equal(await store.claimStarted(ended, "w", T0 + LEASE + 10, LEASE), undefined);
        assert.equal(
          await store.claimStarted(newExecution("never-stored"), "w", T0, LEASE),
          undefined,
        );
      });

      test("claimExecutions leases RUNNING executions that are due and unleased", async () => {
        await start("due", { startedAt: T0 });
        await start("later", { startedAt: T0 + 10_000 });
        await start("done");
        await finish(executionArn("M", "done"), "SUCCEEDED");
        await start("waiting");
        await schedule(executionArn("M", "waiting"), [task(executionArn("M", "waiting"), "t1")]);

        const claims = await store.claimExecutions("w1", T0 + 5, LEASE, 10);
        assert.deepEqual(
          claims.map((c) => c.record.name),
          ["due"],
        );
        const [c] = claims;
        assert.deepEqual(c.record, await store.getExecution(executionArn("M", "due")));
        assert.equal(c.state, "state-of-due");
        assert.equal(c.nextEventId, 2);
        assert.equal(typeof c.fence, "number");
        assert.deepEqual(c.settledTasks, []);
        assert.deepEqual(c.heartbeats, {});
        assert.equal(c.stopRequest, undefined);

        assert.deepEqual(await store.claimExecutions("w2", T0 + 5, LEASE, 10), []);
        const laterClaims = await store.claimExecutions("w2", T0 + 10_000, LEASE, 10);
        assert.deepEqual(
          laterClaims.map((x) => x.record.name),
          ["later"],
        );
      });

      test("claimExecutions takes at most `limit`, the most overdue first", async () => {
        for (let i = 0; i < 5; i++) await start(`e${i}`, { startedAt: T0 + 10 - i });
        const first = await store.claimExecutions("w", T0 + 100, LEASE, 2);
        assert.deepEqual(
          first.map((c) => c.record.name),
          ["e4", "e3"],
        );
        const rest = await store.claimExecutions("w", T0 + 100, LEASE, 10);
        assert.deepEqual(rest.map((c) => c.record.name).sort(), ["e0", "e1", "e2"]);
      });

      test("a leased execution goes to nobody else until the lease expires; the old holder's commit is then lost", async () => {
        const record = await start("e");
        const [a] = await store.claimExecutions("a", T0, 1000, 10);
        assert.ok(a);
        assert.deepEqual(await store.claimExecutions("b", T0 + 999, 1000, 10), []);
        assert.equal(await store.claimExecution(record.arn, "b", T0 + 999, 1000), undefined);

        const [b] = await store.claimExecutions("b", T0 + 1001, 1000, 10);
        assert.ok(b, "claimable again once the lease expired");
        assert.ok(b.fence > a.fence, "a new lease has a higher fence");

        const stale = commitFor(a, {
          record: { status: "SUCCEEDED", output: "{}", stoppedAt: T0 + 2 },
          state: "stale-state",
          events: [event(2, "ExecutionSucceeded")],
          newTasks: [task(record.arn, "stale-task")],
          childExecutions: [newExecution("stale-child")],
        });
        assert.deepEqual(await store.commit([stale]), [record.arn]);
        assert.deepEqual(await store.getExecution(record.arn), record);
        assert.equal(await store.getTask("stale-task"), undefined);
        assert.equal(await store.getExecution(executionArn("M", "stale-child")), undefined);
        const history = await store.getHistory(record.arn, {
          page: { limit: 10 },
          reverse: false,
        });
        assert.equal(history.items.length, 1);

        // The current holder commits normally.
        assert.deepEqual(await store.commit([commitFor(b, { state: "b-state" })]), []);
      });

      test("commit applies state, events, status, output and releases the lease", async () => {
        const record = await start("e");
        const c = await claim(record.arn, T0, "a");
        const lost = await store.commit([
          commitFor(c, {
            record: { status: "SUCCEEDED", output: '{"ok":1}', stoppedAt: T0 + 7 },
            state: "final-state",
            events: [event(2, "PassStateEntered", T0 + 6), event(3, "ExecutionSucceeded", T0 + 7)],
          }),
        ]);
        assert.deepEqual(lost, []);
        assert.deepEqual(await store.getExecution(record.arn), {
          ...record,
          status: "SUCCEEDED",
          output: '{"ok":1}',
          stoppedAt: T0 + 7,
        });
        const history = await store.getHistory(record.arn, {
          page: { limit: 10 },
          reverse: true,
        });
        assert.deepEqual(
          history.items.map((e) => [e.id, e.type]),
          [
            [3, "ExecutionSucceeded"],
            [2, "PassStateEntered"],
            [1, "ExecutionStarted"],
          ],
        );
        // The lease is gone: another owner can claim it by arn right away.
        const again = await store.claimExecution(record.arn, "b", T0 + 8, LEASE);
        assert.ok(again);
        assert.equal(again.state, "final-state");
        assert.equal(again.nextEventId, 4);
        assert.deepEqual(await store.claimExecutions("b", T0 + 10_000, LEASE, 10), []);
      });

      test("commit sets the wake time: due then, not before; none means only when woken", async () => {
        const record = await start("e");
        let c = await claim(record.arn);
        await store.commit([commitFor(c, { wakeAt: T0 + 1000 })]);
        assert.equal(await store.nextWakeAt(), T0 + 1000);
        assert.deepEqual(await store.claimExecutions("w", T0 + 999, LEASE, 10), []);
        [c] = await store.claimExecutions("w", T0 + 1000, LEASE, 10);
        assert.ok(c);
        await store.commit([commitFor(c)]);
        assert.equal(await store.nextWakeAt(), undefined);
        assert.deepEqual(await store.claimExecutions("w", T0 + 1e9, LEASE, 10), []);
      });

      test("commit records new tasks, consumes applied ones and cancels others", async () => {
        const record = await start("e");
        const arn = record.arn;
        const dispatch = task(arn, "d1", { heartbeatSeconds: 30 });
        const activity = task(arn, "act1", {
          kind: "activity",
          activityArn: activityArn("q"),
          frameId: 2,
        });
        const callback = task(arn, "cb1", { kind: "callback", awaitsToken: true });
        const toCancel = task(arn, "c1");
        await schedule(arn, [dispatch, activity, callback, toCancel]);
        assert.deepEqual(await store.getTask("d1"), dispatch);
        assert.deepEqual(await store.getTask("act1"), activity);
        assert.deepEqual(await store.getTask("cb1"), callback);
        assert.equal(await store.getTask("nope"), undefined);

        assert.equal(await store.settleTask("d1", { output: '"r"' }, T0 + 1), "settled");
        const c = await claim(arn, T0 + 2);
        assert.deepEqual(
          c.settledTasks.map((t) => t.token),
          ["d1"],
        );
        await store.commit([
          commitFor(c, {
            consumedTasks: ["d1"],
            cancelledTasks: [
              { token: "c1", status: "cancelled" },
              { token: "cb1", status: "timed_out" },
            ],
          }),
        ]);
        assert.equal((await store.getTask("c1"))?.status, "cancelled");
        assert.equal((await store.getTask("cb1"))?.status, "timed_out");
        const next = await claim(arn, T0 + 3);
        assert.deepEqual(next.settledTasks, [], "consumed results are not handed out again");
        // Cancelled tasks are not dispatched.
        const dispatched = await store.claimDispatchTasks("d", T0 + 4, LEASE, 10);
        assert.deepEqual(dispatched, []);
      });

      test("commit starts child executions", async () => {
        const parent = await start("parent");
        const c = await claim(parent.arn);
        const child = newExecution("child", {
          machine: "Child",
          startedAt: T0 + 5,
          eventCount: 2,
          record: { parentTaskToken: "pt" },
        });
        await store.commit([commitFor(c, { childExecutions: [child] })]);
        assert.deepEqual(await store.getExecution(child.record.arn), child.record);
        assert.deepEqual(
          (
            await store.getHistory(child.record.arn, {
              page: { limit: 10 },
              reverse: false,
            })
          ).items,
          child.events,
        );
        const [due] = await store.claimExecutions("w", T0 + 5, LEASE, 10);
        assert.equal(due?.record.arn, child.record.arn, "a new child is due at its start");
        assert.equal(due.state, child.state);
      });

      test("a child execution that already exists is left as it is", async () => {
        const existing = await start("kid", { machine: "K", input: '{"first":true}' });
        const parent = await start("parent");
        const c = await claim(parent.arn);
        const again = newExecution("kid", {
          machine: "K",
          input: '{"second":true}',
          eventCount: 3,
        });
        assert.deepEqual(await store.commit([commitFor(c, { childExecutions: [again] })]), []);
        assert.deepEqual(await store.getExecution(existing.arn), existing);
        const history = await store.getHistory(existing.arn, {
          page: { limit: 10 },
          reverse: false,
        });
        assert.equal(history.items.length, 1);
      });

      test("parentSettlement settles the parent's task and wakes the parent in the same commit", async () => {
        const parent = await start("parent");
        await schedule(parent.arn, [
          task(parent.arn, "pt", { kind: "callback", awaitsToken: false }),
        ]);
        const child = await start("child", {
          machine: "Child",
          record: { parentTaskToken: "pt" },
        });
        const c = await claim(child.arn, T0 + 50);
        const lost = await store.commit([
          commitFor(c, {
            record: { status: "SUCCEEDED", output: '{"c":1}', stoppedAt: T0 + 60 },
            events: [event(2, "ExecutionSucceeded", T0 + 60)],
            parentSettlement: { token: "pt", outcome: { output: '{"child":"done"}' } },
          }),
        ]);
        assert.deepEqual(lost, []);
        const settled = await store.getTask("pt");
        assert.equal(settled?.status, "succeeded");
        assert.equal(settled?.output, '{"child":"done"}');
        const claims = await store.claimExecutions("w", T0 + 1000, LEASE, 10);
        assert.deepEqual(
          claims.map((x) => x.record.arn),
          [parent.arn],
        );
        assert.deepEqual(
          claims[0].settledTasks.map((t) => [t.token, t.output]),
          [["pt", '{"child":"done"}']],
        );
      });

      test("parentSettlement with a failure records error and cause", async () => {
        const parent = await start("parent");
        await schedule(parent.arn, [task(parent.arn, "pt", { kind: "callback" })]);
        const child = await start("child", { machine: "Child" });
        const c = await claim(child.arn, T0 + 1);
        await store.commit([
          commitFor(c, {
            record: { status: "FAILED", error: "E", cause: "C", stoppedAt: T0 + 2 },
            parentSettlement: {
              token: "pt",
              outcome: { error: "States.TaskFailed", cause: "child failed" },
            },
          }),
        ]);
        const settled = await store.getTask("pt");
        assert.equal(settled?.status, "failed");
        assert.equal(settled?.error, "States.TaskFailed");
        assert.equal(settled?.cause, "child failed");
        assert.equal(settled?.output, undefined);
      });

      test("a batch with one stale fence applies the others", async () => {
        const a = await start("a");
        const b = await start("b");
        const c = await start("c");
        const claims = await store.claimExecutions("w", T0, 1000, 10);
        assert.equal(claims.length, 3);
        const byName = (n: string) => claims.find((x) => x.record.name === n)!;
        // b's lease expires and another owner takes it.
        const other = await store.claimExecution(b.arn, "other", T0 + 2000, 1000);
        assert.ok(other);
        const lost = await store.commit(
          ["a", "b", "c"].map((n) =>
            commitFor(byName(n), {
              state: `${n}-next`,
              events: [event(2, "PassStateEntered")],
              newTasks: [task(executionArn("M", n), `task-${n}`)],
            }),
          ),
        );
        assert.deepEqual(lost, [b.arn]);
        for (const [record, applied] of [
          [a, true],
          [b, false],
          [c, true],
        ] as const) {
          const history = await store.getHistory(record.arn, {
            page: { limit: 10 },
            reverse: false,
          });
          assert.equal(history.items.length, applied ? 2 : 1, record.name);
          assert.equal(Boolean(await store.getTask(`task-${record.name}`)), applied, record.name);
        }
        const reclaimedA = await claim(a.arn, T0 + 3000);
        assert.equal(reclaimedA.state, "a-next");
      });

      test("an error in the middle of a batch rolls the whole batch back", async () => {
        const a = await start("a");
        const b = await start("b");
        const ca = await claim(a.arn, T0, "w");
        const cb = await claim(b.arn, T0, "w");
        const good = commitFor(ca, {
          record: { status: "SUCCEEDED", output: "{}", stoppedAt: T0 + 1 },
          state: "a-done",
          events: [event(2, "ExecutionSucceeded")],
          newTasks: [task(a.arn, "ta")],
          childExecutions: [newExecution("kid", { machine: "K" })],
        });
        // Event 1 exists already: the commit cannot be applied.
        const broken = commitFor(cb, { state: "b-broken", events: [event(1, "PassStateEntered")] });
        await assert.rejects(store.commit([good, broken]));

        assert.deepEqual(await store.getExecution(a.arn), a);
        assert.equal(await store.getTask("ta"), undefined);
        assert.equal(await store.getExecution(executionArn("K", "kid")), undefined);
        assert.equal(
          (await store.getHistory(a.arn, { page: { limit: 10 }, reverse: false })).items.length,
          1,
        );
        // Nothing happened, so the leases still hold and the good commit can be retried alone.
        assert.equal(await store.claimExecution(a.arn, "other", T0 + 1, LEASE), undefined);
        assert.deepEqual(await store.commit([good]), []);
        assert.equal((await store.getExecution(a.arn))?.status, "SUCCEEDED");
        assert.ok(await store.getTask("ta"));
        assert.ok(await store.getExecution(executionArn("K", "kid")));
      });

      test("claimExecution takes one execution by arn regardless of wake time, but not a leased one", async () => {
        const record = await start("e", { startedAt: T0 + 60_000 });
        assert.equal(
          await store.claimExecution(executionArn("M", "nope"), "w", T0, LEASE),
          undefined,
        );
        const c = await store.claimExecution(record.arn, "api", T0, 120_000);
        assert.ok(c);
        assert.deepEqual(c.record, record);
        assert.equal(await store.claimExecution(record.arn, "other", T0 + 1, LEASE), undefined);
        assert.deepEqual(
          await store.claimExecutions("w", T0 + 60_000, LEASE, 10),
          [],
          "due, but leased",
        );
        await store.commit([commitFor(c)]);
        // Waiting (no wake time): still claimable by arn.
        assert.ok(await store.claimExecution(record.arn, "api", T0 + 2, LEASE));
      });

      test("a finished execution can be claimed by arn and redriven", async () => {
        const record = await start("e");
        await finish(record.arn, "FAILED", T0 + 10);
        const c = await claim(record.arn, T0 + 20, "redrive");
        assert.equal(c.record.status, "FAILED");
        const lost = await store.commit([
          commitFor(c, {
            record: { status: "RUNNING", redriveCount: 1, redrivenAt: T0 + 20 },
            events: [event(c.nextEventId, "ExecutionRedriven", T0 + 20)],
            wakeAt: T0 + 20,
          }),
        ]);
        assert.deepEqual(lost, []);
        assert.deepEqual(await store.getExecution(record.arn), {
          ...record,
          redriveCount: 1,
          redrivenAt: T0 + 20,
        });
        const [due] = await store.claimExecutions("w", T0 + 20, LEASE, 10);
        assert.equal(due?.record.arn, record.arn);
        assert.equal(due.record.redriveCount, 1);
      });

      test("release gives the lease up; a stale fence releases nothing", async () => {
        const record = await start("e");
        const [first] = await store.claimExecutions("a", T0, 1000, 10);
        await store.release(record.arn, first.fence);
        const [second] = await store.claimExecutions("b", T0 + 1, LEASE, 10);
        assert.ok(second, "released: claimable at once, still due");
        assert.equal(second.state, first.state);
        await store.release(record.arn, first.fence);
        assert.deepEqual(await store.claimExecutions("c", T0 + 2, LEASE, 10), []);
        assert.equal(await store.claimExecution(record.arn, "c", T0 + 2, LEASE), undefined);
      });

      test("nextWakeAt is the earliest wake time of a RUNNING execution", async () => {
        assert.equal(await store.nextWakeAt(), undefined);
        await start("late", { startedAt: T0 + 500 });
        await start("early", { startedAt: T0 + 200 });
        await start("ended", { startedAt: T0 + 100 });
        assert.equal(await store.nextWakeAt(), T0 + 100);
        await finish(executionArn("M", "ended"), "SUCCEEDED");
        assert.equal(await store.nextWakeAt(), T0 + 200);
        await schedule(executionArn("M", "early"), []);
        assert.equal(await store.nextWakeAt(), T0 + 500);
      });

      test("recoverLeases frees the execution leases of a restarted node's previous process", async () => {
        const record = await start("e");
        const [old] = await store.claimExecutions("node-a/engine-1", T0, LEASE, 10);
        await store.recoverLeases("node-a/");
        const [fresh] = await store.claimExecutions("new", T0 + 1, LEASE, 10);
        assert.equal(fresh?.record.arn, record.arn);
        assert.ok(fresh.fence > old.fence);
        assert.deepEqual(await store.commit([commitFor(old)]), [record.arn]);
        assert.deepEqual(await store.commit([commitFor(fresh)]), []);
      });

      test("recoverLeases makes the previous process's started dispatch tasks claimable again, nothing else", async () => {
        const record = await start("e");
        await schedule(record.arn, [
          task(record.arn, "running"),
          task(record.arn, "awaiting", { awaitsToken: true }),
          task(record.arn, "done"),
          task(record.arn, "act", { kind: "activity", activityArn: activityArn("q") }),
        ]);
        const claimed = await store.claimDispatchTasks("node-a/engine-1", T0 + 1, 60_000, 10);
        assert.deepEqual(claimed.map((t) => t.token).sort(), ["awaiting", "done", "running"]);
        await store.markTaskAwaitingToken("awaiting", T0 + 2);
        await store.settleTask("done", { output: "1" }, T0 + 2);
        assert.equal(
          (await store.claimActivityTask(activityArn("q"), "worker", T0 + 2))?.token,
          "act",
        );

        await store.recoverLeases("node-a/");
        const again = await store.claimDispatchTasks("node-a/engine-2", T0 + 3, 60_000, 10);
        assert.deepEqual(
          again.map((t) => t.token),
          ["running"],
        );
        assert.equal(
          again[0].idempotencyKey,
          claimed.find((t) => t.token === "running")?.idempotencyKey,
        );
        assert.equal(again[0].status, "started");
        assert.equal(await store.claimActivityTask(activityArn("q"), "other", T0 + 3), undefined);
      });

      test("on a shared database recoverLeases keeps live leases; expired ones are claimable again", {
        skip: !shared && "one store per database",
      }, async () => {
        const record = await start("e");
        await schedule(record.arn, [
          task(record.arn, "running"),
          task(record.arn, "awaiting", { awaitsToken: true }),
          task(record.arn, "done"),
        ]);
        const [held] = await store.claimExecutions("live", T0, LEASE, 10);
        assert.equal(held, undefined, "not due: it waits for its tasks");
        const live = await claim(record.arn, T0 + 1, "live");
        const tasks = await store.claimDispatchTasks("live", T0 + 1, 60_000, 10);
        assert.equal(tasks.length, 3);
        await store.markTaskAwaitingToken("awaiting", T0 + 2);
        await store.settleTask("done", { output: "1" }, T0 + 2);

        // Another node starts: the leases of the live one are not its to forget.
        await store.recoverLeases("new/");
        assert.equal(await store.claimExecution(record.arn, "new", T0 + 3, LEASE), undefined);
        assert.deepEqual(await store.claimDispatchTasks("new", T0 + 3, 60_000, 10), []);
        assert.deepEqual(await store.commit([commitFor(live)]), [], "the live lease still commits");

        // The node dies: once its lease ends, its dispatch task runs again, with the same key.
        const again = await store.claimDispatchTasks("new", T0 + 60_002, 60_000, 10);
        assert.deepEqual(
          again.map((t) => [t.token, t.status, t.idempotencyKey, t.startedAt]),
          [
            [
              "running",
              "started",
              tasks.find((t) => t.token === "running")?.idempotencyKey,
              T0 + 1,
            ],
          ],
        );
      });

      test("requestStop on a running execution wakes it with the stop request", async () => {
        const record = await start("e");
        await schedule(record.arn, [task(record.arn, "t")]);
        assert.equal(await store.nextWakeAt(), undefined);
        const returned = await store.requestStop(record.arn, "Cancelled", "by test", T0 + 10);
        assert.equal(returned.arn, record.arn);
        assert.equal(returned.status, "RUNNING");
        assert.equal(await store.nextWakeAt(), T0 + 10);
        const [c] = await store.claimExecutions("w", T0 + 10, LEASE, 10);
        assert.deepEqual(c?.stopRequest, { error: "Cancelled", cause: "by test" });
        await store.commit([
          commitFor(c, {
            record: { status: "ABORTED", error: "Cancelled", cause: "by test", stoppedAt: T0 + 11 },
            events: [event(c.nextEventId, "ExecutionAborted", T0 + 11)],
            cancelledTasks: [{ token: "t", status: "cancelled" }],
            stopApplied: true,
          }),
        ]);
        assert.equal((await store.getExecution(record.arn))?.status, "ABORTED");
        const after = await claim(record.arn, T0 + 12);
        assert.equal(after.stopRequest, undefined, "an applied stop is not handed out again");
      });

      test("requestStop without error or cause gives an empty stop request", async () => {
        const record = await start("e");
        await store.requestStop(record.arn, undefined, undefined, T0);
        const c = await claim(record.arn, T0);
        assert.deepEqual(c.stopRequest, {});
      });

      test("requestStop on a missing execution is 'not-found', on a finished one 'not-running'", async () => {
        await assert.rejects(
          store.requestStop(executionArn("M", "ghost"), undefined, undefined, T0),
          conflict("not-found"),
        );
        const record = await start("e");
        await finish(record.arn, "SUCCEEDED");
        await assert.rejects(
          store.requestStop(record.arn, "E", undefined, T0 + 5),
          conflict("not-running"),
        );
        const c = await claim(record.arn, T0 + 6);
        assert.equal(c.stopRequest, undefined);
      });

      test("a task settled while its execution is leased wakes it after the commit", async () => {
        const record = await start("e");
        await schedule(record.arn, [task(record.arn, "slow"), task(record.arn, "timer")]);
        // The execution is being processed (for another reason) when the result arrives.
        const c = await claim(record.arn, T0 + 10, "w");
        assert.equal(await store.settleTask("slow", { output: '"late"' }, T0 + 11), "settled");
        await store.commit([commitFor(c, { wakeAt: T0 + 60_000 })]);
        const [next] = await store.claimExecutions("w", T0 + 12, LEASE, 10);
        assert.equal(next?.record.arn, record.arn, "the result is not left waiting");
        assert.deepEqual(
          next.settledTasks.map((t) => t.token),
          ["slow"],
        );
      });

      test("a stop requested while the execution is leased survives the commit", async () => {
        const record = await start("e");
        const c = await claim(record.arn, T0, "w");
        await store.requestStop(record.arn, "E", "C", T0 + 1);
        await store.commit([commitFor(c)]);
        const [next] = await store.claimExecutions("w", T0 + 2, LEASE, 10);
        assert.equal(next?.record.arn, record.arn);
        assert.deepEqual(next.stopRequest, { error: "E", cause: "C" });
      });
    });

    describe("tasks", () => {
      test("claimDispatchTasks leases each scheduled dispatch task once, again after the lease expires", async () => {
        const record = await start("e");
        await schedule(record.arn, [
          task(record.arn, "d1", { createdAt: T0 }),
          task(record.arn, "d2", { createdAt: T0 + 1 }),
          task(record.arn, "d3", { createdAt: T0 + 2 }),
          task(record.arn, "a1", { kind: "activity", activityArn: activityArn("q") }),
          task(record.arn, "cb", { kind: "callback", awaitsToken: true }),
        ]);
        const first = await store.claimDispatchTasks("n1", T0 + 10, 1000, 2);
        assert.deepEqual(
          first.map((t) => t.token),
          ["d1", "d2"],
        );
        assert.deepEqual(first[0], {
          ...task(record.arn, "d1", { createdAt: T0 }),
          status: "started",
          startedAt: T0 + 10,
        });
        const second = await store.claimDispatchTasks("n2", T0 + 11, 1000, 10);
        assert.deepEqual(
          second.map((t) => t.token),
          ["d3"],
        );
        assert.deepEqual(await store.claimDispatchTasks("n2", T0 + 1000, 1000, 10), []);
        // The first node died: its tasks run again (at least once), with the same key.
        const retried = await store.claimDispatchTasks("n2", T0 + 1011, 1000, 10);
        assert.deepEqual(retried.map((t) => [t.token, t.idempotencyKey]).sort(), [
          ["d1", first[0].idempotencyKey],
          ["d2", first[1].idempotencyKey],
        ]);
        for (const t of retried) assert.equal(t.startedAt, T0 + 10, "first start time kept");
      });

      test("a settled dispatch task is not dispatched again", async () => {
        const record = await start("e");
        await schedule(record.arn, [task(record.arn, "d")]);
        await store.claimDispatchTasks("n", T0, 1000, 10);
        await store.settleTask("d", { error: "E" }, T0 + 1);
        assert.deepEqual(await store.claimDispatchTasks("n", T0 + 5000, 1000, 10), []);
      });

      test("settleTask: settled once, then already-settled; unknown tokens are unknown", async () => {
        const record = await start("e");
        await schedule(record.arn, [task(record.arn, "ok"), task(record.arn, "bad")]);
        assert.equal(await store.settleTask("ok", { output: '{"r":1}' }, T0 + 1), "settled");
        assert.equal(
          await store.settleTask("ok", { output: '{"r":2}' }, T0 + 2),
          "already-settled",
        );
        assert.equal(await store.settleTask("ok", { error: "E" }, T0 + 2), "already-settled");
        assert.equal(
          await store.settleTask("bad", { error: "Oops", cause: "because" }, T0 + 3),
          "settled",
        );
        assert.equal(await store.settleTask("nope", { output: "1" }, T0), "unknown-token");

        const ok = await store.getTask("ok");
        assert.equal(ok?.status, "succeeded");
        assert.equal(ok?.output, '{"r":1}');
        const bad = await store.getTask("bad");
        assert.equal(bad?.status, "failed");
        assert.equal(bad?.error, "Oops");
        assert.equal(bad?.cause, "because");
      });

      test("settling wakes the execution at the settle time, never later than it was due", async () => {
        const record = await start("e");
        await schedule(record.arn, [task(record.arn, "t1"), task(record.arn, "t2")]);
        assert.equal(await store.nextWakeAt(), undefined);
        await store.settleTask("t1", { output: "1" }, T0 + 100);
        assert.equal(await store.nextWakeAt(), T0 + 100);
        assert.deepEqual(await store.claimExecutions("w", T0 + 99, LEASE, 10), []);
        const [c] = await store.claimExecutions("w", T0 + 100, LEASE, 10);
        assert.ok(c);
        await store.commit([commitFor(c, { consumedTasks: ["t1"], wakeAt: T0 + 150 })]);
        await store.settleTask("t2", { output: "2" }, T0 + 200);
        assert.equal(await store.nextWakeAt(), T0 + 150, "an earlier wake time is kept");
      });

      test("a settled task is handed to every claim until a commit consumes it", async () => {
        const record = await start("e");
        await schedule(record.arn, [task(record.arn, "t", { frameId: 3, stateName: "S" })]);
        await store.settleTask("t", { output: '"x"' }, T0 + 1);
        const c1 = await claim(record.arn, T0 + 2);
        assert.equal(c1.settledTasks.length, 1);
        const [settled] = c1.settledTasks;
        assert.equal(settled.token, "t");
        assert.equal(settled.frameId, 3);
        assert.equal(settled.stateName, "S");
        assert.equal(settled.status, "succeeded");
        assert.equal(settled.output, '"x"');
        await store.release(record.arn, c1.fence);
        const c2 = await claim(record.arn, T0 + 3);
        assert.deepEqual(
          c2.settledTasks,
          c1.settledTasks,
          "released without applying: still there",
        );
        await store.commit([commitFor(c2, { consumedTasks: ["t"] })]);
        const c3 = await claim(record.arn, T0 + 4);
        assert.deepEqual(c3.settledTasks, []);
        assert.equal(await store.settleTask("t", { output: "again" }, T0 + 5), "already-settled");
      });

      test("a result for another execution's task is not handed to this one", async () => {
        const a = await start("a");
        const b = await start("b");
        await schedule(a.arn, [task(a.arn, "ta")]);
        await schedule(b.arn, [task(b.arn, "tb")]);
        await store.settleTask("ta", { output: "1" }, T0 + 1);
        const claims = await store.claimExecutions("w", T0 + 1, LEASE, 10);
        assert.deepEqual(
          claims.map((c) => [c.record.name, c.settledTasks.map((t) => t.token)]),
          [["a", ["ta"]]],
        );
      });

      test("cancelled and timed-out tasks refuse late results and heartbeats", async () => {
        const record = await start("e");
        await schedule(record.arn, [task(record.arn, "c"), task(record.arn, "to")]);
        await store.claimDispatchTasks("n", T0, LEASE, 10);
        const c = await claim(record.arn, T0 + 1);
        await store.commit([
          commitFor(c, {
            cancelledTasks: [
              { token: "c", status: "cancelled" },
              { token: "to", status: "timed_out" },
            ],
          }),
        ]);
        for (const token of ["c", "to"]) {
          assert.equal(
            await store.settleTask(token, { output: "late" }, T0 + 2),
            "already-settled",
          );
          assert.equal(await store.heartbeatTask(token, T0 + 2), "already-settled");
        }
        assert.equal((await store.getTask("to"))?.status, "timed_out");
        assert.equal((await store.getTask("to"))?.output, undefined);
        assert.equal(await store.nextWakeAt(), undefined, "late results wake nothing");
        const after = await claim(record.arn, T0 + 3);
        assert.deepEqual(after.settledTasks, []);
      });

      test("cancelling a task that already has a result leaves the result alone", async () => {
        const record = await start("e");
        await schedule(record.arn, [task(record.arn, "t")]);
        await store.settleTask("t", { output: '"r"' }, T0 + 1);
        const c = await claim(record.arn, T0 + 2);
        await store.commit([
          commitFor(c, {
            consumedTasks: ["t"],
            cancelledTasks: [{ token: "t", status: "cancelled" }],
          }),
        ]);
        assert.equal((await store.getTask("t"))?.status, "succeeded");
      });

      test("claimActivityTask hands each task to exactly one worker, oldest first, and wakes the execution", async () => {
        const record = await start("e");
        const q = activityArn("q");
        await schedule(record.arn, [
          task(record.arn, "q2", { kind: "activity", activityArn: q, createdAt: T0 + 2 }),
          task(record.arn, "q1", { kind: "activity", activityArn: q, createdAt: T0 + 1 }),
          task(record.arn, "q3", { kind: "activity", activityArn: q, createdAt: T0 + 3 }),
          task(record.arn, "other", { kind: "activity", activityArn: activityArn("other") }),
        ]);
        assert.equal(await store.nextWakeAt(), undefined);
        const first = await store.claimActivityTask(q, "worker-1", T0 + 10);
        assert.equal(first?.token, "q1");
        assert.equal(first.status, "started");
        assert.equal(first.workerName, "worker-1");
        assert.equal(first.startedAt, T0 + 10);
        assert.equal(await store.nextWakeAt(), T0 + 10);

        const rest = await Promise.all(
          ["w2", "w3", "w4", "w5"].map((w) => store.claimActivityTask(q, w, T0 + 11)),
        );
        const got = rest.filter((t) => t !== undefined);
        assert.deepEqual(
          got.map((t) => t.token),
          ["q2", "q3"],
        );
        assert.equal(new Set(got.map((t) => t.workerName)).size, 2);
        assert.equal(await store.claimActivityTask(q, "w6", T0 + 12), undefined);
        assert.equal(await store.claimActivityTask(activityArn("empty"), "w", T0 + 12), undefined);
        assert.equal((await store.getTask("q1"))?.workerName, "worker-1");
        // Started activity tasks are not dispatch work.
        assert.deepEqual(await store.claimDispatchTasks("n", T0 + 1e9, LEASE, 10), []);
      });

      test("heartbeats are reported to the next claim for tasks with HeartbeatSeconds", async () => {
        const record = await start("e");
        const q = activityArn("q");
        await schedule(record.arn, [
          task(record.arn, "hb", { kind: "activity", activityArn: q, heartbeatSeconds: 60 }),
          task(record.arn, "plain", {
            kind: "activity",
            activityArn: q,
            createdAt: T0 + 1,
          }),
        ]);
        await store.claimActivityTask(q, "w", T0 + 5);
        await store.claimActivityTask(q, "w", T0 + 5);
        assert.equal(await store.heartbeatTask("hb", T0 + 20), "settled");
        assert.equal(await store.heartbeatTask("plain", T0 + 20), "settled");
        assert.equal(await store.heartbeatTask("ghost", T0 + 20), "unknown-token");
        let c = await claim(record.arn, T0 + 30);
        assert.deepEqual(c.heartbeats, { hb: T0 + 20 });
        await store.release(record.arn, c.fence);
        assert.equal(await store.heartbeatTask("hb", T0 + 40), "settled");
        c = await claim(record.arn, T0 + 50);
        assert.deepEqual(c.heartbeats, { hb: T0 + 40 });
        assert.equal((await store.getTask("hb"))?.lastHeartbeatAt, T0 + 40);
        await store.release(record.arn, c.fence);
        await store.settleTask("hb", { output: "{}" }, T0 + 60);
        assert.equal(await store.heartbeatTask("hb", T0 + 61), "already-settled");
        c = await claim(record.arn, T0 + 62);
        assert.deepEqual(c.heartbeats, {}, "settled tasks have no heartbeat to watch");
      });

      test("markTaskAwaitingToken: not dispatched again, the token still settles it", async () => {
        const record = await start("e");
        await schedule(record.arn, [task(record.arn, "w", { awaitsToken: true })]);
        const [dispatched] = await store.claimDispatchTasks("n", T0, 1000, 10);
        assert.equal(dispatched?.token, "w");
        assert.equal(dispatched.awaitsToken, true);
        await store.markTaskAwaitingToken("w", T0 + 1);
        const waiting = await store.getTask("w");
        assert.equal(waiting?.status, "started");
        assert.deepEqual(await store.claimDispatchTasks("n", T0 + 1e9, 1000, 10), []);
        await store.recoverLeases("n");
        assert.deepEqual(await store.claimDispatchTasks("n", T0 + 1e9, 1000, 10), []);
        assert.equal(await store.heartbeatTask("w", T0 + 2), "settled");
        assert.equal(await store.settleTask("w", { output: '"cb"' }, T0 + 3), "settled");
        const c = await claim(record.arn, T0 + 4);
        assert.deepEqual(
          c.settledTasks.map((t) => [t.token, t.output]),
          [["w", '"cb"']],
        );
      });

      test("a token sent back before the dispatch returns is not undone by markTaskAwaitingToken", async () => {
        const record = await start("e");
        await schedule(record.arn, [task(record.arn, "fast", { awaitsToken: true })]);
        await store.claimDispatchTasks("n", T0, 1000, 10);
        assert.equal(await store.settleTask("fast", { output: '"early"' }, T0 + 1), "settled");
        await store.markTaskAwaitingToken("fast", T0 + 2);
        assert.equal((await store.getTask("fast"))?.status, "succeeded");
        const c = await claim(record.arn, T0 + 3);
        assert.deepEqual(
          c.settledTasks.map((t) => t.token),
          ["fast"],
        );
      });
    });

    describe("activities", () => {
      test("create is idempotent: the same arn and the first creation time", async () => {
        const arn = activityArn("q");
        assert.deepEqual(await store.createActivity(arn, "q", T0, { team: "ops" }), {
          arn,
          createdAt: T0,
        });
        assert.deepEqual(await store.createActivity(arn, "q", T0 + 100), { arn, createdAt: T0 });
        assert.deepEqual(await store.getActivity(arn), { arn, name: "q", createdAt: T0 });
        assert.equal(await store.getActivity(activityArn("nope")), undefined);
      });

      test("list pages through every activity once; delete removes one", async () => {
        const names = ["d", "a", "c", "e", "b"];
        for (const [i, n] of names.entries()) await store.createActivity(activityArn(n), n, T0 + i);
        const all = await store.listActivities({ limit: 100 });
        assert.equal(all.nextToken, undefined);
        const { items } = await drain((p) => store.listActivities(p), 2);
        assert.deepEqual(items, all.items);
        assert.deepEqual(items.map((a) => a.name).sort(), ["a", "b", "c", "d", "e"]);
        assert.deepEqual(
          items.find((a) => a.name === "c"),
          { arn: activityArn("c"), name: "c", createdAt: T0 + 2 },
        );
        assert.equal(await store.deleteActivity(activityArn("c")), true);
        assert.equal(await store.deleteActivity(activityArn("c")), false);
        assert.equal(await store.getActivity(activityArn("c")), undefined);
        assert.equal((await store.listActivities({ limit: 100 })).items.length, 4);
      });
    });

    describe("concurrency", () => {
      test("many concurrent starts all resolve; one name started many times is created once", async () => {
        const distinct = Array.from({ length: 60 }, (_, i) => newExecution(`e${i}`));
        const same = Array.from({ length: 15 }, (_, i) =>
          newExecution("same", { input: `{"i":${i}}` }),
        );
        const results = await Promise.all(
          [...distinct, ...same].map((e) => store.startExecution(e)),
        );
        assert.ok(results.slice(0, 60).every((r) => r.created));
        const sameResults = results.slice(60);
        assert.equal(sameResults.filter((r) => r.created).length, 1);
        const winner = sameResults.find((r) => r.created)!.record;
        for (const r of sameResults) assert.deepEqual(r.record, winner);
        const { items } = await drain((p) => store.listExecutions({}, p), 25);
        assert.equal(items.length, 61);
        assert.equal(new Set(items.map((e) => e.arn)).size, 61);
      });

      test("a failing start among concurrent starts fails alone", async () => {
        const broken = newExecution("broken");
        broken.events = [event(1, "ExecutionStarted"), event(1, "PassStateEntered")];
        const starts = [newExecution("ok1"), broken, newExecution("ok2"), newExecution("ok3")].map(
          (e) => store.startExecution(e),
        );
        const outcomes = await Promise.allSettled(starts);
        assert.deepEqual(
          outcomes.map((o) => o.status),
          ["fulfilled", "rejected", "fulfilled", "fulfilled"],
        );
        assert.equal(await store.getExecution(broken.record.arn), undefined);
        assert.deepEqual(
          (
            await store.getHistory(broken.record.arn, {
              page: { limit: 10 },
              reverse: false,
            })
          ).items,
          [],
        );
        for (const n of ["ok1", "ok2", "ok3"]) {
          assert.equal((await store.getExecution(executionArn("M", n)))?.status, "RUNNING");
        }
        assert.equal((await store.startExecution(newExecution("broken"))).created, true);
      });

      test("many concurrent settles, duplicates and unknown tokens resolve independently", async () => {
        const executions = Array.from({ length: 10 }, (_, i) => `x${i}`);
        for (const n of executions) {
          const record = await start(n);
          await schedule(
            record.arn,
            Array.from({ length: 3 }, (_, i) => task(record.arn, `${n}-t${i}`)),
          );
        }
        const tokens = executions.flatMap((n) => [0, 1, 2].map((i) => `${n}-t${i}`));
        const calls: { token: string; promise: Promise<string> }[] = [];
        for (const token of tokens) {
          calls.push({ token, promise: store.settleTask(token, { output: `"${token}"` }, T0 + 5) });
          calls.push({
            token: `ghost-${token}`,
            promise: store.settleTask(`ghost-${token}`, { error: "E" }, T0 + 5),
          });
          calls.push({ token, promise: store.settleTask(token, { error: "dup" }, T0 + 5) });
        }
        const outcomes = await Promise.all(calls.map((c) => c.promise));
        for (const [n, token] of tokens.entries()) {
          const mine = outcomes.filter((_, i) => calls[i].token === token);
          assert.deepEqual([...mine].sort(), ["already-settled", "settled"], token);
          // The result that arrived first wins. Calls made at once reach a networked
          // database in any order; an embedded one takes them in call order.
          const successWon = outcomes[n * 3] === "settled";
          const stored = await store.getTask(token);
          assert.equal(
            stored?.status,
            successWon ? "succeeded" : "failed",
            "the first result wins",
          );
          if (successWon) assert.equal(stored?.output, `"${token}"`);
          else assert.equal(stored?.error, "dup");
          if (!shared) assert.ok(successWon, "in call order");
        }
        assert.ok(
          outcomes
            .filter((_, i) => calls[i].token.startsWith("ghost-"))
            .every((o) => o === "unknown-token"),
        );
        const claims = await store.claimExecutions("w", T0 + 5, LEASE, 100);
        assert.equal(claims.length, executions.length);
        for (const c of claims) assert.equal(c.settledTasks.length, 3);
      });

      test("concurrent claims never hand one execution to two owners", async () => {
        for (let i = 0; i < 20; i++) await start(`e${i}`);
        const batches = await Promise.all(
          ["a", "b", "c", "d"].map((owner) => store.claimExecutions(owner, T0, LEASE, 8)),
        );
        const arns = batches.flat().map((c) => c.record.arn);
        assert.equal(arns.length, 20);
        assert.equal(new Set(arns).size, 20);
        // Dispatch tasks likewise go to one node each.
        const [first] = batches.flat();
        const tokens = Array.from({ length: 12 }, (_, i) => `d${i}`);
        await store.commit([
          commitFor(first, { newTasks: tokens.map((t) => task(first.record.arn, t)) }),
        ]);
        const leased = await Promise.all(
          ["a", "b", "c"].map((owner) => store.claimDispatchTasks(owner, T0, LEASE, 5)),
        );
        const got = leased.flat().map((t) => t.token);
        assert.equal(got.length, 12);
        assert.deepEqual([...new Set(got)].sort(), [...tokens].sort());
      });
    });

    describe("several nodes on one database", { skip: !shared && "one store per database" }, () => {
      let a: WorkflowContractStore;
      let b: WorkflowContractStore;
      beforeEach(async () => {
        if (!options.nodes) return;
        [a, b] = await options.nodes();
      });
      afterEach(async () => {
        await a?.close();
        await b?.close();
      });

      test("a start through one node calls the other node's due listener", async () => {
        let called = 0;
        const stop = await a.onExecutionsDue(() => {
          called++;
        });
        try {
          await b.startExecution(newExecution("seen-elsewhere"));
          const deadline = Date.now() + 5_000;
          while (called === 0 && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 10));
          assert.ok(called > 0, "the listener heard of the start");
        } finally {
          stop();
        }
        const before = called;
        await b.startExecution(newExecution("after-unsubscribe"));
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(called, before, "an unsubscribed listener is not called");
      });

      test("two nodes never both claim one execution or one task", async () => {
        const started = Array.from({ length: 30 }, (_, i) => newExecution(`e${i}`));
        for (const e of started) await a.startExecution(e);
        const rounds = await Promise.all(
          [a, b, a, b, a, b].map((node, i) => node.claimExecutions(`n${i}`, T0, LEASE, 7)),
        );
        const arns = rounds.flat().map((c) => c.record.arn);
        assert.equal(new Set(arns).size, arns.length, "no execution claimed twice");
        const rest = await b.claimExecutions("late", T0, LEASE, 100);
        assert.equal(arns.length + rest.length, 30, "every due execution claimed once");
        assert.deepEqual(await a.claimExecutions("again", T0 + LEASE, LEASE, 100), []);
        const fences = [...rounds.flat(), ...rest].map((c) => c.fence);
        assert.equal(new Set(fences).size, fences.length, "every lease has its own fence");

        // By ARN and just after a start, likewise: one of the two nodes gets it.
        const fresh = newExecution("fresh");
        await b.startExecution(fresh);
        const byStart = await Promise.all([
          a.claimStarted(fresh, "a", T0, LEASE),
          b.claimStarted(fresh, "b", T0, LEASE),
          a.claimExecution(fresh.record.arn, "a2", T0, LEASE),
          b.claimExecution(fresh.record.arn, "b2", T0, LEASE),
        ]);
        assert.equal(byStart.filter((c) => c !== undefined).length, 1);

        const [holder] = rounds.flat();
        const tokens = Array.from({ length: 16 }, (_, i) => `d${i}`);
        await a.commit([
          commitFor(holder, { newTasks: tokens.map((t) => task(holder.record.arn, t)) }),
        ]);
        const leased = await Promise.all(
          [a, b, a, b].map((n, i) => n.claimDispatchTasks(`t${i}`, T0, LEASE, 5)),
        );
        const got = leased.flat().map((t) => t.token);
        assert.equal(got.length, 16);
        assert.deepEqual([...new Set(got)].sort(), [...tokens].sort());
      });

      test("a node whose lease was taken over has its commit refused, wherever it commits", async () => {
        const record = (await a.startExecution(newExecution("e"))).record;
        const [old] = await a.claimExecutions("a", T0, 1000, 10);
        assert.ok(old);
        assert.deepEqual(await b.claimExecutions("b", T0 + 1000, 1000, 10), []);
        const [current] = await b.claimExecutions("b", T0 + 1001, 1000, 10);
        assert.ok(current, "claimable by another node once the lease expired");
        assert.ok(current.fence > old.fence);

        const stale = commitFor(old, {
          record: { status: "SUCCEEDED", output: "{}", stoppedAt: T0 + 2 },
          state: "stale",
          events: [event(2, "ExecutionSucceeded")],
          newTasks: [task(record.arn, "stale-task")],
          childExecutions: [newExecution("stale-child")],
        });
        const fresh = commitFor(current, {
          state: "current",
          events: [event(2, "PassStateEntered"), event(3, "PassStateExited")],
          wakeAt: T0 + 5000,
        });
        // Both commit at once, each through its own node.
        const [lostA, lostB] = await Promise.all([a.commit([stale]), b.commit([fresh])]);
        assert.deepEqual(lostA, [record.arn]);
        assert.deepEqual(lostB, []);
        assert.deepEqual(await a.commit([stale]), [record.arn], "refused again, after the other");
        assert.equal((await a.getExecution(record.arn))?.status, "RUNNING");
        assert.equal(await b.getTask("stale-task"), undefined);
        assert.equal(await a.getExecution(executionArn("M", "stale-child")), undefined);
        const history = await a.getHistory(record.arn, { page: { limit: 10 }, reverse: false });
        assert.deepEqual(
          history.items.map((e) => [e.id, e.type]),
          [
            [1, "ExecutionStarted"],
            [2, "PassStateEntered"],
            [3, "PassStateExited"],
          ],
        );
        assert.equal(await a.nextWakeAt(), T0 + 5000);
        const [next] = await a.claimExecutions("a", T0 + 5000, 1000, 10);
        assert.equal(next?.state, "current");
        assert.equal(next.nextEventId, 4);
      });

      test("a result or stop sent through one node wakes the execution for the others", async () => {
        const record = (await a.startExecution(newExecution("e"))).record;
        const [c] = await a.claimExecutions("a", T0, LEASE, 10);
        await a.commit([commitFor(c, { newTasks: [task(record.arn, "t")] })]);
        assert.equal(await b.nextWakeAt(), undefined);
        assert.equal(await b.settleTask("t", { output: '"ok"' }, T0 + 7), "settled");
        assert.equal(await a.nextWakeAt(), T0 + 7);
        const [woken] = await a.claimExecutions("a", T0 + 7, LEASE, 10);
        assert.deepEqual(
          woken?.settledTasks.map((t) => t.token),
          ["t"],
        );
        // Leased by a: b sees it due only when a's lease ends.
        assert.equal(await b.nextWakeAt(), T0 + 7 + LEASE);
        await b.requestStop(record.arn, "E", "stop", T0 + 8);
        assert.deepEqual(await a.commit([commitFor(woken, { consumedTasks: ["t"] })]), []);
        const [stopping] = await b.claimExecutions("b", T0 + 9, LEASE, 10);
        assert.deepEqual(stopping?.stopRequest, { error: "E", cause: "stop" });
      });
    });
  });
}
