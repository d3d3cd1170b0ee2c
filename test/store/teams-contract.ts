/**
 * The teams contract: records, members, usage, and the quota checks made in the transactions
 * that start and redrive executions (through the workflows port), run against every adapter.
 * With `nodes`, two stores on one database start executions of one team at the same time.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { StoreConflictError } from "../../src/store/errors.js";
import {
  type TeamCharge,
  TeamQuotaExceededError,
  type TeamRecord,
  type TeamStore,
  utcDay,
} from "../../src/store/teams-port.js";
import type {
  ExecutionCommit,
  NewExecution,
  WorkflowStore,
} from "../../src/store/workflows-port.js";
import { createFullTeam, event, newExecution, T0 } from "./fixtures.js";

/** What the teams contract runs against: teams, and executions to charge them. */
export type TeamContractStore = TeamStore & WorkflowStore & { close(): Promise<void> };

/** How an adapter runs the teams contract. */
export interface TeamContractOptions<S extends TeamContractStore> {
  /** Why the suite is skipped, or false/undefined to run it. */
  skip?: string | false;
  /** Creates a user where memberships must name an existing one (SQLite's foreign key). */
  addUser?: (store: S, name: string) => Promise<void>;
  /** Two stores on one fresh database, as two nodes; absent where one store per database is the rule. */
  nodes?: () => Promise<[S, S]>;
}

const DAY = utcDay(T0);
const NEXT_DAY = utcDay(T0 + 86_400_000);

const team = (name: string, overrides: Partial<TeamRecord> = {}): TeamRecord => ({
  name,
  quotas: {},
  createdAt: T0,
  updatedAt: T0,
  ...overrides,
});

/** An execution charged to `charge`. */
function charged(name: string, charge: TeamCharge, startedAt = T0): NewExecution {
  return { ...newExecution(name, { startedAt }), team: charge };
}

const overQuota =
  (quota: TeamQuotaExceededError["quota"], limit: number, used: number) => (error: unknown) =>
    error instanceof TeamQuotaExceededError &&
    error.quota === quota &&
    error.limit === limit &&
    error.used === used;

/** Runs the teams contract against the stores `factory` opens (fresh and empty each time). */
export function teamsContract<S extends TeamContractStore>(
  name: string,
  factory: () => Promise<S>,
  options: TeamContractOptions<S> = {},
): void {
  describe(`teams contract: ${name}`, { skip: options.skip }, () => {
    let store: S;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    async function member(teamName: string, user: string, now = T0) {
      if (options.addUser && !(await store.teamMemberships()).has(user))
        await options.addUser(store, user).catch(() => undefined);
      await store.addTeamMember(teamName, user, now);
    }

    /** Ends an execution (SUCCEEDED, or `status`) through a claim and a commit. */
    async function finish(arn: string, status: "SUCCEEDED" | "FAILED" = "SUCCEEDED") {
      const claim = await store.claimExecution(arn, "t", T0 + 1, 30_000);
      assert.ok(claim);
      const lost = await store.commit([
        {
          arn,
          fence: claim.fence,
          record: { status, stoppedAt: T0 + 1 },
          state: claim.state,
          nextEventId: claim.nextEventId + 1,
          events: [event(claim.nextEventId, "ExecutionSucceeded", T0 + 1)],
          newTasks: [],
          consumedTasks: [],
          cancelledTasks: [],
          childExecutions: [],
        },
      ]);
      assert.deepEqual(lost, []);
    }

    test("create, get, list in name order; a second team of a name is a conflict", async () => {
      const ops = team("ops", {
        description: "Operations",
        quotas: { concurrentExecutions: 2, executionsPerDay: 10, units: { cost: 5 } },
      });
      await store.createTeam(team("sre"));
      await store.createTeam(ops);
      await store.createTeam(team("Zeta"));
      assert.deepEqual(await store.getTeam("ops"), ops);
      assert.deepEqual(await store.getTeam("sre"), team("sre"));
      assert.equal(await store.getTeam("nope"), undefined);
      await assert.rejects(
        store.createTeam(team("ops", { description: "other" })),
        (error: unknown) => error instanceof StoreConflictError && error.reason === "exists",
      );
      assert.deepEqual(await store.getTeam("ops"), ops, "the first one is kept");
      assert.deepEqual(
        (await store.listTeams()).map((t) => t.name),
        ["Zeta", "ops", "sre"],
      );
    });

    test("setTeamQuotas replaces the quotas of an existing team only", async () => {
      await store.createTeam(team("ops", { quotas: { executionsPerDay: 1 } }));
      assert.equal(await store.setTeamQuotas("ops", { units: { cost: 3 } }, T0 + 5), true);
      assert.deepEqual(await store.getTeam("ops"), {
        ...team("ops"),
        quotas: { units: { cost: 3 } },
        updatedAt: T0 + 5,
      });
      assert.equal(await store.setTeamQuotas("nope", {}, T0 + 5), false);
      assert.equal(await store.getTeam("nope"), undefined);
    });

    test("members: one team per user, listed in name order; remove only from its team", async () => {
      await store.createTeam(team("ops"));
      await store.createTeam(team("sre"));
      await member("ops", "carol");
      await member("ops", "alice");
      await member("sre", "bob");
      assert.deepEqual(await store.teamMembers("ops"), ["alice", "carol"]);
      assert.deepEqual(await store.teamMembers("sre"), ["bob"]);
      assert.deepEqual(await store.teamMembers("nope"), []);
      // Adding to another team moves the user.
      await member("sre", "alice", T0 + 1);
      assert.deepEqual(await store.teamMembers("ops"), ["carol"]);
      assert.deepEqual(await store.teamMembers("sre"), ["alice", "bob"]);
      assert.deepEqual([...(await store.teamMemberships())].sort(), [
        ["alice", "sre"],
        ["bob", "sre"],
        ["carol", "ops"],
      ]);
      assert.equal(await store.removeTeamMember("ops", "alice"), false, "not in ops any more");
      assert.equal(await store.removeTeamMember("sre", "alice"), true);
      assert.equal(await store.removeTeamMember("sre", "alice"), false);
      assert.deepEqual(await store.teamMembers("sre"), ["bob"]);
    });

    test("a start charges its team: running, executions and units of its UTC day", async () => {
      await store.createTeam(team("ops"));
      const charge = { team: "ops", units: { cost: 2, disks: 0 } };
      assert.equal((await store.startExecution(charged("a", charge))).created, true);
      await store.startExecution(charged("b", { team: "ops", units: { cost: 3 } }));
      await store.startExecution(charged("tomorrow", charge, T0 + 86_400_000));
      // Starting an existing name again charges nothing.
      assert.equal((await store.startExecution(charged("a", charge))).created, false);
      await store.startExecution(newExecution("uncharged"));
      assert.deepEqual(await store.teamUsage("ops", DAY), {
        team: "ops",
        day: DAY,
        runningExecutions: 3,
        executionsToday: 2,
        unitsToday: { cost: 5 },
      });
      assert.deepEqual((await store.teamUsage("ops", NEXT_DAY)).executionsToday, 1);
      await finish(newExecution("a").record.arn);
      assert.equal((await store.teamUsage("ops", DAY)).runningExecutions, 2);
      assert.deepEqual(await store.teamUsage("nope", DAY), {
        team: "nope",
        day: DAY,
        runningExecutions: 0,
        executionsToday: 0,
        unitsToday: {},
      });
    });

    test("a start over the concurrency quota is refused and leaves nothing", async () => {
      await store.createTeam(team("ops", { quotas: { concurrentExecutions: 2 } }));
      const charge = { team: "ops", units: {} };
      await store.startExecution(charged("a", charge));
      await store.startExecution(charged("b", charge));
      const refused = charged("c", charge);
      refused.statusEvent = { id: "status-c", entry: "{}", createdAt: T0 };
      await assert.rejects(store.startExecution(refused), overQuota("concurrentExecutions", 2, 2));
      assert.equal(await store.getExecution(refused.record.arn), undefined);
      assert.deepEqual(
        (await store.getHistory(refused.record.arn, { page: { limit: 5 }, reverse: false })).items,
        [],
      );
      assert.equal((await store.teamUsage("ops", DAY)).executionsToday, 2);
      // Starting an existing name is no new start: it is answered, not refused.
      assert.equal((await store.startExecution(charged("a", charge))).created, false);
      // A slot frees when an execution ends.
      await finish(newExecution("a").record.arn);
      assert.equal((await store.startExecution(charged("c", charge))).created, true);
    });

    test("per-day quotas: executions and units, counted per UTC day", async () => {
      await store.createTeam(team("ops", { quotas: { executionsPerDay: 2, units: { cost: 5 } } }));
      await store.startExecution(charged("a", { team: "ops", units: { cost: 4 } }));
      await assert.rejects(
        store.startExecution(charged("b", { team: "ops", units: { cost: 2 } })),
        (error: unknown) =>
          overQuota("units:cost", 5, 4)(error) &&
          (error as TeamQuotaExceededError).requested === 2 &&
          (error as TeamQuotaExceededError).day === DAY,
      );
      // Units without a quota are counted, never refused.
      await store.startExecution(charged("b", { team: "ops", units: { cost: 1, other: 50 } }));
      await assert.rejects(
        store.startExecution(charged("c", { team: "ops", units: {} })),
        overQuota("executionsPerDay", 2, 2),
      );
      assert.deepEqual(await store.teamUsage("ops", DAY), {
        team: "ops",
        day: DAY,
        runningExecutions: 2,
        executionsToday: 2,
        unitsToday: { cost: 5, other: 50 },
      });
      const tomorrow = charged("c", { team: "ops", units: { cost: 5 } }, T0 + 86_400_000);
      assert.equal((await store.startExecution(tomorrow)).created, true);
    });

    test("a team that no longer exists charges nothing and refuses nothing", async () => {
      await createFullTeam(store);
      await assert.rejects(
        store.startExecution(charged("a", { team: "full", units: {} })),
        TeamQuotaExceededError,
      );
      assert.equal(await store.deleteTeam("full"), true);
      assert.equal(
        (await store.startExecution(charged("a", { team: "full", units: {} }))).created,
        true,
      );
      assert.equal((await store.teamUsage("full", DAY)).executionsToday, 0);
    });

    test("deleteTeam removes the team, its members and its usage", async () => {
      await store.createTeam(team("ops"));
      await store.createTeam(team("sre"));
      await member("ops", "alice");
      await member("sre", "bob");
      await store.startExecution(charged("a", { team: "ops", units: { cost: 1 } }));
      assert.equal(await store.deleteTeam("ops"), true);
      assert.equal(await store.deleteTeam("ops"), false);
      assert.equal(await store.getTeam("ops"), undefined);
      assert.deepEqual(await store.teamMembers("ops"), []);
      assert.deepEqual([...(await store.teamMemberships())], [["bob", "sre"]]);
      // Created again, it starts from nothing.
      await store.createTeam(team("ops"));
      const usage = await store.teamUsage("ops", DAY);
      assert.equal(usage.executionsToday, 0);
      assert.deepEqual(usage.unitsToday, {});
    });

    test("a redrive takes a concurrency slot in its commit, or the commit fails whole", async () => {
      await store.createTeam(team("ops", { quotas: { concurrentExecutions: 1 } }));
      const charge = { team: "ops", units: {} };
      await store.startExecution(charged("a", charge));
      const arn = newExecution("a").record.arn;
      await finish(arn, "FAILED");
      await store.startExecution(charged("b", charge));

      const redrive = async (): Promise<ExecutionCommit> => {
        const claim = await store.claimExecution(arn, "r", T0 + 2, 30_000);
        assert.ok(claim);
        return {
          arn,
          fence: claim.fence,
          record: { status: "RUNNING", redriveCount: 1, redrivenAt: T0 + 2 },
          state: "redriven",
          nextEventId: claim.nextEventId + 1,
          events: [event(claim.nextEventId, "ExecutionRedriven", T0 + 2)],
          newTasks: [],
          consumedTasks: [],
          cancelledTasks: [],
          childExecutions: [],
          takesTeamSlot: true,
          wakeAt: T0 + 2,
        };
      };
      const refused = await redrive();
      await assert.rejects(store.commit([refused]), overQuota("concurrentExecutions", 1, 1));
      assert.equal((await store.getExecution(arn))?.status, "FAILED");
      await store.release(arn, refused.fence);

      await finish(newExecution("b").record.arn);
      assert.deepEqual(await store.commit([await redrive()]), []);
      assert.equal((await store.getExecution(arn))?.redriveCount, 1);
      assert.equal((await store.teamUsage("ops", DAY)).runningExecutions, 1);
    });

    describe("several nodes on one database", {
      skip: !options.nodes && "one store per database",
    }, () => {
      let a: S;
      let b: S;
      beforeEach(async () => {
        if (options.nodes) [a, b] = await options.nodes();
      });
      afterEach(async () => {
        await a?.close();
        await b?.close();
      });

      test("concurrent starts on two nodes never exceed the team's quotas", async () => {
        await a.createTeam(
          team("ops", { quotas: { concurrentExecutions: 3, units: { cost: 10 } } }),
        );
        const starts = Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? a : b).startExecution(charged(`e${i}`, { team: "ops", units: { cost: 1 } })),
        );
        const outcomes = await Promise.allSettled(starts);
        const created = outcomes.filter((o) => o.status === "fulfilled");
        assert.equal(created.length, 3);
        for (const o of outcomes)
          if (o.status === "rejected") assert.ok(o.reason instanceof TeamQuotaExceededError);
        const usage = await b.teamUsage("ops", DAY);
        assert.equal(usage.runningExecutions, 3);
        assert.equal(usage.executionsToday, 3);
        assert.deepEqual(usage.unitsToday, { cost: 3 });
      });
    });
  });
}
