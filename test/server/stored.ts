/**
 * What a test server's database holds, whichever store it runs on (see testDatabaseFor): the
 * SQLite files in its data directory, or its PostgreSQL database. For tests that check what
 * reaches the disk (secrets sealed, audit rows append-only, outbox rows after a crash).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { testDatabaseFor } from "./harness.js";

/** Runs `sql` on the server's database: rows of a query, or the error of a refused change. */
export async function queryStored(
  dataDir: string,
  sql: string,
  values: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const url = await testDatabaseFor(dataDir);
  if (!url) {
    const db = new Database(join(dataDir, "opsflow.db"));
    try {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all(...values) as Record<string, unknown>[];
      statement.run(...values);
      return [];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Everything the database keeps, as text: SQLite's files (database, WAL, shared memory), or
 * every row of every PostgreSQL table.
 */
export async function storedText(dataDir: string): Promise<string> {
  const url = await testDatabaseFor(dataDir);
  if (!url)
    return Buffer.concat(
      ["opsflow.db", "opsflow.db-wal", "opsflow.db-shm"]
        .map((file) => join(dataDir, file))
        .filter((path) => existsSync(path))
        .map((path) => readFileSync(path)),
    ).toString("latin1");
  const tables = await queryStored(
    dataDir,
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
  );
  const texts = await Promise.all(
    tables.map(async ({ table_name }) =>
      JSON.stringify(await queryStored(dataDir, `SELECT * FROM "${table_name}"`), (_key, value) =>
        value?.type === "Buffer" ? Buffer.from(value.data).toString("latin1") : value,
      ),
    ),
  );
  return texts.join("\n");
}
