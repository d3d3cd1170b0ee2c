/**
 * The durable server, measured in one run beside its physical ceiling:
 * - durable transitions/s of a Pass/Choice machine vs batched 1 KB SQLite inserts/s with the
 *   same pragmas (goal ≥ 50 % of that ceiling);
 * - executions/s of a 5-state machine with one Node function task (goal ≥ 2,000/s);
 * - StartExecution requests/s over HTTP with autocannon (goal ≥ 3,000/s);
 * - RSS of an idle server process (goal < 150 MB), and RSS with 10,000 vs 100,000 executions
 *   waiting on timers (goal: no growth with the count).
 * Throughputs are the best of a few rounds after a warm-up (the least disturbed by the rest of
 * a shared machine), each shown with the server's CPU time per execution in that round (this
 * process's user + system time, which counts the time fsync keeps the main thread waiting
 * only as far as the kernel spends CPU on it).
 *
 * Run alone: `node --expose-gc --import tsx bench/durable.ts`.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { RunningServer } from "../src/server/compose.js";
import {
  BENCH_TOKEN,
  collectGarbage,
  fastestRound,
  printTable,
  startBenchServer,
} from "./table.js";
import {
  autocannonStarts,
  FIVE_STATE_MACHINE,
  LOOP_MACHINE,
  LOOP_TRANSITIONS,
  machineArn,
  postJson,
  SLEEPER_MACHINE,
  TAG_FUNCTION,
} from "./workloads.js";

const TOKEN = BENCH_TOKEN;
const rows: (string | number)[][] = [];

/** A throughput round: units per second, and this process's CPU milliseconds per unit. */
interface Round {
  perSecond: number;
  cpuMsPerUnit: number;
}

/**
 * Runs `round` `times` times after one warm-up; the fastest counts. A round returns the units
 * of work it did, and their rate when it measures that itself (else units over its duration).
 */
async function bestRound(
  times: number,
  round: () => Promise<{ units: number; perSecond?: number }>,
): Promise<Round> {
  await round();
  return fastestRound(times, async () => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const done = await round();
    const elapsed = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return {
      perSecond: done.perSecond ?? (done.units * 1000) / elapsed,
      cpuMsPerUnit: (used.user + used.system) / 1000 / done.units,
    };
  });
}

async function waitAll(server: RunningServer, arns: string[]): Promise<void> {
  for (const arn of arns) {
    for (;;) {
      const execution = await server.store.getExecution(arn);
      if (execution && execution.status !== "RUNNING") {
        if (execution.status !== "SUCCEEDED")
          throw new Error(`${arn}: ${execution.status} ${execution.error} ${execution.cause}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

function rest(server: RunningServer, path: string, body: unknown): Promise<unknown> {
  return postJson(server.url, TOKEN, path, body);
}

/** Batched 1 KB inserts with the server's pragmas: the disk's ceiling for our commits. */
function sqliteCeiling(dir: string): number {
  const db = new Database(join(dir, "ceiling.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)");
  const insert = db.prepare("INSERT INTO rows (body) VALUES (?)");
  const batch = db.transaction((count: number) => {
    for (let i = 0; i < count; i++) insert.run("x".repeat(1024));
  });
  const start = performance.now();
  let inserted = 0;
  while (performance.now() - start < 2000) {
    batch(200);
    inserted += 200;
  }
  const perSecond = (inserted * 1000) / (performance.now() - start);
  db.close();
  return perSecond;
}

async function durableTransitions(server: RunningServer): Promise<number> {
  await rest(server, "/v1/state-machines", { name: "loop", definition: LOOP_MACHINE });
  const count = 400;
  const arn = machineArn("loop");
  const start = performance.now();
  const started = await Promise.all(
    Array.from({ length: count }, () => server.executions.start({ stateMachineArn: arn })),
  );
  await waitAll(
    server,
    started.map((s) => s.arn),
  );
  const transitions = count * LOOP_TRANSITIONS;
  return (transitions * 1000) / (performance.now() - start);
}

async function functionExecutions(server: RunningServer): Promise<Round> {
  await rest(server, "/v1/functions", TAG_FUNCTION);
  await rest(server, "/v1/state-machines", { name: "five", definition: FIVE_STATE_MACHINE });
  const count = 2000;
  const arn = machineArn("five");
  return bestRound(3, async () => {
    const started = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        server.executions.start({ stateMachineArn: arn, input: JSON.stringify({ id: i }) }),
      ),
    );
    await waitAll(
      server,
      started.map((s) => s.arn),
    );
    return { units: count };
  });
}

async function httpStarts(server: RunningServer): Promise<Round> {
  await rest(server, "/v1/state-machines", { name: "sleeper", definition: SLEEPER_MACHINE });
  // One 5 s autocannon run per round.
  return bestRound(2, () => autocannonStarts(server.url, TOKEN, 5));
}

async function waitingMemory(server: RunningServer): Promise<[number, number]> {
  const arn = machineArn("sleeper");
  const startMany = async (count: number) => {
    // In-process starts: the HTTP path is measured above; here only memory matters.
    for (let i = 0; i < count; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, () => server.executions.start({ stateMachineArn: arn })),
      );
    }
  };
  const rss = () => {
    collectGarbage();
    return process.memoryUsage().rss / 1_048_576;
  };
  await startMany(10_000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const at10k = rss();
  await startMany(90_000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return [at10k, rss()];
}

async function idleServerRss(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "opsflow-idle-"));
  const compiled = existsSync("dist/cli/bin.js");
  const args = compiled ? ["dist/cli/bin.js"] : ["--import", "tsx", "src/cli/bin.ts"];
  const child = spawn(process.execPath, [...args, "server", "--data-dir", dir, "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) =>
    child.stdout?.on("data", (chunk) => String(chunk).includes("listening") && resolve()),
  );
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Runs the durable benchmarks and prints their table. */
export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "opsflow-bench-"));
  const ceiling = sqliteCeiling(dir);
  // The per-credential request limit (1,000/s by default) would cap the one bench token: the
  // goal is the server's capacity, which many clients with their own credentials share.
  const server = await startBenchServer(dir, { rateLimit: false });
  try {
    const transitions = await durableTransitions(server);
    rows.push([
      "durable transitions/s (Pass/Choice loop)",
      transitions,
      "SQLite 1 KB inserts/s",
      ceiling,
      `${((transitions / ceiling) * 100).toFixed(0)} % (goal ≥ 50 %)`,
    ]);
    const executions = await functionExecutions(server);
    rows.push([
      "5-state executions/s with a Node function task",
      executions.perSecond,
      "goal",
      2000,
      `${(executions.perSecond / 2000).toFixed(2)}× goal; ${executions.cpuMsPerUnit.toFixed(2)} CPU ms/execution`,
    ]);
    const starts = await httpStarts(server);
    rows.push([
      "StartExecution requests/s over HTTP (autocannon, 32 conns)",
      starts.perSecond,
      "goal",
      3000,
      `${(starts.perSecond / 3000).toFixed(2)}× goal; ${starts.cpuMsPerUnit.toFixed(2)} CPU ms/request`,
    ]);
    const [at10k, at100k] = await waitingMemory(server);
    rows.push([
      "RSS MB, 10,000 → 100,000 executions waiting on timers",
      at100k,
      "at 10,000",
      at10k,
      `${(at100k / at10k).toFixed(2)}× (goal ≈ 1)`,
    ]);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const idle = await idleServerRss();
  rows.push(["idle server RSS MB", idle, "goal", 150, `${(idle / 150).toFixed(2)}× goal`]);
  printTable(
    "Durable server (SQLite, synchronous=FULL)",
    ["measure", "value", "beside", "reference", "ratio"],
    rows,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
