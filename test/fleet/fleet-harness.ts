/**
 * End-to-end fleet tests: a real `opsflow server` and real `opsflow agent` processes, each with
 * a state directory of its own, driven through the official SSM client.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateActivationCommand,
  GetCommandInvocationCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { eventually, sdkConfig } from "../server/harness.js";

/** A running agent process. */
export interface AgentProcess {
  instanceId: string;
  stateDir: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL, no goodbye. */
  kill(): Promise<void>;
  /** Resolves when the process exits on its own (a reboot), with its exit code. */
  exited: Promise<number | null>;
}

const BIN = ["--import", "tsx", "src/cli/bin.ts"];

/** An SSM client for the server at `url`. */
export function ssmClient(url: string): SSMClient {
  return new SSMClient(sdkConfig(url));
}

/** A fresh activation for `count` nodes. */
export async function activation(ssm: SSMClient, count: number, name = "test-node") {
  const created = await ssm.send(
    new CreateActivationCommand({
      IamRole: "opsflow-node",
      RegistrationLimit: count,
      DefaultInstanceName: name,
    }),
  );
  return { id: created.ActivationId as string, code: created.ActivationCode as string };
}

/** Registers a new state directory with the server (the real CLI), returning its node id. */
export function registerAgent(url: string, act: { id: string; code: string }, stateDir?: string) {
  const dir = stateDir ?? join(mkdtempSync(join(tmpdir(), "opsflow-agent-")), "state");
  const result = spawnSync(
    process.execPath,
    [
      ...BIN,
      "agent",
      "register",
      "--endpoint",
      url,
      "--activation-id",
      act.id,
      "--activation-code",
      act.code,
      "--state-dir",
      dir,
      "--json",
    ],
    { encoding: "utf8" },
  );
  if (result.status !== 0)
    throw new Error(`agent register failed (${result.status}): ${result.stderr}`);
  return { instanceId: JSON.parse(result.stdout).instanceId as string, stateDir: dir };
}

/** Starts `opsflow agent run` on a registered state directory. */
export async function runAgent(
  registered: { instanceId: string; stateDir: string },
  options: { rebootCommand?: string; env?: Record<string, string> } = {},
): Promise<AgentProcess> {
  const child = spawn(
    process.execPath,
    [
      ...BIN,
      "agent",
      "run",
      "--state-dir",
      registered.stateDir,
      ...(options.rebootCommand ? ["--reboot-command", options.rebootCommand] : []),
    ],
    { env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start:\n${output}`)), 20_000);
    child.stdout?.on("data", () => {
      if (/polling/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => reject(new Error(`agent exited with ${code}:\n${output}`)));
  });
  return {
    ...registered,
    child,
    output: () => output,
    exited,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Registers and starts `count` agents. */
export async function startAgents(
  url: string,
  ssm: SSMClient,
  count: number,
): Promise<AgentProcess[]> {
  const act = await activation(ssm, count);
  const registered = Array.from({ length: count }, () => registerAgent(url, act));
  return Promise.all(registered.map((r) => runAgent(r)));
}

/** The statuses an invocation ends in. */
const ENDED = new Set(["Success", "Failed", "TimedOut", "Cancelled"]);

/** The invocation of `commandId` on `instanceId` once it ended (GetCommandInvocation). */
export async function invocationEnded(
  ssm: SSMClient,
  commandId: string,
  instanceId: string,
  ms = 40_000,
) {
  return eventually(async () => {
    const inv = await ssm
      .send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }))
      .catch(() => undefined);
    return inv && ENDED.has(inv.Status ?? "") ? inv : undefined;
  }, ms);
}
