/**
 * PostgreSQL for the tests: `OPSFLOW_TEST_DATABASE_URL` names a database (`.ci/run` starts a
 * throw-away cluster and sets it); each store gets a schema of its own, so tests do not see
 * each other's rows. Without the variable the PostgreSQL cases are skipped, with that reason.
 */
import { randomBytes } from "node:crypto";
import { PostgresDatabase } from "../../src/store/postgres/database.js";

/** The test database's URL, if one is configured. */
export const postgresUrl = process.env.OPSFLOW_TEST_DATABASE_URL;

/** Why PostgreSQL cases are skipped, or false when they run. */
export const skipPostgres: string | false = postgresUrl
  ? false
  : "OPSFLOW_TEST_DATABASE_URL is not set (.ci/run sets it)";

/** A new, migrated, empty schema in the test database. */
export async function freshPostgres(): Promise<PostgresDatabase> {
  if (!postgresUrl) throw new Error(skipPostgres || "no test database");
  return PostgresDatabase.open({
    url: postgresUrl,
    schema: `test_${randomBytes(6).toString("hex")}`,
    maxConnections: 4,
  });
}
