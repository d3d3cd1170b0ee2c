/**
 * What crosses ports, on every adapter's whole store: a deleted user leaves its team (the
 * identity and teams ports share the database), and `ready` (what `/ready` answers).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Store } from "../../src/store/port.js";
import { postgresStoreOn } from "../../src/store/postgres/index.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { T0 } from "./fixtures.js";
import { freshPostgres, skipPostgres } from "./postgres.js";

const adapters: { name: string; open: () => Promise<Store>; skip?: string | false }[] = [
  { name: "sqlite :memory:", open: async () => openSqliteStore({ path: ":memory:" }) },
  {
    name: "postgres",
    open: async () => postgresStoreOn(await freshPostgres()),
    skip: skipPostgres,
  },
];

for (const adapter of adapters) {
  describe(`whole store: ${adapter.name}`, { skip: adapter.skip ?? false }, () => {
    test("a deleted user leaves its team; a new user of that name is in none", async () => {
      const store = await adapter.open();
      try {
        assert.equal(await store.ready(), true);
        await store.createTeam({ name: "blue", quotas: {}, createdAt: T0, updatedAt: T0 });
        await store.createUser({ name: "ann", createdAt: T0, updatedAt: T0 });
        await store.addTeamMember("blue", "ann", T0);
        assert.deepEqual(await store.teamMembers("blue"), ["ann"]);
        assert.equal(await store.deleteUser("ann"), true);
        assert.deepEqual(await store.teamMembers("blue"), []);
        await store.createUser({ name: "ann", createdAt: T0 + 1, updatedAt: T0 + 1 });
        assert.equal((await store.teamMemberships()).get("ann"), undefined);
      } finally {
        await store.close();
      }
    });

    test("ready: true while the database answers, false once it is gone", async () => {
      const store = await adapter.open();
      assert.equal(await store.ready(), true);
      await store.close();
      assert.equal(await store.ready(), false);
    });
  });
}
