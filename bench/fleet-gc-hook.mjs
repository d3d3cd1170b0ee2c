/**
 * Preloaded into the benchmarked server (node --expose-gc --import); changes nothing else.
 * - SIGUSR2: collects garbage twice (the second pass frees what the first one's finalizers
 *   released) and prints one line with process.memoryUsage(), so bench/fleet-agents.ts reads
 *   the server's memory after a settle instead of whatever garbage happened to be pending.
 * - SIGWINCH, when OPSFLOW_BENCH_PROFILE is set: odd ones start the V8 CPU profiler, even
 *   ones write the profile to `$OPSFLOW_BENCH_PROFILE-N.cpuprofile` (N = 1, 2, ...; Chrome
 *   DevTools format), so each profile covers only the phase the bench brackets.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

process.on("SIGUSR2", () => {
  globalThis.gc?.();
  globalThis.gc?.();
  process.stdout.write(`opsflow-bench-memory ${JSON.stringify(process.memoryUsage())}\n`);
});

const profilePrefix = process.env.OPSFLOW_BENCH_PROFILE;
if (profilePrefix) {
  const session = new Session();
  session.connect();
  let profiling = false;
  let written = 0;
  process.on("SIGWINCH", () => {
    if (!profiling) {
      profiling = true;
      session.post("Profiler.enable", () =>
        session.post("Profiler.setSamplingInterval", { interval: 200 }, () =>
          session.post("Profiler.start"),
        ),
      );
      return;
    }
    profiling = false;
    const profilePath = `${profilePrefix}-${++written}.cpuprofile`;
    session.post("Profiler.stop", (error, result) => {
      if (!error) writeFileSync(profilePath, JSON.stringify(result.profile));
      process.stdout.write(`opsflow-bench-profile ${error ? error.message : profilePath}\n`);
    });
  });
}
