/**
 * The ops and incident store contracts against the PostgreSQL adapter, each store in a
 * schema of its own; with two nodes (pools) on one schema for what the database alone must
 * decide: votes, deadlines, links, delivery claims, dedup and idempotency keys.
 */
import type { PostgresDatabase } from "../../src/store/postgres/database.js";
import { postgresIncidentStore, postgresOpsStore } from "../../src/store/postgres/ops/index.js";
import { postgresWorkflowStore } from "../../src/store/postgres/workflows/index.js";
import { incidentStoreContract } from "./incidents-contract.js";
import { type OpsContractStore, opsStoreContract } from "./ops-contract.js";
import { freshPostgres, freshPostgresNodes, skipPostgres } from "./postgres.js";

const opsOn = (db: PostgresDatabase): OpsContractStore => ({
  ...postgresWorkflowStore(db),
  ...postgresOpsStore(db),
});

/** Two nodes on one new schema. */
async function twoNodes<T>(storeOn: (db: PostgresDatabase) => T) {
  const dbs = await freshPostgresNodes(2);
  return {
    stores: dbs.map(storeOn),
    close: async () => {
      for (const db of dbs) await db.close();
    },
  };
}

opsStoreContract(
  "postgres",
  async () => {
    const db = await freshPostgres();
    return { ...opsOn(db), close: () => db.close() };
  },
  { skip: skipPostgres, leasesSurviveRecovery: true, nodes: () => twoNodes(opsOn) },
);

incidentStoreContract(
  "postgres",
  async () => {
    const db = await freshPostgres();
    return { ...postgresIncidentStore(db), close: () => db.close() };
  },
  { skip: skipPostgres, nodes: () => twoNodes(postgresIncidentStore) },
);
