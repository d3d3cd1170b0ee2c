/**
 * opsflow on PostgreSQL, measured in one run beside the database's own ceiling:
 * - PostgreSQL's commit ceiling on this machine: single-row commits of a 1 KB row through `pg`,
 *   with 1 client and with 8 concurrent clients, on a throw-away cluster
 *   (scripts/postgres-cluster.sh, fsync on);
 * - 1, 2 and 3 `opsflow server` processes on one fresh database of that cluster (a new database
 *   for each node count, so no row inherits the previous one's tables), requests spread
 *   round-robin over them: durable transitions/s of the Pass/Choice loop of bench/durable.ts,
 *   5-state executions/s with one Node function task, and StartExecution requests/s from one
 *   autocannon process per node at the same time, summed.
 * Each figure is shown beside the same run's ceiling (8 clients) and one node's figure, with the
 * goals (one node ≥ 50 % of the ceiling; three nodes ≥ 2.5× one node until the database
 * saturates) and the machine's CPU use while it ran, split between PostgreSQL, the nodes and
 * the rest (this process, autocannon, and whatever else shares the machine): on a small machine
 * the load generator, the database and the nodes share the same cores, and the split tells
 * which of them runs out first.
 *
 * Run alone: `node --expose-gc --import tsx bench/postgres-nodes.ts` (from the repository root).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { ADMIN, type ServerProcess, startServerProcess } from "../test/server/harness.js";
import { startPostgresCluster } from "../test/server/postgres-cluster.js";
import { printTable } from "./table.js";

const ACCOUNT = "000000000000";
const MACHINES = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine`;
const MASTER_KEY = Buffer.alloc(32, 11).toString("base64");
const NODE_COUNTS = [1, 2, 3];
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
const CORES = cpus().length;

/** Undoes, newest first, what the run started: servers, databases, the cluster. */
const cleanups: (() => Promise<unknown>)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()?.();
    } catch (error) {
      console.error("cleanup:", error);
    }
  }
}

// ---- CPU accounting ---------------------------------------------------------------------------

/** CPU time so far: the machine's busy and total jiffies, and seconds of each process group. */
interface CpuSample {
  at: number;
  busy: number;
  total: number;
  postgres: number;
  nodes: number;
  bench: number;
}

/** CPU used between two samples, in cores (1 = one core busy the whole time). */
interface CpuUse {
  machine: number;
  postgres: number;
  nodes: number;
  /** This process and its children other than the nodes: the load generators. */
  bench: number;
  /** Everything else on the machine. */
  other: number;
}

function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1);
  const values = fields.map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  // idle and iowait are the time no task ran; guest times are already inside user and nice.
  const guest = (values[8] ?? 0) + (values[9] ?? 0);
  return { busy: total - guest - values[3] - (values[4] ?? 0), total: total - guest };
}

/** Every process's parent and CPU ticks (own + reaped children): one pass over /proc. */
function processTable(): Map<number, { parent: number; ticks: number }> {
  const table = new Map<number, { parent: number; ticks: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses: the fields start after its last ')'.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks =
        Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      table.set(Number(entry), { parent: Number(fields[1]), ticks });
    } catch {
      // The process ended while we read.
    }
  }
  return table;
}

/** CPU seconds of `roots` and all their descendants. */
function treeSeconds(
  table: Map<number, { parent: number; ticks: number }>,
  roots: readonly number[],
): number {
  const inTree = new Set(roots);
  let ticks = 0;
  // Parents have lower pids only usually, so repeat until no process joins.
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, { parent }] of table)
      if (!inTree.has(pid) && inTree.has(parent)) {
        inTree.add(pid);
        grew = true;
      }
  }
  for (const pid of inTree) ticks += table.get(pid)?.ticks ?? 0;
  return ticks / CLOCK_TICKS;
}

/** What measures CPU: the postmaster's pid and the nodes' pids of the moment. */
const watched = { postmaster: 0, nodes: [] as number[] };

function sampleCpu(): CpuSample {
  const table = processTable();
  return {
    at: performance.now(),
    ...machineJiffies(),
    postgres: treeSeconds(table, [watched.postmaster]),
    nodes: treeSeconds(table, watched.nodes),
    // The nodes are this process's children too: their share is taken out below.
    bench: treeSeconds(table, [process.pid]),
  };
}

function cpuBetween(before: CpuSample, after: CpuSample): CpuUse {
  const seconds = (after.at - before.at) / 1000;
  const machine = ((after.busy - before.busy) / (after.total - before.total)) * CORES;
  const postgres = (after.postgres - before.postgres) / seconds;
  const nodes = (after.nodes - before.nodes) / seconds;
  const bench = Math.max(0, (after.bench - before.bench) / seconds - nodes);
  const other = Math.max(0, machine - postgres - nodes - bench);
  return { machine, postgres, nodes, bench, other };
}

function cpuText(cpu: CpuUse): string {
  return `${cpu.machine.toFixed(2)}/${CORES}: pg ${cpu.postgres.toFixed(2)}, nodes ${cpu.nodes.toFixed(2)}, bench ${cpu.bench.toFixed(2)}, other ${cpu.other.toFixed(2)}`;
}

/** What ran out, as far as the CPU split tells. */
function bound(cpu: CpuUse, perSecond: number, ceiling: number): string {
  if (cpu.machine >= CORES * 0.9)
    return cpu.postgres >= cpu.nodes ? "CPU (pg the most)" : "CPU (nodes the most)";
  if (perSecond >= ceiling * 0.8) return "database commits";
  if (cpu.postgres >= 0.9) return "pg (one core)";
  return "neither: latency";
}

// ---- one measured round -----------------------------------------------------------------------

/** A round's own account of its work: units done, and their rate when it measured that itself. */
interface Done {
  units: number;
  seconds?: number;
  perSecond?: number;
}

/** A measured round: its rate, the CPU it used, and the database work it caused. */
interface Figure {
  perSecond: number;
  units: number;
  cpu: CpuUse;
  /** Transactions that wrote (transaction ids assigned, cluster-wide) per unit. */
  transactionsPerUnit: number;
  walBytesPerUnit: number;
}

/** Transaction ids assigned and WAL bytes written so far (exact, unlike the statistics views). */
async function databaseCounters(db: pg.Client): Promise<{ xid: number; wal: number }> {
  const { rows } = await db.query<{ xid: number; wal: number }>(
    "SELECT pg_current_xact_id()::text::float8 AS xid, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 AS wal",
  );
  return rows[0];
}

/** Runs `round` `times` times; the fastest counts (the least disturbed by the rest of the machine). */
async function bestRound(
  db: pg.Client,
  times: number,
  round: () => Promise<Done>,
): Promise<Figure> {
  let best: Figure | undefined;
  for (let i = 0; i < times; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const counters = await databaseCounters(db);
    const cpu = sampleCpu();
    const start = performance.now();
    const done = await round();
    const elapsed = (performance.now() - start) / 1000;
    const used = cpuBetween(cpu, sampleCpu());
    const after = await databaseCounters(db);
    const perSecond = done.perSecond ?? done.units / (done.seconds ?? elapsed);
    if (!best || perSecond > best.perSecond)
      best = {
        perSecond,
        units: done.units,
        cpu: used,
        // The first sample's own transaction took an id.
        transactionsPerUnit: (after.xid - counters.xid - 1) / done.units,
        walBytesPerUnit: (after.wal - counters.wal) / done.units,
      };
  }
  if (!best) throw new Error("no rounds");
  return best;
}

// ---- PostgreSQL's ceiling ---------------------------------------------------------------------

function databaseUrl(clusterUrl: string, database: string): string {
  const url = new URL(clusterUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates an empty database on the cluster and returns its URL. */
async function createDatabase(clusterUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(clusterUrl, name);
}

/** The cluster's postmaster: the parent of every backend, so of one we connect to. */
async function postmasterPid(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    return processTable().get(rows[0].pid)?.parent ?? 0;
  } finally {
    await client.end();
  }
}

/** Single-row 1 KB inserts, each its own transaction, from `clients` connections for `ms`. */
async function commitCeiling(url: string, clients: number, ms: number): Promise<Done> {
  const connections = Array.from(
    { length: clients },
    () => new pg.Client({ connectionString: url }),
  );
  await Promise.all(connections.map((client) => client.connect()));
  try {
    await connections[0].query(
      "CREATE TABLE IF NOT EXISTS ceiling (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)",
    );
    const body = "x".repeat(1024);
    const insert = "INSERT INTO ceiling (body) VALUES ($1)";
    for (const client of connections) await client.query(insert, [body]);
    let commits = 0;
    const start = performance.now();
    const end = start + ms;
    await Promise.all(
      connections.map(async (client) => {
        while (performance.now() < end) {
          await client.query(insert, [body]);
          commits++;
        }
      }),
    );
    return { units: commits, seconds: (performance.now() - start) / 1000 };
  } finally {
    await Promise.all(connections.map((client) => client.end()));
  }
}

// ---- the nodes --------------------------------------------------------------------------------

async function rest(url: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Starts `count` nodes on `database`: the first alone (it migrates), the others together. */
async function startNodes(root: string, count: number, database: string): Promise<ServerProcess[]> {
  const env = {
    OPSFLOW_DATABASE_URL: database,
    OPSFLOW_MASTER_KEY: MASTER_KEY,
    OPSFLOW_ACCOUNT: ACCOUNT,
    // The per-credential request limit would cap the one bench token; the goal is capacity.
    OPSFLOW_RATE_LIMIT: "off",
  };
  const started: ServerProcess[] = [];
  const start = async (index: number) => {
    const server = await startServerProcess(join(root, `n${count}-${index}`), 0, env);
    started.push(server);
    return server;
  };
  const stopAll = async () => {
    await Promise.all(
      started.map((server) => (server.child.exitCode === null ? server.stop() : undefined)),
    );
    watched.nodes = [];
  };
  cleanups.push(stopAll);
  const first = await start(0);
  const others = await Promise.all(Array.from({ length: count - 1 }, (_, i) => start(i + 1)));
  const servers = [first, ...others];
  watched.nodes = servers.map((server) => server.child.pid ?? 0);
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
  const arn = `${MACHINES}:${machine}`;
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
        await rest(
          servers[index % servers.length].url,
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
    [after, arn],
  );
  if (rows[0].failed > 0)
    throw new Error(`${rows[0].failed} ${machine} executions did not succeed`);
  if (rows[0].total !== count)
    throw new Error(`${rows[0].total} ${machine} executions stored, ${count} started`);
  return seconds;
}

const ITERATIONS = 50;
const LOOP = {
  StartAt: "Init",
  States: {
    Init: { Type: "Pass", Result: { i: 0 }, Next: "Inc" },
    Inc: { Type: "Pass", Parameters: { "i.$": "States.MathAdd($.i, 1)" }, Next: "Check" },
    Check: {
      Type: "Choice",
      Choices: [{ Variable: "$.i", NumericLessThan: ITERATIONS, Next: "Inc" }],
      Default: "Done",
    },
    Done: { Type: "Succeed" },
  },
};

const FIVE = {
  StartAt: "Prepare",
  States: {
    Prepare: { Type: "Pass", Parameters: { "id.$": "$.id" }, Next: "Tag" },
    Tag: {
      Type: "Task",
      Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:tag`,
      Next: "Route",
    },
    Route: {
      Type: "Choice",
      Choices: [{ Variable: "$.tagged", BooleanEquals: true, Next: "Shape" }],
      Default: "Shape",
    },
    Shape: { Type: "Pass", Parameters: { "id.$": "$.id", ok: true }, Next: "Done" },
    Done: { Type: "Succeed" },
  },
};

/** Deploys the machines and the function through the first node; all nodes read them. */
async function deploy(url: string): Promise<void> {
  await rest(url, "/v1/state-machines", { name: "loop", definition: LOOP });
  await rest(url, "/v1/functions", {
    name: "tag",
    runtime: "nodejs",
    files: {
      "index.mjs": Buffer.from(
        "export const handler = async (e) => ({ ...e, tagged: true });",
      ).toString("base64"),
    },
  });
  await rest(url, "/v1/state-machines", { name: "five", definition: FIVE });
  await rest(url, "/v1/state-machines", {
    name: "sleeper",
    definition: { StartAt: "W", States: { W: { Type: "Wait", Seconds: 86_400, End: true } } },
  });
}

/** One autocannon process per node, all at once, 5 s: the summed StartExecution rate. */
async function autocannonStarts(servers: ServerProcess[], seconds: number): Promise<Done> {
  const runs = servers.map(async (server) => {
    // autocannon runs as its own process, so the load generator does not share our event loop.
    const child = spawn(
      process.execPath,
      [
        "node_modules/autocannon/autocannon.js",
        "--json",
        "-c",
        "32",
        "-d",
        String(seconds),
        "-m",
        "POST",
        "-H",
        `authorization=Bearer ${ADMIN.token}`,
        "-H",
        "content-type=application/json",
        "-b",
        '{"input":{"x":1}}',
        `${server.url}/v1/state-machines/sleeper/executions`,
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    await new Promise((resolve) => child.once("exit", resolve));
    const result = JSON.parse(output) as {
      non2xx: number;
      errors: number;
      requests: { average: number; total: number };
    };
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`${result.non2xx + result.errors} StartExecution calls failed`);
    return result.requests;
  });
  const results = await Promise.all(runs);
  return {
    units: results.reduce((sum, requests) => sum + requests.total, 0),
    perSecond: results.reduce((sum, requests) => sum + requests.average, 0),
  };
}

/** One node count's figures. */
interface NodeRun {
  nodes: number;
  transitions: Figure;
  executions: Figure;
  starts: Figure;
  /** CPU while the nodes ran with nothing to do: their polling, and PostgreSQL's share of it. */
  idle: CpuUse;
}

const LOOP_EXECUTIONS = 300;
const FIVE_EXECUTIONS = 1000;

async function measureNodes(clusterUrl: string, root: string, count: number): Promise<NodeRun> {
  const database = await createDatabase(clusterUrl, `bench_nodes_${count}`);
  const servers = await startNodes(root, count, database);
  const db = new pg.Client({ connectionString: database });
  await db.connect();
  try {
    await deploy(servers[0].url);
    // A small warm-up on every node first: the measured rounds should not pay for the JIT, the
    // pools' first connections or the function's unpacking.
    await runExecutions(servers, db, "loop", 10 * count, () => ({}));
    await runExecutions(servers, db, "five", 50 * count, (id) => ({ id }));
    const quiet = sampleCpu();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = cpuBetween(quiet, sampleCpu());
    const transitions = await bestRound(db, 2, async () => ({
      units: LOOP_EXECUTIONS * (ITERATIONS * 2 + 2),
      seconds: await runExecutions(servers, db, "loop", LOOP_EXECUTIONS, () => ({})),
    }));
    const executions = await bestRound(db, 2, async () => ({
      units: FIVE_EXECUTIONS,
      seconds: await runExecutions(servers, db, "five", FIVE_EXECUTIONS, (id) => ({ id })),
    }));
    const starts = await bestRound(db, 1, () => autocannonStarts(servers, 5));
    assertAlive(servers);
    return { nodes: count, transitions, executions, starts, idle };
  } finally {
    await db.end();
    await cleanups.pop()?.();
  }
}

function percent(value: number, reference: number): string {
  return `${((value / reference) * 100).toFixed(0)} %`;
}

/** Where a figure's time went: CPU split, database work and CPU per unit, what ran out. */
function costRow(label: string, nodes: string, figure: Figure, ceiling: number): string[] {
  const { cpu, perSecond } = figure;
  return [
    label,
    nodes,
    cpuText(cpu),
    figure.transactionsPerUnit.toFixed(3),
    (figure.walBytesPerUnit / 1024).toFixed(2),
    ((cpu.postgres * 1000) / perSecond).toFixed(3),
    ((cpu.nodes * 1000) / perSecond).toFixed(3),
    bound(cpu, perSecond, ceiling),
  ];
}

/** Runs the PostgreSQL benchmarks and prints their tables. */
export async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "opsflow-bench-nodes-"));
  cleanups.push(async () => rmSync(root, { recursive: true, force: true }));
  const cluster = await startPostgresCluster();
  cleanups.push(() => cluster.stop());
  const ceilingUrl = await createDatabase(cluster.url, "bench_ceiling");
  watched.postmaster = await postmasterPid(ceilingUrl);
  const ceilingDb = new pg.Client({ connectionString: ceilingUrl });
  await ceilingDb.connect();
  let single: Figure;
  let eight: Figure;
  try {
    single = await bestRound(ceilingDb, 1, () => commitCeiling(ceilingUrl, 1, 3000));
    eight = await bestRound(ceilingDb, 1, () => commitCeiling(ceilingUrl, 8, 3000));
  } finally {
    await ceilingDb.end();
  }
  const ceiling = eight.perSecond;
  printTable(
    "PostgreSQL commit ceiling (single-row 1 KB INSERT, one commit each, fsync on)",
    ["clients", "commits/s", "× 1 client"],
    [
      ["1", single.perSecond, "1.00"],
      ["8", eight.perSecond, (eight.perSecond / single.perSecond).toFixed(2)],
    ],
  );

  const runs: NodeRun[] = [];
  for (const count of NODE_COUNTS) runs.push(await measureNodes(cluster.url, root, count));

  const measures = [
    ["durable transitions/s (Pass/Choice loop)", "transitions"],
    ["5-state executions/s (one Node function task)", "executions"],
    ["StartExecution requests/s over HTTP", "starts"],
  ] as const;
  const rows: string[][] = [];
  const costs: string[][] = [
    costRow("ceiling, 1 client (unit: commit)", "-", single, ceiling),
    costRow("ceiling, 8 clients (unit: commit)", "-", eight, ceiling),
  ];
  for (const run of runs)
    costs.push([
      run.nodes === 1 ? "idle (nodes up, no load)" : "",
      String(run.nodes),
      cpuText(run.idle),
      "",
      "",
      "",
      "",
      "",
    ]);
  for (const [label, key] of measures) {
    const one = runs[0][key].perSecond;
    for (const run of runs) {
      const figure = run[key];
      const result = figure.perSecond;
      const goal =
        run.nodes === 1
          ? `≥ 50 % of ceiling: ${result >= ceiling / 2 ? "met" : "not met"}`
          : run.nodes === 3
            ? `≥ 2.5× one node: ${result >= one * 2.5 ? "met" : "not met"}`
            : "";
      const name = run.nodes === 1 ? label : "";
      rows.push([
        name,
        String(run.nodes),
        Math.round(result).toLocaleString("en-US"),
        percent(result, ceiling),
        (result / one).toFixed(2),
        goal,
      ]);
      costs.push(costRow(name, String(run.nodes), figure, ceiling));
    }
  }
  printTable(
    `opsflow nodes on one PostgreSQL database (ceiling: ${Math.round(ceiling).toLocaleString("en-US")} commits/s with 8 clients)`,
    ["measure", "nodes", "per second", "of ceiling", "× 1 node", "goal"],
    rows,
  );
  printTable(
    "Where the time goes (per unit: commit, transition, execution, request)",
    [
      "measure",
      "nodes",
      `CPU cores busy (of ${CORES})`,
      "write tx/unit",
      "WAL KB/unit",
      "pg CPU ms/unit",
      "node CPU ms/unit",
      "runs out",
    ],
    costs,
  );
  console.log(
    `\nBest of 2 rounds (StartExecution: 1 round of 5 s) after a warm-up; ${LOOP_EXECUTIONS} loop executions` +
      `\n(${ITERATIONS} iterations, ${ITERATIONS * 2 + 2} transitions each) and ${FIVE_EXECUTIONS} 5-state executions per round, started over` +
      `\nREST round-robin over the nodes; StartExecution: one autocannon process (32 connections) per node.` +
      `\nEach node count runs on a fresh database. CPU: busy cores machine-wide (/proc/stat); pg = the` +
      `\ncluster's processes, nodes = the opsflow servers and their children, bench = this process and` +
      `\nautocannon, other = the rest of the machine. write tx/unit: transaction ids assigned per unit.` +
      `\n"runs out": CPU when ≥ 90 % of the cores were busy, database commits when the rate reached 80 %` +
      `\nof the ceiling, else neither (latency-bound).`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const interrupted = (signal: string) => {
    console.error(`\n${signal}: stopping what the benchmark started`);
    cleanUp().finally(() => process.exit(130));
  };
  process.once("SIGINT", () => interrupted("SIGINT"));
  process.once("SIGTERM", () => interrupted("SIGTERM"));
  try {
    await main();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}
