/**
 * PutEvents → execution started, end to end in one server: events are put at a steady
 * 1,000 events/s (one entry per call) for a few seconds; each matches a rule whose target is
 * a state machine. Latency runs from the call to the engine's RUNNING status change of the
 * execution the event started. Goal: p99 ≤ 10 ms.
 *
 * Two rows: the bus's PutEvents called in-process (what the AWS and REST handlers call), and
 * the REST API over HTTP from a client in its own process (events-client.mjs, open loop:
 * HTTP, JSON and authorisation costs included). Each path first puts events for a second,
 * unmeasured (marked `warmUp` in their detail), over the same client and connections.
 */

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { RunningServer } from "../src/server/compose.js";
import { BENCH_TOKEN, printTable, startBenchServer } from "./table.js";

const TOKEN = BENCH_TOKEN;
const RATE = 1000;
const SECONDS = 4;
/** Each path first runs this long unmeasured: the first calls of a path compile its code. */
const WARM_UP_SECONDS = 1;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

async function call(server: RunningServer, method: string, path: string, body: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

/** Absolute time in ms, comparable with the client process's. */
const now = () => performance.timeOrigin + performance.now();

/**
 * Puts RATE events/s through `put` in this process, WARM_UP_SECONDS unmeasured and then
 * `seconds`; returns the measured answer latencies.
 */
async function putInProcess(
  put: (detail: object) => Promise<unknown>,
  seconds: number,
): Promise<number[]> {
  const run = async (duration: number, warmUp: boolean) => {
    const answered: number[] = [];
    const calls: Promise<unknown>[] = [];
    const start = performance.now();
    for (let seq = 0; seq < RATE * duration; seq++) {
      // Paced by the clock: call `seq` leaves at start + seq ms.
      const wait = start + (seq * 1000) / RATE - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const sentAt = now();
      const detail = warmUp ? { seq, sentAt, warmUp } : { seq, sentAt };
      calls.push(put(detail).then(() => answered.push(now() - sentAt)));
    }
    await Promise.all(calls);
    return answered;
  };
  await run(WARM_UP_SECONDS, true);
  return run(seconds, false);
}

/** Runs events-client.mjs against the server; returns the answer latencies it measured. */
async function putOverHttp(server: RunningServer, seconds: number): Promise<number[]> {
  const client = spawn(
    process.execPath,
    [
      new URL("events-client.mjs", import.meta.url).pathname,
      server.url,
      TOKEN,
      String(RATE),
      String(seconds),
      String(WARM_UP_SECONDS),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  client.stdout.on("data", (chunk) => {
    output += chunk;
  });
  const code = await new Promise((resolve) => client.once("exit", resolve));
  if (code !== 0) throw new Error(`the HTTP client exited with ${code}`);
  return JSON.parse(output) as number[];
}

/**
 * Runs one path for `seconds` (after its warm-up); returns its answer latencies and the
 * put → RUNNING latencies, sorted.
 */
async function measure(
  server: RunningServer,
  run: (seconds: number) => Promise<number[]>,
  seconds: number,
) {
  const started: number[] = [];
  const listener = (change: { status: string; input: string }) => {
    if (change.status !== "RUNNING") return;
    const detail = JSON.parse(change.input) as { sentAt: number; warmUp?: boolean };
    if (!detail.warmUp) started.push(now() - detail.sentAt);
  };
  server.engine.events.on("status", listener);
  const total = RATE * seconds;
  const answered = await run(seconds);
  const deadline = performance.now() + 30_000;
  while (started.length < total && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  server.engine.events.off("status", listener);
  const sort = (values: number[]) => [...values].sort((a, b) => a - b);
  return { total, answered: sort(answered), started: sort(started) };
}

/** Runs the measurement and prints its table. */
export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "opsflow-bench-events-"));
  const server = await startBenchServer(dir);
  try {
    const machine = await call(server, "POST", "/v1/state-machines", {
      name: "bench-target",
      definition: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
    });
    await call(server, "PUT", "/v1/rules/bench", { eventPattern: { source: ["bench"] } });
    await call(server, "PUT", "/v1/rules/bench/targets", {
      targets: [{ Id: "sfn", Arn: machine.stateMachineArn, InputPath: "$.detail" }],
    });
    const rows: (string | number)[][] = [];
    const runs: [string, (seconds: number) => Promise<number[]>][] = [
      [
        "in-process PutEvents",
        (seconds) =>
          putInProcess(
            (detail) =>
              server.events.putEvents([
                { Source: "bench", DetailType: "tick", Detail: JSON.stringify(detail) },
              ]),
            seconds,
          ),
      ],
      ["REST over HTTP (client process)", (seconds) => putOverHttp(server, seconds)],
    ];
    for (const [name, run] of runs) {
      try {
        const { total, answered, started } = await measure(server, run, SECONDS);
        rows.push([
          name,
          total,
          started.length,
          percentile(answered, 99),
          percentile(started, 50),
          percentile(started, 99),
          10,
        ]);
      } catch (error) {
        // One failing path (e.g. the HTTP client refused) must not hide the other's figures.
        const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
        const reason = `${(error as Error).message}${cause ? ` (${cause})` : ""}`;
        rows.push([name, RATE * SECONDS, `failed: ${reason}`, "", "", "", 10]);
      }
    }
    printTable(
      `PutEvents → execution started (${RATE} events/s for ${SECONDS} s each after ${WARM_UP_SECONDS} s unmeasured, SQLite synchronous=FULL)`,
      ["path", "events", "started", "answer p99 ms", "p50 ms", "p99 ms", "goal p99 ms"],
      rows,
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
