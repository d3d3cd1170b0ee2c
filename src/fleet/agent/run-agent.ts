/**
 * Builds the agent of a registered state directory with its real parts (the system clock,
 * real randomness, the host's info) and runs it.
 */
import { systemClock } from "../../kernel/clock.js";
import { AgentClient } from "./agent-client.js";
import { HttpTransport } from "./http-transport.js";
import { InvocationRecords } from "./invocation-records.js";
import { type AgentEnd, NodeAgent } from "./node-agent.js";
import { collectNodeInfo } from "./node-info.js";
import { loadPrivateKey } from "./signing.js";
import { type Registration, StateDir } from "./state-dir.js";
import { agentVersion } from "./version.js";

export interface RunAgentOptions {
  stateDir: string;
  rebootCommand: string;
  /** aws:updateSsmAgent's install command (`{version}` is replaced); npm unless given. */
  updateCommand?: string;
  /** PEM text of an extra CA. */
  ca?: string;
  log(line: string): void;
}

/** A started agent: its registration, the way to stop it, and how it ended. */
export interface RunningAgent {
  registration: Registration;
  stop(): void;
  /** Resolves when it stopped or rebooted; rejects with AgentError `Unauthorized` when deregistered. */
  done: Promise<AgentEnd>;
}

/** Starts the agent of `stateDir`. @throws AgentError `NotRegistered`, `CorruptState`. */
export function runAgent(options: RunAgentOptions): RunningAgent {
  const dir = new StateDir(options.stateDir);
  const registration = dir.readRegistration();
  const privateKey = loadPrivateKey(dir.readPrivateKey());
  dir.ensure();
  const transport = new HttpTransport(registration.endpoint, options.ca);
  const clock = systemClock;
  const agent = new NodeAgent({
    client: new AgentClient(transport, registration.instanceId, privateKey, () => clock.now()),
    records: new InvocationRecords(dir.invocationsPath, () => clock.now()),
    clock,
    random: Math.random,
    sleep: (ms, signal) => clock.sleepUntil(clock.now() + ms, signal),
    rebootCommand: options.rebootCommand,
    ...(options.updateCommand && { updateCommand: options.updateCommand }),
    collectInfo: collectNodeInfo,
    agentVersion: agentVersion(),
    log: options.log,
  });
  const done = agent.run().finally(() => transport.close());
  return { registration, stop: () => agent.stop(), done };
}

/** The reboot command of this platform. */
export function defaultRebootCommand(platform: NodeJS.Platform = process.platform): string {
  return platform === "win32" ? "shutdown /r /t 0" : "shutdown -r now";
}
