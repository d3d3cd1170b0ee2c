/**
 * One node count of bench/postgres-nodes.ts: `opsflow server` processes on a fresh database,
 * loaded over REST round-robin, each workload measured in best-of rounds.
 */
import { join } from "node:path";
import pg from "pg";
import { ADMIN, type ServerProcess, startServerProcess } from "../test/server/harness.js";
import { type CpuUse, cpuBetween, sampleCpu, type Watched } from "./cpu-usage.js";
import { createDatabase, type Done } from "./postgres-database.js";
import { bestRound, type Figure } from "./postgres-round.js";
import {
  autocannonStarts,
  BENCH_ACCOUNT,
  deployWorkloads,
  LOOP_TRANSITIONS,
  machineArn,
  postJson,
} from "./workloads.js";

/** Loop executions per measured round. */
export const LOOP_EXECUTIONS = 300;
/** 5-state executions per measured round. */
export const FIVE_EXECUTIONS = 1000;

const MASTER_KEY = Buffer.alloc(32, 11).toString("base64");

/** What a node count's run needs from the whole benchmark. */
export interface NodeRunContext {
  clusterUrl: string;
  /** A temporary directory; each node gets its data directory below it. */
  root: string;
  /** The trees whose CPU is split out; the run sets `nodes` while its nodes are up. */
  watched: Watched;
  /** Undo steps, newest last: the run pushes the nodes' stop while they are up. */
  cleanups: (() => Promise<unknown>)[];
}

/** One node count's figures. */
export interface NodeRun {
  nodes: number;
  transitions: Figure;
  executions: Figure;
  starts: Figure;
  /** CPU while the nodes ran with nothing to do: their polling, and PostgreSQL's share of it. */
  idle: CpuUse;
}

/** Starts `count` nodes on `database`: the first alone (it migrates), the others together. */
async function startNodes(
  context: NodeRunContext,
  count: number,
  database: string,
): Promise<ServerProcess[]> {
  const env = {
    OPSFLOW_DATABASE_URL: database,
    OPSFLOW_MASTER_KEY: MASTER_KEY,
    OPSFLOW_ACCOUNT: BENCH_ACCOUNT,
    // The per-credential request limit would cap the one bench token; the goal is capacity.
    OPSFLOW_RATE_LIMIT: "off",
  };
  const started: ServerProcess[] = [];
  const start = async (index: number) => {
    const server = await startServerProcess(join(context.root, `n${count}-${index}`), 0, env);
    started.push(server);
    return server;
  };
  const stopAll = async () => {
    await Promise.all(
      started.map((server) => (server.child.exitCode === null ? server.stop() : undefined)),
    );
    context.watched.nodes = [];
  };
  context.cleanups.push(stopAll);
  const first = await start(0);
  const others = await Promise.all(Array.from({ length: count - 1 }, (_, i) => start(i + 1)));
  const servers = [first, ...others];
  context.watched.nodes = servers.map((server) => server.child.pid ?? 0);
  return servers;
}

/** A node died: its output, for the failure's message. */
function assertAlive(servers: ServerProcess[]): void {
  for (const [index, server] of servers.entries())
    if (server.child.exitCode !== null)
      throw new Error(`node ${index} exited with ${server.child.exitCode}:\n${server.output()}`);
}

/**
 * Starts `count` executions of `machine` over HTTP, execution i on node i mod N, 32 requests in
 * flight, then waits until none of them runs (reading the shared database); fails unless all
 * succeeded. Returns the seconds from the first request to the last end.
 */
async function runExecutions(
  servers: ServerProcess[],
  db: pg.Client,
  machine: string,
  count: number,
  input: (index: number) => unknown,
): Promise<number> {
  // Executions get rising ids: this round's are above the highest so far, and the polls below
  // read only them (a poll over all of the machine's executions costs PostgreSQL more CPU
  // than the nodes' own queries do).
  const { rows: before } = await db.query<{ id: number }>(
    "SELECT COALESCE(max(id), 0)::float8 AS id FROM executions",
  );
  const after = before[0].id;
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) {
        const index = next++;
        await postJson(
          servers[index % servers.length].url,
          ADMIN.token,
          `/v1/state-machines/${machine}/executions`,
          { input: input(index) },
        );
      }
    }),
  );
  for (;;) {
    const { rows } = await db.query<{ running: number }>(
      "SELECT count(*)::int AS running FROM executions WHERE id > $1 AND status = 'RUNNING'",
      [after],
    );
    if (rows[0].running === 0) break;
    assertAlive(servers);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const seconds = (performance.now() - start) / 1000;
  const { rows } = await db.query<{ failed: number; total: number }>(
    `SELECT count(*) FILTER (WHERE status <> 'SUCCEEDED')::int AS failed, count(*)::int AS total
       FROM executions WHERE id > $1 AND state_machine_arn = $2`,
    [after, machineArn(machine)],
  );
  if (rows[0].failed > 0)
    throw new Error(`${rows[0].failed} ${machine} executions did not succeed`);
  if (rows[0].total !== count)
    throw new Error(`${rows[0].total} ${machine} executions stored, ${count} started`);
  return seconds;
}

/** One autocannon process per node, all at once, 5 s: the summed StartExecution rate. */
async function startsOnAllNodes(servers: ServerProcess[]): Promise<Done> {
  const results = await Promise.all(
    servers.map((server) => autocannonStarts(server.url, ADMIN.token, 5)),
  );
  return {
    units: results.reduce((sum, result) => sum + result.units, 0),
    perSecond: results.reduce((sum, result) => sum + result.perSecond, 0),
  };
}

/** Runs `count` nodes on a database of their own and measures each workload on them. */
export async function measureNodes(context: NodeRunContext, count: number): Promise<NodeRun> {
  const database = await createDatabase(context.clusterUrl, `bench_nodes_${count}`);
  const servers = await startNodes(context, count, database);
  const db = new pg.Client({ connectionString: database });
  await db.connect();
  try {
    // Deployed through the first node; all nodes read them from the database.
    await deployWorkloads(servers[0].url, ADMIN.token);
    // A small warm-up on every node first: the measured rounds should not pay for the JIT, the
    // pools' first connections or the function's unpacking.
    await runExecutions(servers, db, "loop", 10 * count, () => ({}));
    await runExecutions(servers, db, "five", 50 * count, (id) => ({ id }));
    const quiet = sampleCpu(context.watched);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = cpuBetween(quiet, sampleCpu(context.watched));
    const transitions = await bestRound(db, context.watched, 2, async () => ({
      units: LOOP_EXECUTIONS * LOOP_TRANSITIONS,
      seconds: await runExecutions(servers, db, "loop", LOOP_EXECUTIONS, () => ({})),
    }));
    const executions = await bestRound(db, context.watched, 2, async () => ({
      units: FIVE_EXECUTIONS,
      seconds: await runExecutions(servers, db, "five", FIVE_EXECUTIONS, (id) => ({ id })),
    }));
    const starts = await bestRound(db, context.watched, 1, () => startsOnAllNodes(servers));
    assertAlive(servers);
    return { nodes: count, transitions, executions, starts, idle };
  } finally {
    await db.end();
    await context.cleanups.pop()?.();
  }
}
