/**
 * opsflow on PostgreSQL, measured in one run beside the database's own ceiling:
 * - PostgreSQL's commit ceiling on this machine: single-row commits of a 1 KB row through `pg`,
 *   with 1 client and with 8 concurrent clients, on a throw-away cluster
 *   (scripts/postgres-cluster.sh, fsync on);
 * - 1, 2 and 3 `opsflow server` processes on one fresh database of that cluster (a new database
 *   for each node count, so no row inherits the previous one's tables), requests spread
 *   round-robin over them, measuring the workloads of bench/durable.ts (bench/workloads.ts):
 *   durable transitions/s of the Pass/Choice loop, 5-state executions/s with one Node function
 *   task, and StartExecution requests/s from one autocannon process per node at the same time,
 *   summed.
 * Each figure is shown beside the same run's ceiling (8 clients) and one node's figure, with the
 * goals (one node ≥ 50 % of the ceiling; three nodes ≥ 2.5× one node until the database
 * saturates) and the machine's CPU use while it ran, split between PostgreSQL, the nodes and
 * the rest (this process, autocannon, and whatever else shares the machine): on a small machine
 * the load generator, the database and the nodes share the same cores, and the split tells
 * which of them runs out first.
 *
 * Run alone: `node --expose-gc --import tsx bench/postgres-nodes.ts` (from the repository root).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startPostgresCluster } from "../test/server/postgres-cluster.js";
import { bound, CORES, cpuText, type Watched } from "./cpu-usage.js";
import { commitCeiling, createDatabase, postmasterPid } from "./postgres-database.js";
import {
  FIVE_EXECUTIONS,
  LOOP_EXECUTIONS,
  measureNodes,
  type NodeRun,
} from "./postgres-node-runs.js";
import { bestRound, type Figure } from "./postgres-round.js";
import { printTable } from "./table.js";
import { LOOP_ITERATIONS, LOOP_TRANSITIONS } from "./workloads.js";

const NODE_COUNTS = [1, 2, 3];

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

/** The process trees whose CPU the tables split out: set as the cluster and the nodes start. */
const watched: Watched = { postmaster: 0, nodes: [] };

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
    single = await bestRound(ceilingDb, watched, 1, () => commitCeiling(ceilingUrl, 1, 3000));
    eight = await bestRound(ceilingDb, watched, 1, () => commitCeiling(ceilingUrl, 8, 3000));
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
  for (const count of NODE_COUNTS)
    runs.push(await measureNodes({ clusterUrl: cluster.url, root, watched, cleanups }, count));

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
      `\n(${LOOP_ITERATIONS} iterations, ${LOOP_TRANSITIONS} transitions each) and ${FIVE_EXECUTIONS} 5-state executions per round, started over` +
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
