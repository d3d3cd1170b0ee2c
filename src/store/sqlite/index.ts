/**
 * The embedded default store: one SQLite file (WAL, synchronous=FULL by default).
 */
import type { Store } from "../port.js";
import { activityQueries } from "./activities.js";
import { auditQueries } from "./audit.js";
import { flushGroupCommits, groupCommit } from "./batch.js";
import { claimQueries } from "./claims.js";
import { credentialQueries } from "./credentials.js";
import { lockDatabase, openDatabase, type Synchronous } from "./database.js";
import { eventQueries, groupCommitted } from "./events/index.js";
import { executionQueries } from "./executions.js";
import { identityQueries } from "./identity.js";
import { cachedIdentityReads } from "./identity-cache.js";
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
  // One store per database file: the leases it holds in memory must be the only ones.
  const unlock = options.path === ":memory:" ? () => undefined : lockDatabase(options.path);
  let db: ReturnType<typeof openDatabase>;
  try {
    db = openDatabase(options.path, options.synchronous);
  } catch (error) {
    unlock();
    throw error;
  }
  const machines = stateMachineQueries(db);
  const executions = executionQueries(db);
  const tasks = taskQueries(db);
  const claims = claimQueries(db, executions.startExecution, tasks.settleTask);
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
  // The lookups of every authenticated request, cached until the identity tables change.
  Object.assign(sync, cachedIdentityReads(db, sync));
  const events = eventQueries(db, executions.startExecution);
  const store = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(sync)) {
    store[name] = async (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args);
  }
  // The writes every request makes share transactions with their concurrent peers.
  store.startExecution = groupCommit(db, executions.startExecution);
  store.settleTask = groupCommit(db, tasks.settleTask);
  // The runtime's commits of execution passes join the same group (one fsync per turn).
  store.commit = groupCommit(db, claims.commit);
  // Every mutating request appends an audit event: they share commits too.
  store.appendAudit = groupCommit(db, audit.appendAudit);
  for (const [name, fn] of Object.entries(events))
    store[name] = async (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args);
  for (const name of groupCommitted)
    store[name] = groupCommit(db, events[name] as (...a: unknown[]) => unknown);
  store.acceptEvents = groupCommit(
    db,
    events.acceptEvents,
    (_events, _deliveries, _archived, _outbox, options?: { syncedLater?: boolean }) =>
      options?.syncedLater === true,
  );
  const ops = opsQueries(db, tasks.settleTask);
  for (const [name, fn] of Object.entries(ops))
    store[name] = async (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args);
  for (const name of groupCommittedOps)
    store[name] = groupCommit(db, ops[name] as (...a: unknown[]) => unknown);
  store.close = async () => {
    // Writes queued for the next group commit were promised to their callers: commit them.
    flushGroupCommits(db);
    db.close();
    unlock();
  };
  return store as unknown as Store;
}
