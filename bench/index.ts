/**
 * `npm run bench`: every benchmark, one after another, each printing its own table.
 * Absolute numbers on a shared machine are noise; read the ratios.
 */
const suites = [
  ["ASL interpreter", () => import("./asl-interpreter.js")],
  ["event matching", () => import("./events-match.js")],
  ["event delivery", () => import("./events-delivery.js")],
  ["durable server", () => import("./durable.js")],
  ["function dispatch", () => import("./function-dispatch.js")],
] as const;

for (const [name, load] of suites) {
  const module = (await load()) as { main?: () => Promise<void> };
  if (typeof module.main !== "function") {
    console.log(`\n(${name}: no main() exported; skipped)`);
    continue;
  }
  await module.main();
}
