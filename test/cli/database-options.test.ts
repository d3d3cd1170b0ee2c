/**
 * `opsflow server --database`: a URL opsflow cannot use is refused at start in one line (no
 * stack trace, nothing created); `opsflow backup` copies the embedded database online.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import pg from "pg";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { startServerProcess } from "../server/harness.js";
import { freshDatabaseUrl, skipPostgres } from "../store/postgres.js";
import { runCli } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-database-options-"));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const emptyDir = () => {
  const dir = join(root, `data-${dirs++}`);
  return dir;
};

function refused(database: string, expected: RegExp): void {
  const dataDir = emptyDir();
  const result = runCli(["server", "--data-dir", dataDir, "--port", "0", "--database", database]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, expected);
  assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  assert.equal(existsSync(join(dataDir, "opsflow.db")), false, "no SQLite database made instead");
}

describe("opsflow server --database", () => {
  test("a URL of another kind of database is refused", () => {
    refused("mysql://root@127.0.0.1/opsflow", /Unsupported database URL .*expected postgres:\/\//);
  });

  test("an unreachable PostgreSQL is refused with what to check", () => {
    refused(
      "postgres://opsflow@127.0.0.1:1/opsflow",
      /nothing listens there: is PostgreSQL running/,
    );
  });

  test("a database that does not exist is refused", { skip: skipPostgres }, async () => {
    const url = new URL(await freshDatabaseUrl());
    url.pathname = "/no_such_database_here";
    refused(url.toString(), /does not exist: create it first/);
  });

  test("a database written by a newer opsflow is refused, and left as it was", {
    skip: skipPostgres,
  }, async () => {
    const url = await freshDatabaseUrl();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
      );
      await client.query("INSERT INTO schema_migrations VALUES (9999, 0)");
      refused(url, /holds migration 9999.*written by a newer opsflow/);
      const tables = await client.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      assert.deepEqual(
        tables.rows.map((row) => row.table_name),
        ["schema_migrations"],
        "no migration was applied",
      );
    } finally {
      await client.end();
    }
  });
});

describe("nodes on one PostgreSQL database", { skip: skipPostgres }, () => {
  test("a node whose master key differs from the database's is refused at start", async () => {
    const database = await freshDatabaseUrl();
    const key = (byte: number) => Buffer.alloc(32, byte).toString("base64");
    const first = await startServerProcess(emptyDir(), 0, {
      OPSFLOW_DATABASE_URL: database,
      OPSFLOW_MASTER_KEY: key(1),
    });
    try {
      const other = runCli(["server", "--data-dir", emptyDir(), "--port", "0"], {
        OPSFLOW_DATABASE_URL: database,
        OPSFLOW_MASTER_KEY: key(2),
      });
      assert.equal(other.code, 2, other.stderr);
      assert.match(other.stderr, /master key does not open the secrets stored in this database/);
      assert.doesNotMatch(other.stderr, /\n\s+at /, "no stack trace");
      assert.equal((await fetch(`${first.url}/ready`)).status, 200, "the first node still serves");
    } finally {
      await first.stop();
    }
  });
});

describe("opsflow backup", () => {
  test("copies the database of a running server; the copy opens with its data", async () => {
    const server = await startServerProcess(emptyDir());
    try {
      const response = await fetch(`${server.url}/health`);
      assert.equal(response.status, 200);
      const file = join(root, "backup.db");
      const result = runCli(["backup", file, "--data-dir", server.dataDir, "--json"]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).file, file);
      const copy = openSqliteStore({ path: file });
      try {
        // The admin credentials the server made at its first start are in the copy.
        assert.ok((await copy.listApiTokens()).length > 0);
      } finally {
        await copy.close();
      }
      const again = runCli(["backup", file, "--data-dir", server.dataDir]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /exists already/);
    } finally {
      await server.stop();
    }
  });

  test("without a database there is nothing to copy", () => {
    const dataDir = emptyDir();
    const result = runCli(["backup", join(root, "none.db"), "--data-dir", dataDir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /There is no database at/);
    assert.equal(existsSync(dataDir) && readdirSync(dataDir).length > 0, false);
  });
});
