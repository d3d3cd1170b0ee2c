/**
 * Running one script on an open SSH connection: output streamed as it arrives, and the remote
 * process tree killed (from a second channel, by process group) when the step times out or
 * is cancelled.
 */
import { constants } from "node:os";
import type { Client, ClientChannel } from "ssh2";
import type { Clock } from "../../kernel/clock.js";
import type { CappedOutput } from "./output-sink.js";
import { MarkerReader } from "./output-sink.js";
import {
  killGroupCommand,
  PGID_MARKER,
  runScriptCommand,
  type ScriptInterpreter,
} from "./remote-command.js";

/** How a script step ended. */
export type ScriptEnd =
  | { kind: "exited"; code: number }
  | { kind: "timed-out" }
  | { kind: "cancelled" }
  /** The channel ended without an exit status (connection lost, or refused to open one). */
  | { kind: "lost"; detail: string };

/** What one script step runs, and what may stop it. */
export interface ScriptStep {
  interpreter: ScriptInterpreter;
  script: string;
  workingDirectory?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  clock: Clock;
}

/** How long a killed group's channel may take to close before it is closed from here, ms. */
const CLOSE_AFTER_KILL_MS = 5_000;

/** The exit code a process killed by `signal` reports in a shell (128 + its number). */
export function signalExitCode(signal: string | undefined): number {
  const number = signal
    ? constants.signals[`SIG${signal}` as keyof typeof constants.signals]
    : undefined;
  return number === undefined ? -1 : 128 + number;
}

function openExec(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel)));
  });
}

/** Runs `command` to its end on its own channel, ignoring its output. */
async function execQuietly(client: Client, command: string): Promise<void> {
  const channel = await openExec(client, command);
  channel.resume();
  channel.stderr.resume();
  await new Promise<void>((resolve) => channel.once("close", () => resolve()));
}

/** Runs one script step to its end; output goes to `output`. */
export async function runScript(
  client: Client,
  step: ScriptStep,
  output: CappedOutput,
): Promise<ScriptEnd> {
  let channel: ClientChannel;
  try {
    channel = await openExec(client, runScriptCommand(step.interpreter, step.workingDirectory));
  } catch (error) {
    return { kind: "lost", detail: `the host refused a session: ${(error as Error).message}` };
  }
  const marker = new MarkerReader(PGID_MARKER);
  let exit: { code: number | null; signal?: string } | undefined;
  let stopReason: "timed-out" | "cancelled" | undefined;
  const timer = new AbortController();

  channel.on("data", (chunk: Buffer) => output.write("stdout", marker.feed(chunk)));
  channel.on("end", () => output.write("stdout", marker.end()));
  channel.stderr.on("data", (chunk: Buffer) => output.write("stderr", chunk));
  channel.on("exit", (code: number | null, signal?: string) => {
    exit = { code, signal };
  });
  let closedAlready = false;
  const closed = new Promise<void>((resolve) =>
    channel.once("close", () => {
      closedAlready = true;
      resolve();
    }),
  );

  const stop = async (reason: "timed-out" | "cancelled") => {
    if (stopReason || exit) return;
    stopReason = reason;
    // The group id is the first line of output; a channel that closes first never sends it.
    const pgid = await Promise.race([marker.pgid, closed.then(() => undefined)]);
    if (closedAlready) return;
    try {
      if (pgid !== undefined) await execQuietly(client, killGroupCommand(pgid));
      else channel.signal("KILL");
    } catch {
      // The connection is gone: nothing more can be done from here.
    }
    // A process that left the group may hold the output open; stop waiting for it.
    await step.clock
      .sleepUntil(step.clock.now() + CLOSE_AFTER_KILL_MS, timer.signal)
      .then(() => channel.close())
      .catch(() => {});
  };
  const onAbort = () => void stop("cancelled");
  step.signal?.addEventListener("abort", onAbort, { once: true });
  if (step.signal?.aborted) onAbort();
  step.clock
    .sleepUntil(step.clock.now() + step.timeoutMs, timer.signal)
    .then(() => stop("timed-out"))
    .catch(() => {});

  channel.end(step.script);
  await closed;
  timer.abort();
  step.signal?.removeEventListener("abort", onAbort);

  if (stopReason) return { kind: stopReason };
  if (!exit) return { kind: "lost", detail: "the connection closed before the script ended" };
  return { kind: "exited", code: exit.code ?? signalExitCode(exit.signal) };
}
