/**
 * The parameter store contract against the PostgreSQL adapter, each store in a schema of its
 * own; with two nodes (pools) on one schema for what the database alone must decide.
 */
import { postgresParameterStore } from "../../src/store/postgres/identity/parameters.js";
import { parameterStoreContract } from "./parameters-contract.js";
import { freshPostgres, freshPostgresNodes, skipPostgres } from "./postgres.js";

parameterStoreContract(
  "postgres",
  async () => {
    const db = await freshPostgres();
    return { ...postgresParameterStore(db), close: () => db.close() };
  },
  {
    skip: skipPostgres,
    nodes: async () => {
      const dbs = await freshPostgresNodes(2);
      return {
        stores: dbs.map(postgresParameterStore),
        close: async () => {
          for (const db of dbs) await db.close();
        },
      };
    },
  },
);
