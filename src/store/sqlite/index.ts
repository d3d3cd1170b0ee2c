/**
 * The embedded default store: one SQLite file (WAL, synchronous=FULL by default).
 */
import type { Store } from "../port.js";
import { activityQueries } from "./activities.js";
import { auditQueries } from "./audit.js";
import { groupCommit } from "./batch.js";
import { claimQueries } from "./claims.js";
import { credentialQueries } from "./credentials.js";
import { openDatabase, type Synchronous } from "./database.js";
import { eventQueries, groupCommitted } from "./events/index.js";
import { executionQueries } from "./executions.js";
import { identityQueries } from "./identity.js";
import { groupCommittedOps, opsQueries } from "./ops/index.js";
import { parameterQueries } from "./parameters.js";
import { stateMachineQueries } from "./state-machines.js";
import { taskQueries } from "./tasks.js";
import { teamQueries } from "./teams.js";

/** Options of the SQLite store. */
export interface SqliteStoreOptions {
  /** The database file, or `:memory:`. */
  path: string;
  synchronous?: Synchronous;
}

/**
 * Opens the SQLite store. better-sqlite3 is synchronous: each method runs one short
 * transaction; the async signatures are the port's, shared with networked adapters.
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const db = openDatabase(options.path, options.synchronous);
  const machines = stateMachineQueries(db);
  const executions = executionQueries(db);
  const tasks = taskQueries(db);
  const claims = claimQueries(
    db,
    executions.appendEvents,
    executions.startExecution,
    tasks.settleTask,
  );
  const activities = activityQueries(db);
  const audit = auditQueries(db);
  const sync = {
    ...machines,
    ...executions,
    ...claims,
    ...tasks,
    ...activities,
    ...credentialQueries(db),
    ...identityQueries(db),
    ...audit,
    ...parameterQueries(db),
    ...teamQueries(db),
  };
  const events = eventQueries(db);
  const store = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(sync)) {
    if (name === "appendEvents") continue;
    store[name] = async (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args);
  }
  // The writes every request makes share transactions with their concurrent peers.
  store.startExecution = groupCommit(db, executions.startExecution);
  store.settleTask = groupCommit(db, tasks.settleTask);
  // Every mutating request appends an audit event: they share commits too.
  store.appendAudit = groupCommit(db, audit.appendAudit);
  for (const [name, fn] of Object.entries(events))
    store[name] = async (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args);
  for (const name of groupCommitted)
    store[name] = groupCommit(db, events[name] as (...a: unknown[]) => unknown);
  const ops = opsQueries(db, tasks.settleTask);
  for (const [name, fn] of Object.entries(ops))
    store[name] = async (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args);
  for (const name of groupCommittedOps)
    store[name] = groupCommit(db, ops[name] as (...a: unknown[]) => unknown);
  store.close = async () => {
    db.close();
  };
  return store as unknown as Store;
}
