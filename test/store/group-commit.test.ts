/**
 * The group committer on a real SQLite file: writes of one turn share a transaction, each in
 * its own savepoint; a group made only of writes whose callers sync them later commits
 * without an fsync (synchronous=NORMAL for that commit), any other group with one.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { groupCommit } from "../../src/store/sqlite/batch.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-group-commit-"));
let files = 0;
after(() => rmSync(root, { recursive: true, force: true }));

/** A WAL database at `synchronous`, and a group-committed insert that records that level. */
function open(synchronous: "FULL" | "NORMAL") {
  const db = new Database(join(root, `db-${files++}`));
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  db.exec("CREATE TABLE t (v TEXT PRIMARY KEY, level INTEGER)");
  const insert = db.prepare("INSERT INTO t (v, level) VALUES (?, ?)");
  const write = (value: string, _later: boolean) => {
    insert.run(value, db.pragma("synchronous", { simple: true }));
  };
  const levels = () =>
    Object.fromEntries(
      (db.prepare("SELECT v, level FROM t").all() as { v: string; level: number }[]).map((row) => [
        row.v,
        row.level,
      ]),
    );
  return { db, put: groupCommit(db, write, (_value, later) => later), levels };
}

test("a group of writes synced later commits without an fsync; a group with any other write syncs", async () => {
  const { db, put, levels } = open("FULL");
  await Promise.all([put("later-1", true), put("later-2", true)]);
  await Promise.all([put("later-3", true), put("now", false)]);
  // 1 = NORMAL, 2 = FULL, as the commit ran.
  assert.deepEqual(levels(), { "later-1": 1, "later-2": 1, "later-3": 2, now: 2 });
  assert.equal(db.pragma("synchronous", { simple: true }), 2);
  db.close();
});

test("a failing write of a group undoes only itself, and the connection's level is restored", async () => {
  const { db, put, levels } = open("FULL");
  await put("taken", true);
  const [again, other] = await Promise.allSettled([put("taken", true), put("other", true)]);
  assert.equal(again.status, "rejected");
  assert.equal(other.status, "fulfilled");
  assert.deepEqual(Object.keys(levels()).sort(), ["other", "taken"]);
  assert.equal(db.pragma("synchronous", { simple: true }), 2);
  db.close();
});

test("a database below FULL keeps its level", async () => {
  const { db, put, levels } = open("NORMAL");
  await Promise.all([put("a", true), put("b", false)]);
  assert.deepEqual(levels(), { a: 1, b: 1 });
  assert.equal(db.pragma("synchronous", { simple: true }), 1);
  db.close();
});
