/**
 * Node status events with two server nodes on one PostgreSQL database: both fleets run their
 * status loops on the same (manual) time, and every transition of every node is published
 * exactly once between them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Fleet } from "../../src/fleet/index.js";
import { ONLINE_WINDOW_MS } from "../../src/fleet/nodes.js";
import { postgresFleetStore } from "../../src/store/postgres/fleet/index.js";
import { freshPostgresNodes, skipPostgres } from "../store/postgres.js";
import {
  INFO,
  LOOPS_PER_FLEET,
  RecordedEvents,
  registerNodes,
  startFleet,
  TestClock,
} from "./service-harness.js";

/** More than one store call flips (100), so the two loops take turns over several rounds. */
const NODES = 150;

describe("node status events on two server nodes sharing PostgreSQL", {
  skip: skipPostgres,
}, () => {
  test("each transition of each node is published once, by one of the two", async () => {
    const databases = await freshPostgresNodes(2);
    const clock = new TestClock(2 * LOOPS_PER_FLEET);
    const recorders = [new RecordedEvents(), new RecordedEvents()];
    const logs: string[] = [];
    const fleets: Fleet[] = [];
    try {
      for (const [i, db] of databases.entries())
        fleets.push(await startFleet(postgresFleetStore(db), clock, recorders[i], logs, `s${i}`));
      const [a, b] = fleets;
      await clock.idle();
      const nodes = await registerNodes(a, NODES);
      /** How many events of each status the two published for the node, together. */
      const counts = (id: string) => {
        const found: Record<string, number> = {};
        for (const recorder of recorders)
          for (const status of recorder.nodeStatuses(id))
            found[String(status)] = (found[String(status)] ?? 0) + 1;
        return found;
      };
      const expectEach = (expected: Record<string, number>) => {
        for (const node of nodes) assert.deepEqual(counts(node.id), expected, node.id);
      };
      expectEach({ Registered: 1 });

      await clock.tick(ONLINE_WINDOW_MS + 1000);
      expectEach({ Registered: 1, ConnectionLost: 1 });
      for (let i = 0; i < 3; i++) await clock.tick(1000);
      expectEach({ Registered: 1, ConnectionLost: 1 });

      // Half the nodes come back through one server node, half through the other.
      for (const [i, node] of nodes.entries())
        await (i % 2 === 0 ? a : b).agentCalls.poll(node, 0, INFO);
      await clock.tick(1000);
      for (let i = 0; i < 3; i++) await clock.tick(1000);
      expectEach({ Registered: 1, ConnectionLost: 1, Online: 1 });

      // Both server nodes deregister each node at once: one succeeds and publishes.
      const results = await Promise.allSettled(
        nodes.flatMap((node) => [a.nodes.deregister(node.id), b.nodes.deregister(node.id)]),
      );
      assert.equal(results.filter((r) => r.status === "fulfilled").length, NODES);
      for (const r of results)
        if (r.status === "rejected") assert.equal(r.reason.code, "InvalidInstanceId");
      await clock.tick(ONLINE_WINDOW_MS + 1000);
      expectEach({ Registered: 1, ConnectionLost: 1, Online: 1, Deregistered: 1 });
      assert.deepEqual(logs, [], "no round failed");
    } finally {
      for (const fleet of fleets) await fleet.stop();
      await Promise.all(databases.map((db) => db.close()));
    }
  });
});
