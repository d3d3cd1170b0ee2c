/**
 * The processes bench/fleet-agents.ts measures: the BUILT `opsflow server` (bin/opsflow, run
 * as it ships, with a preload that collects garbage on request), a real `opsflow agent run`,
 * and a bare node process as the floor; their resident memory and CPU read from /proc.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ADMIN } from "../test/server/harness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = fileURLToPath(new URL("../bin/opsflow", import.meta.url));
const GC_HOOK = new URL("fleet-gc-hook.mjs", import.meta.url).href;

/** A child process the bench started, with its output so far. */
export interface Child {
  pid: number;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<void>;
}

/** process.memoryUsage() of the server after two collections. */
export type ServerMemory = NodeJS.MemoryUsage;

/** The benchmarked server: its URL, and its memory after a garbage collection. */
export interface BenchServer extends Child {
  url: string;
  /** Collects garbage in the server, waits for freed pages to go, and reads RSS and heap. */
  settledMemory(): Promise<{ rssKb: number; memory: ServerMemory }>;
  /**
   * Starts the server's CPU profiler when OPSFLOW_BENCH_PROFILE is set; the returned function
   * stops it and resolves with the file the profile was written to. Does nothing otherwise.
   */
  profile(): Promise<() => Promise<string | undefined>>;
}

/** Every child started and not yet stopped, so an interrupted run can still end them. */
const running = new Set<Child>();

/** Stops every child still running (the bench's last cleanup). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

/** Kills what is left without waiting: the last resort when this process exits. */
export function killAllNow(): void {
  for (const { child } of running) if (child.exitCode === null) child.kill("SIGKILL");
}

function startChild(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const handle: Child = {
    pid: child.pid ?? 0,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(handle);
    },
  };
  running.add(handle);
  return handle;
}

/** Resolves with the first match of `pattern` in the child's output (rejects after `ms`). */
function waitFor(child: Child, pattern: RegExp, ms: number, from = 0): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(child.output().slice(from));
      if (!match) return false;
      clearTimeout(timer);
      child.child.stdout?.off("data", check);
      resolve(match);
      return true;
    };
    const timer = setTimeout(() => {
      child.child.stdout?.off("data", check);
      reject(new Error(`no ${pattern} in ${ms} ms:\n${child.output().slice(-2000)}`));
    }, ms);
    if (!check()) child.child.stdout?.on("data", check);
    child.child.once("exit", (code) =>
      reject(new Error(`exited with ${code}:\n${child.output().slice(-2000)}`)),
    );
  });
}

/** Resident memory of `pid`, KB (VmRSS). */
export function rssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/** Starts the built server on `dataDir` (SQLite, the default store) with the bench admin. */
export async function startBuiltServer(dataDir: string): Promise<BenchServer> {
  const child = startChild(
    ["--expose-gc", "--import", GC_HOOK, BIN, "server", "--data-dir", dataDir, "--port", "0"],
    {
      OPSFLOW_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId,
      OPSFLOW_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
      OPSFLOW_ADMIN_TOKEN: ADMIN.token,
      OPSFLOW_ACCOUNT: "123456789012",
    },
  );
  const [, url] = await waitFor(child, /listening on (http:\/\/\S+)/, 20_000);
  return {
    ...child,
    url,
    async settledMemory() {
      const from = child.output().length;
      child.child.kill("SIGUSR2");
      const [, text] = await waitFor(child, /opsflow-bench-memory (\{.*\})\n/, 10_000, from);
      // Freed pages leave the resident set a moment after the collection.
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { rssKb: rssKb(child.pid), memory: JSON.parse(text) as ServerMemory };
    },
    async profile() {
      if (!process.env.OPSFLOW_BENCH_PROFILE) return async () => undefined;
      child.child.kill("SIGWINCH");
      return async () => {
        const from = child.output().length;
        child.child.kill("SIGWINCH");
        const [, written] = await waitFor(child, /opsflow-bench-profile (.*)\n/, 30_000, from);
        return written;
      };
    },
  };
}

/** Registers a state directory with the built CLI (`opsflow agent register`). */
export function registerRealAgent(
  url: string,
  activation: { id: string; code: string },
  stateDir: string,
): string {
  const result = spawnSync(
    process.execPath,
    [
      BIN,
      "agent",
      "register",
      "--endpoint",
      url,
      "--activation-id",
      activation.id,
      "--activation-code",
      activation.code,
      "--state-dir",
      stateDir,
      "--json",
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (result.status !== 0)
    throw new Error(`opsflow agent register failed (${result.status}): ${result.stderr}`);
  return (JSON.parse(result.stdout) as { instanceId: string }).instanceId;
}

/** Starts the built `opsflow agent run` on a registered state directory; resolves once it polls. */
export async function startRealAgent(stateDir: string): Promise<Child> {
  const child = startChild([BIN, "agent", "run", "--state-dir", stateDir]);
  await waitFor(child, /polling/, 20_000);
  return child;
}

/** A node process that does nothing: the memory floor of any Node program. */
export function startBareNode(): Child {
  return startChild(["-e", "setInterval(() => {}, 1e3)"]);
}
