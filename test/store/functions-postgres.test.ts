/**
 * The function store contract against the PostgreSQL adapter; and two nodes deploying one
 * name at once (the database alone numbers their versions).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { postgresFunctionStore } from "../../src/store/postgres/functions.js";
import { functionStoreContract, newVersion } from "./functions-contract.js";
import { freshPostgres, freshPostgresNodes, skipPostgres } from "./postgres.js";

functionStoreContract(
  "postgres",
  async () => {
    const db = await freshPostgres();
    return { ...postgresFunctionStore(db), close: () => db.close() };
  },
  { skip: skipPostgres },
);

describe("postgres function store on two nodes", { skip: skipPostgres }, () => {
  test("deployments of one name on both nodes at once get distinct, consecutive versions", async () => {
    const nodes = await freshPostgresNodes(2);
    try {
      const stores = nodes.map(postgresFunctionStore);
      const deployed = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          stores[i % 2].putFunctionVersion(newVersion("shared", Buffer.from(`from ${i}`))),
        ),
      );
      assert.deepEqual(
        deployed.map((fn) => fn.version).sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      // Each node reads what the other deployed, code included.
      for (const [i, fn] of deployed.entries())
        assert.deepEqual(
          Buffer.from((await stores[(i + 1) % 2].getFunctionCode("shared", fn.version)) ?? []),
          Buffer.from(`from ${i}`),
        );
      assert.equal((await stores[0].getFunction("shared"))?.version, 20);
      assert.equal(await stores[1].deleteFunction("shared"), true);
      assert.equal(await stores[0].getFunction("shared"), undefined);
    } finally {
      await Promise.all(nodes.map((db) => db.close()));
    }
  });
});
