/**
 * Migrations 016 and 017 on a database written under 015: executions keep their rows, runtime
 * state, history and task results (now found by the execution's id), and starting the same
 * name again is still idempotent.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { openSqliteStore } from "../../src/store/sqlite/index.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-migration-016-"));
after(() => rmSync(root, { recursive: true, force: true }));

const MIGRATIONS = join(import.meta.dirname, "../../migrations/sqlite");
const PREFIX = "arn:aws:states:us-east-1:123456789012";
const T0 = 1_700_000_000_000;

/** A database file with migrations 001..015 applied, as a 015 server left it. */
function databaseAt015(path: string): Database.Database {
  const db = new Database(path);
  db.exec(
    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
  );
  for (const file of readdirSync(MIGRATIONS).sort()) {
    const version = Number.parseInt(file, 10);
    if (version > 15) continue;
    db.exec(readFileSync(join(MIGRATIONS, file), "utf8"));
    db.prepare("INSERT INTO schema_migrations VALUES (?, ?)").run(version, T0);
  }
  return db;
}

test("016 and 017 move executions, their state, history and tasks to execution ids, losing nothing", async () => {
  const path = join(root, "opsflow.db");
  const db = databaseAt015(path);
  const insert = db.prepare(
    `INSERT INTO executions (arn, state_machine_arn, name, status, input, definition, role_arn,
       started_at, next_event_id, wake_at) VALUES (?, ?, ?, ?, '{}', '{"StartAt":"A"}', 'r', ?, 3, ?)`,
  );
  for (const [name, status, wakeAt] of [
    ["done", "SUCCEEDED", null],
    ["waiting", "RUNNING", T0 + 60_000],
  ] as const) {
    const arn = `${PREFIX}:execution:M:${name}`;
    insert.run(arn, `${PREFIX}:stateMachine:M`, name, status, T0, wakeAt);
    db.prepare("INSERT INTO execution_state (arn, state) VALUES (?, ?)").run(arn, `state-${name}`);
    for (const id of [1, 2])
      db.prepare(
        "INSERT INTO history_events (execution_arn, id, previous_id, type, timestamp, details) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(
        arn,
        id,
        id - 1,
        id === 1 ? "ExecutionStarted" : "PassStateEntered",
        T0 + id,
        `{"n":"${name}"}`,
      );
  }
  db.prepare(
    `INSERT INTO tasks (token, execution_arn, frame_id, state_name, resource, kind, awaits_token,
       parameters, idempotency_key, status, created_at, settled, output)
     VALUES ('t1', ?, 0, 'T', 'r', 'dispatch', 0, '{}', 'k', 'succeeded', ?, 1, '{"ok":1}')`,
  ).run(`${PREFIX}:execution:M:waiting`, T0);
  db.close();

  const store = openSqliteStore({ path });
  const waiting = `${PREFIX}:execution:M:waiting`;
  assert.equal((await store.getExecution(`${PREFIX}:execution:M:done`))?.status, "SUCCEEDED");
  const history = await store.getHistory(waiting, { page: { limit: 10 }, reverse: false });
  assert.deepEqual(
    history.items.map((e) => [e.id, e.type, e.details]),
    [
      [1, "ExecutionStarted", { n: "waiting" }],
      [2, "PassStateEntered", { n: "waiting" }],
    ],
  );
  const claim = await store.claimExecution(waiting, "owner", T0 + 60_000, 30_000);
  assert.equal(claim?.state, "state-waiting");
  assert.equal(claim?.nextEventId, 3);
  // 017: the settled result is found through the task's execution id.
  assert.deepEqual(
    claim?.settledTasks.map((t) => [t.token, t.output]),
    [["t1", '{"ok":1}']],
  );

  // The name is still taken: the ARN's unique index replaced (machine, name).
  const again = await store.startExecution({
    record: {
      arn: waiting,
      stateMachineArn: `${PREFIX}:stateMachine:M`,
      name: "waiting",
      status: "RUNNING",
      input: '{"other":true}',
      definition: '{"StartAt":"A"}',
      roleArn: "r",
      startedAt: T0 + 5,
      redriveCount: 0,
    },
    state: "new",
    events: [],
  });
  assert.equal(again.created, false);
  assert.equal(again.record.input, "{}");
  await store.close();

  const raw = new Database(path, { readonly: true });
  const tables = raw
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'ex%' ORDER BY name",
    )
    .pluck()
    .all();
  assert.deepEqual(tables, ["execution_history", "execution_states", "executions"]);
  raw.close();
});
