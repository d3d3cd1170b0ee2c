/**
 * The networked store: every port on one PostgreSQL database, shared by any number of
 * opsflow nodes. Leases, fences and "fires once" decisions live in the database.
 */
import type { Store } from "../port.js";
import { PostgresDatabase, type PostgresOptions } from "./database.js";
import { postgresEventStore } from "./events/index.js";
import { postgresFleetStore } from "./fleet/index.js";
import { postgresFunctionStore } from "./functions.js";
import { postgresAuditStore } from "./identity/audit.js";
import { postgresIdentityStore } from "./identity/index.js";
import { postgresParameterStore } from "./identity/parameters.js";
import { postgresIncidentStore, postgresOpsStore } from "./ops/index.js";
import { postgresSignInThrottleStore } from "./sign-in-failures.js";
import { postgresTeamStore } from "./teams.js";
import { postgresWorkflowStore } from "./workflows/index.js";

/** Connects to the database at `options.url`, migrates it, and assembles every port. */
export async function openPostgresStore(options: PostgresOptions): Promise<Store> {
  const db = await PostgresDatabase.open(options);
  return postgresStoreOn(db);
}

/** Every port on an open database (tests open several stores on one schema this way). */
export function postgresStoreOn(db: PostgresDatabase): Store {
  return {
    ...postgresWorkflowStore(db),
    ...postgresTeamStore(db),
    ...postgresEventStore(db),
    ...postgresOpsStore(db),
    ...postgresIncidentStore(db),
    ...postgresIdentityStore(db),
    ...postgresAuditStore(db),
    ...postgresParameterStore(db),
    ...postgresSignInThrottleStore(db),
    ...postgresFunctionStore(db),
    ...postgresFleetStore(db),
    ready: () => db.ready(),
    close: () => db.close(),
  } satisfies Store;
}
