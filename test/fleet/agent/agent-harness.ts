/**
 * Builds real agents for the tests: registered against a protocol peer, with injected
 * randomness and sleep (back-off waits are recorded, not slept) and short polls.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentClient } from "../../../src/fleet/agent/agent-client.js";
import { HttpTransport } from "../../../src/fleet/agent/http-transport.js";
import { InvocationRecords } from "../../../src/fleet/agent/invocation-records.js";
import { type AgentEnd, NodeAgent } from "../../../src/fleet/agent/node-agent.js";
import { collectNodeInfo } from "../../../src/fleet/agent/node-info.js";
import { registerNode } from "../../../src/fleet/agent/register.js";
import { loadPrivateKey } from "../../../src/fleet/agent/signing.js";
import { StateDir } from "../../../src/fleet/agent/state-dir.js";
import type { AgentInvocation } from "../../../src/fleet/protocol.js";
import { systemClock } from "../../../src/kernel/clock.js";

/** Registers a new state directory with the peer at `url`. */
export async function registeredStateDir(url: string): Promise<string> {
  const stateDir = join(mkdtempSync(join(tmpdir(), "opsflow-agent-")), "state");
  await registerNode({
    endpoint: url,
    activationId: "act-1",
    activationCode: "code-1",
    stateDir,
    info: collectNodeInfo(),
    now: Date.now,
  });
  return stateDir;
}

export interface TestAgent {
  agent: NodeAgent;
  done: Promise<AgentEnd>;
  records: InvocationRecords;
  logs: string[];
  /** Back-off delays asked for, ms. */
  sleeps: number[];
}

/** Starts an agent on `stateDir`. */
export function startTestAgent(
  stateDir: string,
  options: { rebootCommand?: string; random?: () => number } = {},
): TestAgent {
  const dir = new StateDir(stateDir);
  const registration = dir.readRegistration();
  const transport = new HttpTransport(registration.endpoint);
  const records = new InvocationRecords(dir.invocationsPath, Date.now);
  const logs: string[] = [];
  const sleeps: number[] = [];
  const agent = new NodeAgent({
    client: new AgentClient(
      transport,
      registration.instanceId,
      loadPrivateKey(dir.readPrivateKey()),
      Date.now,
    ),
    records,
    clock: systemClock,
    random: options.random ?? (() => 0.5),
    // Back-off is recorded and skipped (one event-loop turn, so the loop cannot starve I/O).
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      await new Promise((done) => setImmediate(done));
      signal?.throwIfAborted();
    },
    rebootCommand: options.rebootCommand ?? "true",
    collectInfo: collectNodeInfo,
    agentVersion: "0.1.0",
    log: (line) => logs.push(line),
    waitSeconds: 1,
    uploadIntervalMs: 50,
  });
  const done = agent.run().finally(() => transport.close());
  return { agent, done, records, logs, sleeps };
}

let sequence = 0;

/** An invocation of one shell script. */
export function shellInvocation(lines: string[], timeoutSeconds = 30): AgentInvocation {
  sequence += 1;
  return {
    commandId: `00000000-0000-4000-8000-${String(sequence).padStart(12, "0")}`,
    documentName: "AWS-RunShellScript",
    plugins: [
      {
        name: "0.aws:runShellScript",
        action: "aws:runShellScript",
        runCommand: lines,
        timeoutSeconds,
      },
    ],
    outputCapBytes: 48_000,
  };
}
