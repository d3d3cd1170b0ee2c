/**
 * The identity store contract against the PostgreSQL adapter, each store in a schema of its
 * own; with two nodes (pools) on one schema for what the database alone must decide.
 */
import { postgresIdentityStore } from "../../src/store/postgres/identity/index.js";
import { identityStoreContract } from "./identity-contract.js";
import { freshPostgres, freshPostgresNodes, skipPostgres } from "./postgres.js";

identityStoreContract(
  "postgres",
  async () => {
    const db = await freshPostgres();
    return { ...postgresIdentityStore(db), close: () => db.close() };
  },
  {
    skip: skipPostgres,
    nodes: async () => {
      const dbs = await freshPostgresNodes(2);
      return {
        stores: dbs.map(postgresIdentityStore),
        close: async () => {
          for (const db of dbs) await db.close();
        },
      };
    },
  },
);
