/**
 * The event store contract against the PostgreSQL adapter, each store in a schema of its own
 * (with the workflow and team ports, which deliveries that start executions use); with two
 * nodes (pools) on one schema for what the database alone must decide.
 */
import type { PostgresDatabase } from "../../src/store/postgres/database.js";
import { postgresEventStore } from "../../src/store/postgres/events/index.js";
import { postgresTeamStore } from "../../src/store/postgres/teams.js";
import { postgresWorkflowStore } from "../../src/store/postgres/workflows/index.js";
import { type EventContractStore, eventStoreContract } from "./events-contract.js";
import { freshPostgres, freshPostgresNodes, skipPostgres } from "./postgres.js";

const storeOn = (db: PostgresDatabase): EventContractStore => ({
  ...postgresWorkflowStore(db),
  ...postgresTeamStore(db),
  ...postgresEventStore(db),
  close: () => db.close(),
});

eventStoreContract("postgres", async () => storeOn(await freshPostgres()), {
  skip: skipPostgres,
  nodes: async () => {
    const dbs = await freshPostgresNodes(2);
    return {
      stores: dbs.map(storeOn),
      close: async () => {
        for (const db of dbs) await db.close();
      },
    };
  },
});
