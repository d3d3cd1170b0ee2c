/**
 * The sign-in throttle store contract against the PostgreSQL adapter; and two nodes counting
 * the failures of one user at once (the first failures race to create its record).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { postgresSignInThrottleStore } from "../../src/store/postgres/sign-in-failures.js";
import { T0 } from "./fixtures.js";
import { freshPostgres, freshPostgresNodes, skipPostgres } from "./postgres.js";
import { signInStoreContract } from "./sign-in-contract.js";

signInStoreContract(
  "postgres",
  async () => {
    const db = await freshPostgres();
    return { ...postgresSignInThrottleStore(db), close: () => db.close() };
  },
  { skip: skipPostgres },
);

describe("postgres sign-in throttle on two nodes", { skip: skipPostgres }, () => {
  test("failures counted on both nodes at once all count", async () => {
    const nodes = await freshPostgresNodes(2);
    try {
      const stores = nodes.map(postgresSignInThrottleStore);
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          stores[i % 2].countSignInFailure("u:guessed", (current) => ({
            key: "u:guessed",
            failures: (current?.failures ?? 0) + 1,
            lastAt: T0 + i,
            lockedUntil: 0,
            reported: false,
          })),
        ),
      );
      assert.equal((await stores[1].getSignInFailures("u:guessed"))?.failures, 30);
    } finally {
      await Promise.all(nodes.map((db) => db.close()));
    }
  });
});
