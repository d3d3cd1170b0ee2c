/**
 * The PostgreSQL connection module: statements are prepared once per connection, and a table
 * changed under them by another node's migration does not break the node (its connection is
 * replaced and the statement prepared again).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PostgresDatabase } from "../../src/store/postgres/database.js";
import { freshPostgres, postgresUrl, skipPostgres } from "./postgres.js";

describe("postgres connection", { skip: skipPostgres }, () => {
  test("a table changed under prepared statements: reads and transactions go on", async () => {
    const first = await freshPostgres();
    const schema = (await first.row<{ name: string }>("SELECT current_schema() AS name"))?.name;
    await first.close();
    // One connection, so every statement below runs where the earlier ones were prepared.
    const db = await PostgresDatabase.open({
      url: postgresUrl as string,
      schema: schema as string,
      maxConnections: 1,
    });
    const migrator = await PostgresDatabase.open({
      url: postgresUrl as string,
      schema: schema as string,
    });
    try {
      await db.run("CREATE TABLE probe (id INTEGER PRIMARY KEY)");
      await db.run("INSERT INTO probe (id) VALUES ($1)", [1]);
      const read = () => db.rows("SELECT * FROM probe ORDER BY id");
      assert.deepEqual(await read(), [{ id: 1 }]);
      await db.transaction((tx) => tx.rows("SELECT * FROM probe ORDER BY id"));
      await migrator.run("ALTER TABLE probe ADD COLUMN note TEXT");
      assert.deepEqual(await read(), [{ id: 1, note: null }]);
      await migrator.run("ALTER TABLE probe ADD COLUMN more TEXT");
      assert.deepEqual(await db.transaction((tx) => tx.rows("SELECT * FROM probe ORDER BY id")), [
        { id: 1, note: null, more: null },
      ]);
    } finally {
      await db.close();
      await migrator.close();
    }
  });
});
