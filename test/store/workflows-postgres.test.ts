/**
 * The workflows and teams contracts against the PostgreSQL adapter: each test gets a fresh
 * schema; the several-nodes cases open two stores (two pools) on one schema.
 */
import type { PostgresDatabase } from "../../src/store/postgres/database.js";
import { postgresTeamStore } from "../../src/store/postgres/teams.js";
import { postgresWorkflowStore } from "../../src/store/postgres/workflows/index.js";
import { storeContract } from "./contract.js";
import { freshPostgres, freshPostgresNodes, skipPostgres } from "./postgres.js";
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
