/**
 * Running a command's plugins on an agentless host over SSH, the way the agent runs them on
 * its own node: in order, each under its timeout, stopping at the first that fails.
 */
import { type Clock, systemClock } from "../../kernel/clock.js";
import type { AgentPlugin, FinishRequest } from "../protocol.js";
import { connectPinned, DEFAULT_CONNECT_TIMEOUT_MS, type SshTarget } from "./connect.js";
import { CappedOutput, type OutputListener } from "./output-sink.js";
import { runScript, type ScriptEnd } from "./run-script.js";

/** The response code of a step the runner killed (128 + SIGKILL), as the agent reports it. */
export const KILLED_RESPONSE_CODE = 137;

/** What may stop a run, where its output goes, and how long connecting may take. */
export interface SshRunOptions {
  /** Aborting cancels the run: the remote process tree is killed. */
  signal?: AbortSignal;
  onOutput: OutputListener;
  /** Bytes of each stream passed to `onOutput` over the whole run; the rest is dropped. */
  outputCapBytes: number;
  /** Times plugin timeouts (the system clock by default). */
  clock?: Clock;
  connectTimeoutMs?: number;
}

/** How the run ended, as an agent's finish report says it, and whether output was dropped. */
export interface SshRunResult
  extends Pick<FinishRequest, "status" | "statusDetails" | "responseCode"> {
  outputTruncated: boolean;
}

type Outcome = Pick<SshRunResult, "status" | "statusDetails" | "responseCode">;

const SUCCESS: Outcome = { status: "Success", statusDetails: "Success", responseCode: 0 };
const CANCELLED: Outcome = {
  status: "Cancelled",
  statusDetails: "Cancelled",
  responseCode: KILLED_RESPONSE_CODE,
};

function outcomeOf(end: ScriptEnd): Outcome {
  switch (end.kind) {
    case "exited":
      return end.code === 0
        ? SUCCESS
        : { status: "Failed", statusDetails: "Failed", responseCode: end.code };
    case "timed-out":
      return {
        status: "TimedOut",
        statusDetails: "ExecutionTimedOut",
        responseCode: KILLED_RESPONSE_CODE,
      };
    case "cancelled":
      return CANCELLED;
    case "lost":
      return { status: "Failed", statusDetails: "Failed", responseCode: -1 };
  }
}

/**
 * Connects to `target` (its host key must be the pinned one, checked before authenticating)
 * and runs `plugins` in order. Output reaches `options.onOutput` as it arrives.
 *
 * @throws SshConnectError when no session could be opened; nothing ran then.
 */
export async function runPluginsOverSsh(
  target: SshTarget,
  plugins: readonly AgentPlugin[],
  options: SshRunOptions,
): Promise<SshRunResult> {
  const output = new CappedOutput(options.onOutput, options.outputCapBytes);
  const finish = (outcome: Outcome): SshRunResult => ({
    ...outcome,
    outputTruncated: output.truncated,
  });
  const note = (text: string) => output.write("stderr", Buffer.from(`opsflow: ${text}\n`));
  if (options.signal?.aborted) return finish(CANCELLED);

  const client = await connectPinned(
    target,
    options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  );
  try {
    let outcome = SUCCESS;
    for (const plugin of plugins) {
      if (options.signal?.aborted) return finish(CANCELLED);
      if (plugin.action === "aws:updateSsmAgent") {
        note(
          `${plugin.name}: aws:updateSsmAgent is not supported on SSH hosts (they run ` +
            "commands over SSH and have no agent to update).",
        );
        return finish({ status: "Failed", statusDetails: "Failed", responseCode: 1 });
      }
      const end = await runScript(
        client,
        {
          interpreter: plugin.action === "aws:runPowerShellScript" ? "pwsh" : "sh",
          script: plugin.runCommand.map((line) => `${line}\n`).join(""),
          workingDirectory: plugin.workingDirectory,
          timeoutMs: plugin.timeoutSeconds * 1000,
          signal: options.signal,
          clock: options.clock ?? systemClock,
        },
        output,
      );
      if (end.kind === "lost") note(`${plugin.name}: ${end.detail}; its outcome is unknown.`);
      if (end.kind === "timed-out")
        note(`${plugin.name}: timed out after ${plugin.timeoutSeconds} s and was killed.`);
      outcome = outcomeOf(end);
      if (outcome.status !== "Success") return finish(outcome);
    }
    return finish(outcome);
  } finally {
    client.end();
  }
}
