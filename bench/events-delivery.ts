/**
 * PutEvents → execution started, end to end in one server: events are put at a steady
 * 1,000 events/s (one entry per call) for a few seconds; each matches a rule whose target is
 * a state machine. Latency runs from the call to the engine's RUNNING status change of the
 * execution the event started. Goal: p99 ≤ 10 ms.
 *
 * Two rows: the bus's PutEvents called in-process (what the AWS and REST handlers call), and
 * the REST API over HTTP with the client in the same process (client, HTTP and JSON costs
 * included, and competing for the same event loop).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningServer } from "../src/server/compose.js";
import { BENCH_TOKEN, printTable, startBenchServer } from "./table.js";

const TOKEN = BENCH_TOKEN;
const RATE = 1000;
const SECONDS = 4;

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

/** Puts RATE events/s through `put`; returns answer and started latencies, sorted. */
async function measure(server: RunningServer, put: (seq: number) => Promise<unknown>) {
  const sent = new Map<number, number>();
  const started: number[] = [];
  const answered: number[] = [];
  const listener = (change: { status: string; input: string }) => {
    if (change.status !== "RUNNING") return;
    const at = sent.get((JSON.parse(change.input) as { seq: number }).seq);
    if (at !== undefined) started.push(performance.now() - at);
  };
  server.engine.events.on("status", listener);
  const total = RATE * SECONDS;
  const calls: Promise<unknown>[] = [];
  const start = performance.now();
  for (let seq = 0; seq < total; seq++) {
    // Paced by the clock: call `seq` leaves at start + seq ms.
    const wait = start + (seq * 1000) / RATE - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = performance.now();
    sent.set(seq, at);
    calls.push(put(seq).then(() => answered.push(performance.now() - at)));
  }
  await Promise.all(calls);
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
    const runs: [string, (seq: number) => Promise<unknown>][] = [
      [
        "in-process PutEvents",
        (seq) =>
          server.events.putEvents([
            { Source: "bench", DetailType: "tick", Detail: JSON.stringify({ seq }) },
          ]),
      ],
      [
        "REST over HTTP (same process)",
        (seq) =>
          call(server, "POST", "/v1/events", {
            entries: [{ source: "bench", detailType: "tick", detail: { seq } }],
          }),
      ],
    ];
    for (const [name, put] of runs) {
      try {
        const { total, answered, started } = await measure(server, put);
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
      `PutEvents → execution started (${RATE} events/s for ${SECONDS} s each, SQLite synchronous=FULL)`,
      ["path", "events", "started", "answer p99 ms", "p50 ms", "p99 ms", "goal p99 ms"],
      rows,
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
