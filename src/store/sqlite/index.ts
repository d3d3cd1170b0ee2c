/**
 * The embedded default store: one SQLite file (WAL, synchronous=FULL by default). Each port
 * is assembled from its query modules and checked against the port by the compiler.
 */
import type Database from "better-sqlite3";
import type { AuditStore } from "../audit-port.js";
import type { EventStore } from "../events-port.js";
import type { FleetStore } from "../fleet-port.js";
import type { FunctionStore } from "../functions-port.js";
import type { IdentityStore } from "../identity-port.js";
import type { IncidentStore } from "../incidents-port.js";
import type { OpsStore } from "../ops-port.js";
import type { ParameterStore } from "../parameters-port.js";
import type { Store } from "../port.js";
import type { SignInThrottleStore } from "../sign-in-port.js";
import type { TeamStore } from "../teams-port.js";
import type { WorkflowStore } from "../workflows-port.js";
import { activityQueries } from "./activities.js";
import { auditQueries } from "./audit.js";
import { flushGroupCommits, groupCommit } from "./batch.js";
import { claimQueries } from "./claims.js";
import { credentialQueries } from "./credentials.js";
import { lockDatabase, openDatabase, type Synchronous } from "./database.js";
import { eventQueries } from "./events/index.js";
import { executionQueries } from "./executions.js";
import { fleetQueries } from "./fleet/index.js";
import { functionQueries } from "./functions.js";
import { identityQueries } from "./identity.js";
import { cachedIdentityReads } from "./identity-cache.js";
import { approvalQueries } from "./ops/approvals.js";
import { incidentQueries } from "./ops/incidents.js";
import { notificationQueries } from "./ops/notifications.js";
import { parameterQueries } from "./parameters.js";
import { signInFailureQueries } from "./sign-in-failures.js";
import { stateMachineQueries } from "./state-machines.js";
import { taskQueries } from "./tasks.js";
import { teamQueries } from "./teams.js";

/** Options of the SQLite store. */
export interface SqliteStoreOptions {
  /** The database file, or `:memory:`. */
  path: string;
  synchronous?: Synchronous;
}

// biome-ignore lint/suspicious/noExplicitAny: a method table of any signatures
type Methods = Record<string, (...args: any[]) => unknown>;

/** The same methods, answering with promises (the port's signatures). */
type Asynchronous<T extends Methods> = {
  [K in keyof T]: (...args: Parameters<T[K]>) => Promise<Awaited<ReturnType<T[K]>>>;
};

/** Wraps synchronous queries in the port's async signatures (each runs at once). */
function asynchronous<T extends Methods>(sync: T): Asynchronous<T> {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(sync))
    wrapped[name] = async (...args: unknown[]) => fn(...args);
  return wrapped as Asynchronous<T>;
}

/**
 * Opens the SQLite store. better-sqlite3 is synchronous: each method runs one short
 * transaction; the async signatures are the ports', shared with networked adapters.
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  // One store per database file: the leases it holds in memory must be the only ones.
  const unlock = options.path === ":memory:" ? () => undefined : lockDatabase(options.path);
  let db: Database.Database;
  try {
    db = openDatabase(options.path, options.synchronous);
  } catch (error) {
    unlock();
    throw error;
  }
  const ports = sqlitePorts(db);
  return {
    ...ports,
    // An open file answers, and opening it applied every migration.
    ready: async () => db.open,
    close: async () => {
      // Writes queued for the next group commit were promised to their callers: commit them.
      flushGroupCommits(db);
      db.close();
      unlock();
    },
  } satisfies Store;
}

/**
 * The fleet port. The agents' calls (claims, starts, output, results, heartbeats) are many
 * small writes a second with a thousand nodes: they share group commits.
 */
function fleetPort(db: Database.Database): FleetStore {
  const fleet = fleetQueries(db);
  return {
    ...asynchronous(fleet),
    createCommand: groupCommit(db, fleet.createCommand),
    claimInvocations: groupCommit(db, fleet.claimInvocations),
    startInvocation: groupCommit(db, fleet.startInvocation),
    appendOutput: groupCommit(db, fleet.appendOutput),
    finishInvocation: groupCommit(db, fleet.finishInvocation),
    recordPing: groupCommit(db, fleet.recordPing),
    // One process per database file: its own parts wake each other directly.
    onFleetWork: async () => () => undefined,
  } satisfies FleetStore;
}

/** Every port of the store on `db`. Writes on hot paths share group commits (batch.ts). */
function sqlitePorts(db: Database.Database) {
  const executions = executionQueries(db);
  const tasks = taskQueries(db);
  const claims = claimQueries(db, executions.startExecution, tasks.settleTask);
  const workflows = {
    ...asynchronous({
      ...stateMachineQueries(db),
      ...executions,
      ...claims,
      ...tasks,
      ...activityQueries(db),
    }),
    startExecution: groupCommit(db, executions.startExecution),
    settleTask: groupCommit(db, tasks.settleTask),
    // The runtime's commits of execution passes join the same group (one fsync per turn).
    commit: groupCommit(db, claims.commit),
    // One process per database file: its own parts wake each other directly.
    onExecutionsDue: async () => () => undefined,
  } satisfies WorkflowStore;

  const identityReads = { ...credentialQueries(db), ...identityQueries(db) };
  const identity = asynchronous({
    ...identityReads,
    // The lookups of every authenticated request, cached until the identity tables change.
    ...cachedIdentityReads(db, identityReads),
  }) satisfies IdentityStore;

  const auditQueryTable = auditQueries(db);
  const audit = {
    ...asynchronous(auditQueryTable),
    // Every mutating request appends an audit event: they share commits too.
    appendAudit: groupCommit(db, auditQueryTable.appendAudit),
  } satisfies AuditStore;

  const events = eventQueries(db, executions.startExecution);
  const eventStore = {
    ...asynchronous(events),
    settleDelivery: groupCommit(db, events.settleDelivery),
    acceptEvents: groupCommit(
      db,
      events.acceptEvents,
      (_events, _deliveries, _archived, _outbox, options?: { syncedLater?: boolean }) =>
        options?.syncedLater === true,
    ),
  } satisfies EventStore;

  const { enqueueNotifications, ...notifications } = notificationQueries(db);
  const ops = {
    ...asynchronous({
      ...notifications,
      ...approvalQueries(db, { settleTask: tasks.settleTask, enqueueNotifications }),
    }),
    publishMessage: groupCommit(db, notifications.publishMessage),
    settleNotificationDelivery: groupCommit(db, notifications.settleNotificationDelivery),
  } satisfies OpsStore;

  return {
    ...workflows,
    ...identity,
    ...audit,
    ...eventStore,
    ...ops,
    ...(asynchronous(incidentQueries(db)) satisfies IncidentStore),
    ...(asynchronous(parameterQueries(db)) satisfies ParameterStore),
    ...(asynchronous(teamQueries(db)) satisfies TeamStore),
    ...(asynchronous(signInFailureQueries(db)) satisfies SignInThrottleStore),
    ...(asynchronous(functionQueries(db)) satisfies FunctionStore),
    ...fleetPort(db),
  };
}
