/**
 * The fleet store contract against the PostgreSQL adapter; and what only several server
 * nodes on one database can show: settling one command's invocations from two nodes at once
 * keeps the limits and the counts exact, two nodes never claim one invocation, and a node
 * hears of work another node created (LISTEN/NOTIFY).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { FleetStore } from "../../src/store/fleet-port.js";
import { postgresFleetStore } from "../../src/store/postgres/fleet/index.js";
import { T0 } from "./fixtures.js";
import { fleetStoreContract } from "./fleet-contract.js";
import { agentNode, command, nodeId, outcome, targets, testControl } from "./fleet-fixtures.js";
import { freshPostgres, freshPostgresNodes, skipPostgres } from "./postgres.js";

fleetStoreContract(
  "postgres",
  async () => {
    const db = await freshPostgres();
    return { ...postgresFleetStore(db), close: () => db.close() };
  },
  { skip: skipPostgres },
);

/** Runs `body` with fleet stores on `count` handles of one new database. */
async function onNodes(count: number, body: (stores: FleetStore[]) => Promise<void>) {
  const nodes = await freshPostgresNodes(count);
  try {
    await body(nodes.map(postgresFleetStore));
  } finally {
    await Promise.all(nodes.map((db) => db.close()));
  }
}

describe("postgres fleet store on two nodes", { skip: skipPostgres }, () => {
  test("settling one command's invocations from both nodes keeps the limit and counts exactly", async () => {
    await onNodes(2, async ([a, b]) => {
      const total = 40;
      const limit = 5;
      const created = await a.createCommand(
        command("c1", total, limit),
        targets(total),
        testControl,
      );
      let ready = [...created.wake];
      let peak = ready.length;
      let settled = 0;
      // Each round, both nodes end every invocation in flight at once, half each, failing some.
      while (ready.length > 0) {
        const round = ready;
        ready = [];
        const changes = await Promise.all(
          round.map((id, i) =>
            (i % 2 === 0 ? a : b).finishInvocation(
              "c1",
              id,
              outcome(Number.parseInt(id.slice(3), 16) % 4 === 0 ? "Failed" : "Success", T0 + 10),
              testControl,
            ),
          ),
        );
        settled += round.length;
        for (const change of changes) {
          assert.ok(change);
          assert.ok(change.command.progress.inFlightCount <= limit);
          ready.push(...change.wake);
        }
        const command = await b.getCommand("c1");
        peak = Math.max(peak, command?.progress.inFlightCount ?? 0);
        assert.ok((command?.progress.inFlightCount ?? 0) <= limit);
      }
      assert.equal(settled, total);
      assert.equal(peak, limit);
      const done = await a.getCommand("c1");
      assert.deepEqual(done?.progress, {
        ...command("c1", total, limit).progress,
        completedCount: total,
        successCount: 30,
        errorCount: 10,
        queuedCount: 0,
        inFlightCount: 0,
      });
      assert.equal(done?.status, "Failed");
      const page = await b.listInvocations(
        { commandId: "c1", statuses: ["Success", "Failed"] },
        { limit: 100 },
      );
      assert.equal(page.items.length, total);
    });
  });

  test("claims from both nodes never hand one invocation to both", async () => {
    await onNodes(2, async ([a, b]) => {
      await a.addNode(agentNode(1));
      for (let i = 0; i < 30; i++)
        await a.createCommand(
          command(`c${i}`, 1, 1, 1, { requestedAt: T0 + i }),
          targets(1),
          testControl,
        );
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? a : b).claimInvocations(nodeId(1), T0 + 1, T0, 4),
        ),
      );
      const claimed = claims.flat().map((d) => d.invocation.commandId);
      assert.equal(new Set(claimed).size, claimed.length, "no invocation claimed twice");
      assert.equal(claimed.length, 30);
      const attempts = await a.listInvocations({ instanceId: nodeId(1) }, { limit: 100 });
      assert.ok(attempts.items.every((i) => i.deliveryAttempts === 1 && i.phase === "delivered"));
    });
  });

  test("a node hears of the nodes another node's command woke, however many", async () => {
    await onNodes(2, async ([a, b]) => {
      const heard: string[][] = [];
      let expected = 3;
      let heardAll: () => void = () => undefined;
      const unsubscribe = await b.onFleetWork((ids) => {
        heard.push(ids);
        if (heard.flat().length >= expected) heardAll();
      });
      try {
        let woken = new Promise<void>((resolve) => {
          heardAll = resolve;
        });
        const change = await a.createCommand(command("c1", 5, 3), targets(5), testControl);
        assert.deepEqual(change.wake, [nodeId(1), nodeId(2), nodeId(3)]);
        await woken;
        assert.deepEqual(heard.flat().sort(), [nodeId(1), nodeId(2), nodeId(3)]);

        // 800 node ids do not fit one NOTIFY payload (under 8,000 bytes): they come in several.
        heard.length = 0;
        expected = 800;
        woken = new Promise<void>((resolve) => {
          heardAll = resolve;
        });
        const many = await a.createCommand(command("c2", 800, 800), targets(800), testControl);
        assert.equal(many.wake.length, 800);
        await woken;
        assert.ok(heard.length > 1);
        assert.deepEqual(heard.flat().sort(), [...many.wake].sort());
      } finally {
        unsubscribe();
      }
    });
  });
});
