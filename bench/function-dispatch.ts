/**
 * Function dispatch through the warm pool: latency (p50/p99) of one call at a time and
 * calls/s with 1 and 8 calls in flight, for a trivial Node.js and a trivial Python handler,
 * through the full dispatcher (resource resolution, registry lookup, child process round trip).
 * Process start-up is excluded: every worker is warmed first. Goal: p99 under 5 ms.
 *
 * Run: `npx tsx bench/function-dispatch.ts` (about 10 s).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Json } from "../src/asl/json.js";
import type { TaskInvocation } from "../src/runtime/task-dispatcher.js";
import { openSqliteStore } from "../src/store/sqlite/index.js";
import {
  createFunctionDispatcher,
  type FunctionDispatcher,
  FunctionPool,
  FunctionRegistry,
} from "../src/tasks/functions/index.js";
import { printTable, rate } from "./table.js";

const LATENCY_CALLS = 2_000;
const CONCURRENCY = 8;

const HANDLERS = {
  nodejs: { "index.mjs": "export const handler = async (event) => ({ ok: true, n: event.n });" },
  python: {
    "index.py": "def handler(event, context):\n    return {'ok': True, 'n': event['n']}\n",
  },
} as const;

function invocation(name: string, n: number): TaskInvocation {
  return {
    resource: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    parameters: { n } as Json,
    stateName: "Bench",
    idempotencyKey: `bench-${n}`,
    executionArn: "arn:aws:states:us-east-1:000000000000:execution:bench:1",
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(dispatcher: FunctionDispatcher, name: string): Promise<(string | number)[]> {
  const signal = new AbortController().signal;
  const one = (n: number) => dispatcher.invoke(invocation(name, n), signal);
  // Warm every worker the concurrent rounds will use, and the JIT of both sides.
  for (let round = 0; round < 50; round++)
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => one(i)));
  const samples: number[] = [];
  for (let n = 0; n < LATENCY_CALLS; n++) {
    const start = performance.now();
    await one(n);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const sequential = await rate(1, () => one(0));
  const parallel = await rate(CONCURRENCY, () =>
    Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => one(i))),
  );
  return [name, percentile(samples, 50), percentile(samples, 99), sequential, parallel];
}

/** Runs the benchmark and prints its table. */
export async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "opsflow-bench-fn-"));
  const store = openSqliteStore({ path: ":memory:" });
  const registry = new FunctionRegistry(root, store);
  const pool = new FunctionPool({ maxWorkersPerFunction: CONCURRENCY });
  const dispatcher = createFunctionDispatcher(registry, pool);
  try {
    const rows: (string | number)[][] = [];
    for (const [runtime, files] of Object.entries(HANDLERS)) {
      await registry.deploy({ name: runtime, runtime: runtime as "nodejs" | "python", files });
      rows.push(await measure(dispatcher, runtime));
    }
    printTable(
      `Function dispatch through the warm pool (${CONCURRENCY} workers per function)`,
      ["runtime", "p50 ms", "p99 ms", "calls/s c=1", `calls/s c=${CONCURRENCY}`],
      rows,
    );
  } finally {
    await pool.close();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
