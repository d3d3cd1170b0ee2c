/**
 * PostgreSQL for the tests: `OPSFLOW_TEST_DATABASE_URL` names a database (`.ci/run` starts a
 * throw-away cluster and sets it); each store gets a schema of its own, so tests do not see
 * each other's rows. Without the variable the PostgreSQL cases are skipped, with that reason.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
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

/**
 * `count` handles (pools) on one new, migrated schema, as `count` nodes sharing a database
 * see it: what one commits, the others read, and their row locks exclude each other.
 */
export async function freshPostgresNodes(count: number): Promise<PostgresDatabase[]> {
  if (!postgresUrl) throw new Error(skipPostgres || "no test database");
  const schema = `test_${randomBytes(6).toString("hex")}`;
  const nodes: PostgresDatabase[] = [];
  for (let i = 0; i < count; i++)
    nodes.push(await PostgresDatabase.open({ url: postgresUrl, schema, maxConnections: 4 }));
  return nodes;
}

/**
 * The URL of a new, empty database in the test cluster, for a server under test (several
 * server processes given the same URL share it, as nodes do).
 */
export async function freshDatabaseUrl(): Promise<string> {
  if (!postgresUrl) throw new Error(skipPostgres || "no test database");
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
