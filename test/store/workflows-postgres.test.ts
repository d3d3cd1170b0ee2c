/**
 * The workflows and teams contracts against the PostgreSQL adapter: each test gets a fresh
 * schema; the several-nodes cases open two stores (two pools) on one schema.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pg from "pg";
import type { PostgresDatabase } from "../../src/store/postgres/database.js";
import { postgresTeamStore } from "../../src/store/postgres/teams.js";
import { postgresWorkflowStore } from "../../src/store/postgres/workflows/index.js";
import { storeContract } from "./contract.js";
import { newExecution, T0, task } from "./fixtures.js";
import { freshPostgres, freshPostgresNodes, postgresUrl, skipPostgres } from "./postgres.js";
import { teamsContract } from "./teams-contract.js";

function storeOn(db: PostgresDatabase) {
  return { ...postgresWorkflowStore(db), ...postgresTeamStore(db), close: () => db.close() };
}

storeContract("postgres", async () => storeOn(await freshPostgres()), {
  skip: skipPostgres,
  nodes: async () => {
    const [a, b] = await freshPostgresNodes(2);
    return [storeOn(a), storeOn(b)];
  },
});

teamsContract("postgres", async () => storeOn(await freshPostgres()), {
  skip: skipPostgres,
  nodes: async () => {
    const [a, b] = await freshPostgresNodes(2);
    return [storeOn(a), storeOn(b)];
  },
});

describe("postgres: a task result racing a commit of its execution", { skip: skipPostgres }, () => {
  test("a result settled while a commit holds the execution's row still makes it due", async () => {
    const db = await freshPostgres();
    const store = storeOn(db);
    const other = new pg.Client({ connectionString: postgresUrl });
    try {
      const execution = newExecution("race");
      const { arn } = execution.record;
      await store.startExecution(execution);
      const [claim] = await store.claimExecutions("node-a", T0, 30_000, 1);
      // A pass that hands out a callback task and stays due (its wake time is in the past).
      assert.deepEqual(
        await store.commit([
          {
            arn,
            fence: claim.fence,
            record: { status: "RUNNING" },
            state: claim.state,
            nextEventId: claim.nextEventId,
            events: [],
            wakeAt: T0,
            newTasks: [task(arn, "t-race", { kind: "callback" })],
            consumedTasks: [],
            cancelledTasks: [],
            childExecutions: [],
          },
        ]),
        [],
      );
      // Another node's commit of the execution: it holds the row, read no result, and is
      // about to clear the wake time.
      await other.connect();
      const schema = await db.row<{ name: string }>("SELECT current_schema() AS name");
      await other.query(`SET search_path TO "${schema?.name}"`);
      await other.query("BEGIN");
      await other.query("SELECT id FROM executions WHERE arn = $1 FOR UPDATE", [arn]);
      await other.query("UPDATE executions SET wake_at = NULL WHERE arn = $1", [arn]);
      const settling = store.settleTask("t-race", { output: "{}" }, T0 + 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await other.query("COMMIT");
      assert.equal(await settling, "settled");
      const [due] = await store.claimExecutions("node-b", T0 + 1, 30_000, 1);
      assert.equal(due?.record.arn, arn, "the result's wake-up survived the commit");
      assert.deepEqual(
        due.settledTasks.map((settled) => settled.token),
        ["t-race"],
      );
    } finally {
      await other.end().catch(() => undefined);
      await store.close();
    }
  });
});
