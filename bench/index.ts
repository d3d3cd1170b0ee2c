/**
 * `npm run bench`: every benchmark, one after another, each printing its own table.
 * Absolute numbers on a shared machine are noise; read the ratios.
 *
 * Each benchmark runs in a process of its own: one that ran before would otherwise leave its
 * heap (the 10,000-rule matchers, say) for the next one's garbage collector to walk, and its
 * JIT state in the next one's way.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const suites = [
  "asl-interpreter.ts",
  "events-match.ts",
  "events-delivery.ts",
  "durable.ts",
  "function-dispatch.ts",
  "postgres-nodes.ts",
  "fleet-agents.ts",
];

let failed = 0;
for (const suite of suites) {
  const { status } = spawnSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", fileURLToPath(new URL(suite, import.meta.url))],
    { stdio: "inherit" },
  );
  if (status !== 0) {
    failed++;
    console.log(`\n(${suite} exited with ${status})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
