/**
 * Runs one script process: in its own process group, output into spools, killed (the whole
 * group) when cancelled or when its time is up.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { Clock } from "../../kernel/clock.js";
import type { OutputSpool } from "./output-spool.js";
import { killProcessGroup } from "./process-group.js";

/** What to run. */
export interface ScriptProcessRequest {
  command: string;
  args: string[];
  cwd?: string;
  stdout: OutputSpool;
  stderr: OutputSpool;
  timeoutMs: number;
  clock: Clock;
  /** Aborting it cancels the run (kills the group). */
  cancel?: AbortSignal;
  /** Called with the process group once the process runs (recorded for crash recovery). */
  onStarted?(processGroup: number): void;
}

/** How it ended. */
export type ScriptProcessEnd =
  | { kind: "exited"; code: number }
  | { kind: "timedOut" }
  | { kind: "cancelled" }
  | { kind: "spawnFailed"; message: string };

/** After the script exits, how long its pipes may stay open (a backgrounded child holds them). */
const PIPE_GRACE_MS = 2000;

/** Runs the process to its end. */
export function runScriptProcess(request: ScriptProcessRequest): Promise<ScriptProcessEnd> {
  const { clock } = request;
  if (request.cancel?.aborted) return Promise.resolve({ kind: "cancelled" });
  return new Promise((resolve) => {
    const child = spawn(request.command, request.args, {
      cwd: request.cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    let ending: ScriptProcessEnd | undefined;
    let settled = false;
    const timer = new AbortController();
    const finish = (end: ScriptProcessEnd) => {
      if (settled) return;
      settled = true;
      timer.abort();
      request.cancel?.removeEventListener("abort", onCancel);
      resolve(end);
    };
    const kill = (why: ScriptProcessEnd) => {
      if (ending) return;
      ending = why;
      if (child.pid !== undefined) killProcessGroup(child.pid);
    };
    const onCancel = () => kill({ kind: "cancelled" });
    request.cancel?.addEventListener("abort", onCancel, { once: true });

    child.stdout.on("data", (chunk: Buffer) => request.stdout.write(chunk));
    child.stderr.on("data", (chunk: Buffer) => request.stderr.write(chunk));
    child.on("error", (error) => {
      // Spawning failed: there is no process to wait for.
      finish(ending ?? { kind: "spawnFailed", message: error.message });
    });
    child.on("spawn", () => {
      if (child.pid !== undefined) request.onStarted?.(child.pid);
      clock.sleepUntil(clock.now() + request.timeoutMs, timer.signal).then(
        () => kill({ kind: "timedOut" }),
        () => undefined,
      );
    });
    child.on("exit", (code, signal) => {
      const end: ScriptProcessEnd = ending ?? { kind: "exited", code: exitCodeOf(code, signal) };
      // Wait for the pipes to drain, but not for a background child that keeps them open.
      const closed = new Promise<void>((done) => child.once("close", () => done()));
      const grace = clock.sleepUntil(clock.now() + PIPE_GRACE_MS, timer.signal).catch(() => {});
      Promise.race([closed, grace]).then(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(end);
      });
    });
  });
}

/** The shell's convention for a process ended by a signal: 128 + its number. */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return number === undefined ? -1 : 128 + number;
}
