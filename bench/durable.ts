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
import { BENCH_TOKEN, printTable, startBenchServer } from "./table.js";

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
  let best: Round = { perSecond: 0, cpuMsPerUnit: 0 };
  for (let i = 0; i < times; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const done = await round();
    const elapsed = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const perSecond = done.perSecond ?? (done.units * 1000) / elapsed;
    if (perSecond > best.perSecond)
      best = { perSecond, cpuMsPerUnit: (used.user + used.system) / 1000 / done.units };
  }
  return best;
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

async function rest(server: RunningServer, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
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
  const iterations = 50;
  await rest(server, "/v1/state-machines", {
    name: "loop",
    definition: {
      StartAt: "Init",
      States: {
        Init: { Type: "Pass", Result: { i: 0 }, Next: "Inc" },
        Inc: { Type: "Pass", Parameters: { "i.$": "States.MathAdd($.i, 1)" }, Next: "Check" },
        Check: {
          Type: "Choice",
          Choices: [{ Variable: "$.i", NumericLessThan: iterations, Next: "Inc" }],
          Default: "Done",
        },
        Done: { Type: "Succeed" },
      },
    },
  });
  const count = 400;
  const arn = "arn:aws:states:us-east-1:000000000000:stateMachine:loop";
  const start = performance.now();
  const started = await Promise.all(
    Array.from({ length: count }, () => server.executions.start({ stateMachineArn: arn })),
  );
  await waitAll(
    server,
    started.map((s) => s.arn),
  );
  const transitions = count * (iterations * 2 + 2);
  return (transitions * 1000) / (performance.now() - start);
}

async function functionExecutions(server: RunningServer): Promise<Round> {
  await rest(server, "/v1/functions", {
    name: "tag",
    runtime: "nodejs",
    files: {
      "index.mjs": Buffer.from(
        "export const handler = async (e) => ({ ...e, tagged: true });",
      ).toString("base64"),
    },
  });
  await rest(server, "/v1/state-machines", {
    name: "five",
    definition: {
      StartAt: "Prepare",
      States: {
        Prepare: { Type: "Pass", Parameters: { "id.$": "$.id" }, Next: "Tag" },
        Tag: {
          Type: "Task",
          Resource: "arn:aws:lambda:us-east-1:000000000000:function:tag",
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
    },
  });
  const count = 2000;
  const arn = "arn:aws:states:us-east-1:000000000000:stateMachine:five";
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
  await rest(server, "/v1/state-machines", {
    name: "sleeper",
    definition: { StartAt: "W", States: { W: { Type: "Wait", Seconds: 86_400, End: true } } },
  });
  return bestRound(2, () => autocannonStarts(server));
}

/** One 5 s autocannon run: the requests made, and their rate as autocannon measured it. */
async function autocannonStarts(
  server: RunningServer,
): Promise<{ units: number; perSecond: number }> {
  // autocannon runs as its own process, so the load generator does not share the server's event loop.
  const child = spawn(
    process.execPath,
    [
      "node_modules/autocannon/autocannon.js",
      "--json",
      "-c",
      "32",
      "-d",
      "5",
      "-m",
      "POST",
      "-H",
      `authorization=Bearer ${TOKEN}`,
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
    requests: { average: number; total: number };
  };
  if (result.non2xx > 0) throw new Error(`${result.non2xx} StartExecution calls failed`);
  return { units: result.requests.total, perSecond: result.requests.average };
}

async function waitingMemory(server: RunningServer): Promise<[number, number]> {
  const arn = "arn:aws:states:us-east-1:000000000000:stateMachine:sleeper";
  const startMany = async (count: number) => {
    // In-process starts: the HTTP path is measured above; here only memory matters.
    for (let i = 0; i < count; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, () => server.executions.start({ stateMachineArn: arn })),
      );
    }
  };
  const rss = () => {
    (globalThis as { gc?: () => void }).gc?.();
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
