/** Prints benchmark rows as an aligned text table. */
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [
    header,
    ...rows.map((row) => row.map((cell) => (typeof cell === "number" ? format(cell) : cell))),
  ];
  const widths = header.map((_, column) =>
    Math.max(...cells.map((row) => String(row[column] ?? "").length)),
  );
  console.log(`\n${title}`);
  for (const [index, row] of cells.entries()) {
    console.log(row.map((cell, column) => String(cell).padStart(widths[column])).join("  "));
    if (index === 0) console.log(widths.map((width) => "-".repeat(width)).join("  "));
  }
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(2);
}

/**
 * Throughput of `body`, which does `amount` units of work per call: after a warm-up call it is
 * called repeatedly for at least `minMs`, three rounds, and the best round counts (the least
 * disturbed by the rest of the machine). Collects garbage first when node runs with
 * --expose-gc, so one scenario's garbage is not billed to the next.
 */
export async function rate(
  amount: number,
  body: () => Promise<unknown> | unknown,
  minMs = 400,
): Promise<number> {
  collectGarbage();
  await body();
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      await body();
      calls++;
      elapsed = performance.now() - start;
    } while (elapsed < minMs);
    best = Math.max(best, (amount * calls * 1000) / elapsed);
  }
  return best;
}

/** Runs `body` once to warm up, then `repeat` times, and returns the best elapsed milliseconds. */
export async function bestOf(
  repeat: number,
  body: () => Promise<unknown> | unknown,
): Promise<number> {
  await body();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    await body();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/**
 * Like {@link bestOf} for several bodies whose figures are compared: each round runs every body
 * once, so a stretch in which the shared machine runs slowly hits all of them alike instead of
 * all the rounds of one. Returns each body's best elapsed milliseconds.
 */
export async function bestOfEach(
  repeat: number,
  bodies: readonly (() => unknown)[],
): Promise<number[]> {
  for (const body of bodies) await body();
  const best = bodies.map(() => Number.POSITIVE_INFINITY);
  for (let i = 0; i < repeat; i++)
    for (const [index, body] of bodies.entries()) {
      const start = performance.now();
      await body();
      best[index] = Math.min(best[index]!, performance.now() - start);
    }
  return best;
}

/** The bench token, and a server on a temporary data directory for in-process benchmarks. */
export const BENCH_TOKEN = "opsf_benchbenchbenchbenchbenchbenchbenchbenchbe";

/**
 * Starts opsflow in this process on `dataDir`, durable as by default (synchronous=FULL);
 * `overrides` change other settings (a benchmark of capacity lifts the per-credential limit).
 */
export async function startBenchServer(
  dataDir: string,
  overrides: Partial<import("../src/server/compose.js").ServerConfig> = {},
) {
  const { startServer } = await import("../src/server/compose.js");
  return startServer({
    dataDir,
    port: 0,
    host: "127.0.0.1",
    region: "us-east-1",
    account: "000000000000",
    payloadLimitBytes: 262_144,
    synchronous: "FULL",
    admin: {
      apiToken: BENCH_TOKEN,
      accessKeyId: "AKIABENCH00000000001",
      secretAccessKey: "benchsecretbenchsecretbenchsecretbenchsec",
    },
    print: () => undefined,
    ...overrides,
  });
}

/** Collects garbage when node runs with --expose-gc, so one round's garbage is not billed to the next. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Runs `round` `times` times, collecting garbage before each, and returns the fastest round's
 * figure: the one least disturbed by the rest of a shared machine.
 */
export async function fastestRound<T extends { perSecond: number }>(
  times: number,
  round: () => Promise<T>,
): Promise<T> {
  let best: T | undefined;
  for (let i = 0; i < times; i++) {
    collectGarbage();
    const figure = await round();
    if (!best || figure.perSecond > best.perSecond) best = figure;
  }
  if (!best) throw new Error("no rounds");
  return best;
}
