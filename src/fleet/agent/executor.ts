/**
 * Runs an invocation's plugins in order, from `startPluginIndex` (a rerun after a reboot),
 * into the invocation folder's spools. The first non-zero exit ends it Failed with that code;
 * exit 194 or 3010 asks for a reboot (the plugin runs again after it); all zero is Success 0.
 */
import { existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../../kernel/clock.js";
import type { AgentInvocation, AgentPlugin, FinishRequest } from "../protocol.js";
import { writeDurably } from "./durable-file.js";
import { OutputSpool } from "./output-spool.js";
import { findOnPath, pluginCommand } from "./plugin-commands.js";
import { runScriptProcess, type ScriptProcessEnd } from "./script-process.js";

/** Exit codes a script uses to ask for a reboot (Linux/macOS, Windows). */
export const REBOOT_EXIT_CODES: readonly number[] = [194, 3010];

/** The spool files of an invocation folder. */
export function spoolPaths(folder: string): { stdout: string; stderr: string } {
  return { stdout: join(folder, "stdout"), stderr: join(folder, "stderr") };
}

export interface ExecutionRequest {
  invocation: AgentInvocation;
  /** The invocation's folder: scripts and spools go there. */
  folder: string;
  startPluginIndex: number;
  clock: Clock;
  /** Aborting it cancels: the running plugin's process group is killed. */
  cancel: AbortSignal;
  /** The version aws:updateSsmAgent compares with. */
  agentVersion: string;
  /**
   * aws:updateSsmAgent's shell command, `{version}` standing for the version to install
   * (DEFAULT_UPDATE_COMMAND unless given).
   */
  updateCommand?: string;
  /** Called with each plugin's process group when it starts, and with undefined after. */
  onProcessGroup?(processGroup: number | undefined): void;
  /** Finds interpreters on PATH (tests pass one that finds none). */
  find?: (names: string[]) => string | undefined;
}

/** How a plugin ended; `updated` when aws:updateSsmAgent installed another version. */
type PluginEnd = ScriptProcessEnd | { kind: "exited"; code: 0; updated: true };

/** How aws:updateSsmAgent installs a version unless told otherwise. */
export const DEFAULT_UPDATE_COMMAND = "npm install -g opsflow@{version}";

/**
 * How the invocation ended: a report to send (then, with `restart`, the agent stops so its
 * service manager starts the version just installed), or a reboot to do before running
 * `pluginIndex` again.
 */
export type ExecutionResult =
  | { kind: "ended"; report: FinishRequest; restart?: boolean }
  | { kind: "reboot"; pluginIndex: number };

/** Runs the plugins. */
export async function executeInvocation(request: ExecutionRequest): Promise<ExecutionResult> {
  const { invocation, folder } = request;
  const paths = spoolPaths(folder);
  const stdout = new OutputSpool(paths.stdout, invocation.outputCapBytes);
  const stderr = new OutputSpool(paths.stderr, invocation.outputCapBytes);
  let restart = false;
  try {
    for (let index = request.startPluginIndex; index < invocation.plugins.length; index++) {
      const plugin = invocation.plugins[index];
      const end = await runPlugin(plugin, index, request, stdout, stderr);
      if ("updated" in end) restart = true;
      if (end.kind === "cancelled") return ended("Cancelled", "Cancelled", -1);
      if (end.kind === "timedOut") {
        stderr.write(`\nplugin ${plugin.name} timed out after ${plugin.timeoutSeconds} s\n`);
        return ended("TimedOut", "ExecutionTimedOut", -1);
      }
      if (end.kind === "spawnFailed") {
        stderr.write(`plugin ${plugin.name} could not start: ${end.message}\n`);
        return ended("Failed", "Failed", 1);
      }
      if (REBOOT_EXIT_CODES.includes(end.code)) return { kind: "reboot", pluginIndex: index };
      if (end.code !== 0) return ended("Failed", "Failed", end.code);
    }
    return { ...ended("Success", "Success", 0), ...(restart && { restart }) };
  } finally {
    stdout.close();
    stderr.close();
  }
}

function ended(
  status: FinishRequest["status"],
  statusDetails: FinishRequest["statusDetails"],
  responseCode: number,
): ExecutionResult {
  return { kind: "ended", report: { status, statusDetails, responseCode } };
}

async function runPlugin(
  plugin: AgentPlugin,
  index: number,
  request: ExecutionRequest,
  stdout: OutputSpool,
  stderr: OutputSpool,
): Promise<PluginEnd> {
  if (request.cancel.aborted) return { kind: "cancelled" };
  if (plugin.action === "aws:updateSsmAgent") return updateAgent(plugin, request, stdout, stderr);
  const cwd = plugin.workingDirectory || undefined;
  if (cwd !== undefined && !(existsSync(cwd) && statSync(cwd).isDirectory())) {
    stderr.write(`plugin ${plugin.name}: the working directory ${cwd} does not exist\n`);
    return { kind: "exited", code: 1 };
  }
  const command = pluginCommand(plugin, index, request.find ?? findOnPath);
  if (!command.ok) {
    stderr.write(command.message);
    return { kind: "exited", code: 1 };
  }
  const scriptPath = join(request.folder, command.scriptName);
  writeDurably(scriptPath, command.script, 0o700);
  try {
    return await runScriptProcess({
      command: command.command,
      args: command.args(scriptPath),
      ...(cwd !== undefined && { cwd }),
      stdout,
      stderr,
      timeoutMs: plugin.timeoutSeconds * 1000,
      clock: request.clock,
      cancel: request.cancel,
      onStarted: (group) => request.onProcessGroup?.(group),
    });
  } finally {
    request.onProcessGroup?.(undefined);
    // The script holds parameter values, secrets among them: it is written again to rerun.
    rmSync(scriptPath, { force: true });
  }
}

/**
 * aws:updateSsmAgent: nothing to do when the agent is the version asked for; otherwise the
 * update command installs it (its output is the plugin's) and, when it succeeds, the agent
 * restarts once the result is reported.
 */
async function updateAgent(
  plugin: AgentPlugin,
  request: ExecutionRequest,
  stdout: OutputSpool,
  stderr: OutputSpool,
): Promise<PluginEnd> {
  const target = plugin.targetVersion;
  if (!target || target === request.agentVersion) {
    stdout.write(`opsflow agent ${request.agentVersion} is already the current version\n`);
    return { kind: "exited", code: 0 };
  }
  if (!/^[0-9A-Za-z.+-]{1,64}$/.test(target)) {
    stderr.write(`aws:updateSsmAgent: '${target}' is not a version\n`);
    return { kind: "exited", code: 1 };
  }
  if (olderThan(target, request.agentVersion) && !plugin.allowDowngrade) {
    stderr.write(
      `aws:updateSsmAgent: ${target} is older than ${request.agentVersion}: set allowDowngrade to true to install it\n`,
    );
    return { kind: "exited", code: 1 };
  }
  const command = (request.updateCommand ?? DEFAULT_UPDATE_COMMAND).replaceAll("{version}", target);
  stdout.write(`updating opsflow agent ${request.agentVersion} to ${target}: ${command}\n`);
  const end = await runScriptProcess({
    command: "sh",
    args: ["-c", command],
    stdout,
    stderr,
    timeoutMs: plugin.timeoutSeconds * 1000,
    clock: request.clock,
    cancel: request.cancel,
    onStarted: (group) => request.onProcessGroup?.(group),
  });
  request.onProcessGroup?.(undefined);
  if (end.kind !== "exited" || end.code !== 0) return end;
  stdout.write(`installed ${target}: the agent restarts with it once this result is reported\n`);
  return { kind: "exited", code: 0, updated: true };
}

/** True when dotted version `a` comes before `b` (numeric parts compared as numbers). */
function olderThan(a: string, b: string): boolean {
  const parts = (v: string) => v.split(/[.+-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i] ?? 0, y[i] ?? 0];
    if (p === q) continue;
    return typeof p === "number" && typeof q === "number" ? p < q : String(p) < String(q);
  }
  return false;
}
