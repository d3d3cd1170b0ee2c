/**
 * Builds real agents for the tests: registered with the real server (an activation made
 * through its REST API), with injected randomness and sleep (back-off waits are recorded and
 * can be held by the test) and short polls. Their transport is the real HTTP one, watched:
 * the test sees every call and answer, and can have the network lose a call before it
 * reaches the server (a dropped connection).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentClient } from "../../../src/fleet/agent/agent-client.js";
import { AgentError } from "../../../src/fleet/agent/errors.js";
import {
  HttpTransport,
  type TransportRequest,
  type TransportResponse,
} from "../../../src/fleet/agent/http-transport.js";
import { InvocationRecords } from "../../../src/fleet/agent/invocation-records.js";
import { type AgentEnd, NodeAgent } from "../../../src/fleet/agent/node-agent.js";
import { collectNodeInfo } from "../../../src/fleet/agent/node-info.js";
import { registerNode } from "../../../src/fleet/agent/register.js";
import { loadPrivateKey } from "../../../src/fleet/agent/signing.js";
import { StateDir } from "../../../src/fleet/agent/state-dir.js";
import type { PollRequest, PollResponse } from "../../../src/fleet/protocol.js";
import { systemClock } from "../../../src/kernel/clock.js";
import type { TestServer } from "./real-server.js";

/** A registered state directory and its node. */
export interface RegisteredNode {
  stateDir: string;
  instanceId: string;
}

/** Registers a new state directory with `server`. */
export async function registeredNode(server: TestServer): Promise<RegisteredNode> {
  const activation = await server.activation();
  const stateDir = join(mkdtempSync(join(tmpdir(), "opsflow-agent-")), "state");
  const registration = await registerNode({
    endpoint: server.url,
    activationId: activation.id,
    activationCode: activation.code,
    stateDir,
    info: collectNodeInfo(),
    now: Date.now,
  });
  return { stateDir, instanceId: registration.instanceId };
}

/** One call the agent made, and the answer when one came. */
export interface Exchange {
  path: string;
  body: Buffer;
  response?: TransportResponse;
  /** The network lost it (the test asked for that): the server never saw it. */
  dropped?: boolean;
}

/** The real HTTP transport, with every exchange kept and calls the test chose lost. */
export class WatchedTransport extends HttpTransport {
  readonly exchanges: Exchange[] = [];
  private dropping: ((path: string) => boolean) | undefined;

  /** The next call whose path matches is lost before it reaches the server. */
  dropNext(matches: (path: string) => boolean): void {
    this.dropping = matches;
  }

  override async send(request: TransportRequest): Promise<TransportResponse> {
    const exchange: Exchange = {
      path: request.pathAndQuery,
      body: Buffer.from(request.body),
    };
    this.exchanges.push(exchange);
    if (this.dropping?.(request.pathAndQuery)) {
      this.dropping = undefined;
      exchange.dropped = true;
      throw new AgentError("Unreachable", "ECONNRESET: the test dropped the connection");
    }
    exchange.response = await super.send(request);
    return exchange.response;
  }

  /** Polls that reached the server: what each asked and what it got. */
  polls(): { request: PollRequest; answer: PollResponse }[] {
    return this.exchanges
      .filter((e) => e.path.endsWith("/poll") && e.response?.status === 200)
      .map((e) => ({
        request: JSON.parse(e.body.toString()) as PollRequest,
        answer: JSON.parse(e.response?.body.toString() ?? "{}") as PollResponse,
      }));
  }

  /** Start calls for `commandId` the server answered. */
  startsOf(commandId: string): number {
    return this.exchanges.filter(
      (e) => e.path.endsWith(`/invocations/${commandId}/start`) && e.response !== undefined,
    ).length;
  }
}

export interface TestAgent {
  agent: NodeAgent;
  done: Promise<AgentEnd>;
  records: InvocationRecords;
  transport: WatchedTransport;
  logs: string[];
  /** Back-off delays asked for, ms. */
  sleeps: number[];
  /** While set, back-off waits last until it resolves. */
  hold?: Promise<void>;
}

/** Starts an agent on `stateDir`. */
export function startTestAgent(
  stateDir: string,
  options: { rebootCommand?: string; random?: () => number } = {},
): TestAgent {
  const dir = new StateDir(stateDir);
  const registration = dir.readRegistration();
  const transport = new WatchedTransport(registration.endpoint);
  const records = new InvocationRecords(dir.invocationsPath, Date.now);
  const logs: string[] = [];
  const sleeps: number[] = [];
  const test: Partial<TestAgent> = {};
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
    // Back-off is recorded, not slept (a few ms, so a loop against a closed port cannot spin).
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      if (test.hold) await test.hold;
      await new Promise((done) => setTimeout(done, 5));
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
  return Object.assign(test, { agent, done, records, transport, logs, sleeps });
}

/** The node's own signed client, for calls the test makes as the node. */
export function nodeClient(stateDir: string): { client: AgentClient; close(): void } {
  const dir = new StateDir(stateDir);
  const registration = dir.readRegistration();
  const transport = new HttpTransport(registration.endpoint);
  const client = new AgentClient(
    transport,
    registration.instanceId,
    loadPrivateKey(dir.readPrivateKey()),
    Date.now,
  );
  return { client, close: () => transport.close() };
}

/** A gate: `opened` resolves once `open` is called. */
export function gate(): { opened: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((done) => {
    open = done;
  });
  return { opened, open };
}
