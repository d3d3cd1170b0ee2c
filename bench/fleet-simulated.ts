/**
 * Many simulated `opsflow agent`s in one process, speaking the agent protocol
 * (src/fleet/protocol.ts) as the real agent does, minus running a process: each node has its
 * own Ed25519 key, registers with an activation, keeps one signed long poll open, and on an
 * invocation calls start and finishes with a small stdout inline. Calls go over one keep-alive
 * HTTP agent with a socket for every poll and report, so no node waits for a free socket.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { setMaxListeners } from "node:events";
import http from "node:http";
import { signedHeaders } from "../src/fleet/agent/signing.js";
import {
  AGENT_PATH,
  type AgentInvocation,
  type FinishRequest,
  type PollResponse,
  type RegisterResponse,
  type StartResponse,
} from "../src/fleet/protocol.js";
import type { NodeInfo } from "../src/store/fleet-port.js";

/** A registered simulated node. */
export interface SimulatedNode {
  instanceId: string;
  privateKey: KeyObject;
  info: NodeInfo;
}

/** An answer other than 2xx, or no answer: the bench counts these and shows the first. */
export class SimulatedCallError extends Error {
  readonly code = "SimulatedCallFailed";
  constructor(
    readonly path: string,
    readonly status: number,
    message: string,
  ) {
    super(`${path}: ${status ? `${status} ` : ""}${message}`);
  }
}

/** A node's finish of a command was acknowledged by the server at `at` (performance.now()). */
export type FinishListener = (commandId: string, instanceId: string, at: number) => void;

function nodeInfo(index: number): NodeInfo {
  return {
    platformType: "Linux",
    platformName: "Ubuntu",
    platformVersion: "22.04",
    computerName: `bench-${index}`,
    ipAddress: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
    agentVersion: "bench",
  };
}

/** The simulated fleet: registration, the poll loops, and their reports. */
export class SimulatedFleet {
  private readonly origin: URL;
  // Default maxFreeSockets (256) would close most parked connections between polls.
  private readonly agent = new http.Agent({
    keepAlive: true,
    maxSockets: Number.POSITIVE_INFINITY,
    maxFreeSockets: 1 << 16,
  });
  private readonly stopping = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly listeners = new Set<FinishListener>();
  private firstPolls = 0;
  /** Calls that failed (the loop retries); the first one's message is kept. */
  errors = 0;
  firstError: string | undefined;

  constructor(endpoint: string) {
    this.origin = new URL(endpoint);
    // Every call in flight listens on the one stop signal: thousands at a time, by design.
    setMaxListeners(0, this.stopping.signal);
  }

  /** Registers `count` nodes with the activation, `concurrency` registrations at a time. */
  async register(
    count: number,
    activation: { id: string; code: string },
    concurrency = 16,
  ): Promise<SimulatedNode[]> {
    const nodes: SimulatedNode[] = new Array(count);
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const index = next++;
        const { privateKey, publicKey } = generateKeyPairSync("ed25519");
        const info = nodeInfo(index);
        const body = Buffer.from(
          JSON.stringify({
            activationId: activation.id,
            activationCode: activation.code,
            publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
            info,
          }),
        );
        const answer = await this.send<RegisterResponse>(`${AGENT_PATH}/register`, body, {
          "content-type": "application/json",
        });
        nodes[index] = { instanceId: answer.instanceId, privateKey, info };
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return nodes;
  }

  /** Starts every node's poll loop: a first poll with its info, then long polls of `waitSeconds`. */
  startPolling(nodes: readonly SimulatedNode[], waitSeconds: number): void {
    for (const node of nodes) this.loops.push(this.pollLoop(node, waitSeconds));
  }

  /** How many nodes have had their first poll (with their info) answered. */
  get connected(): number {
    return this.firstPolls;
  }

  /** Calls `listener` for every acknowledged finish until the returned function is called. */
  onFinish(listener: FinishListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends every poll and closes the connections. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.loops);
    this.agent.destroy();
  }

  private async pollLoop(node: SimulatedNode, waitSeconds: number): Promise<void> {
    // The first poll carries the node's info, as the real agent's does; answering at once
    // (wait 0) tells the bench the server has recorded the node as connected.
    let request: object = { waitSeconds: 0, info: node.info };
    let first = true;
    while (!this.stopping.signal.aborted) {
      try {
        const answer = await this.signed<PollResponse>(node, "/poll", json(request));
        if (first) {
          first = false;
          this.firstPolls++;
          // The first long poll's wait is drawn at random so the nodes' polls return spread
          // over the wait, as a real fleet's (started at different times) do, not all at once.
          request = { waitSeconds: Math.max(0.5, Math.random() * waitSeconds) };
        } else request = { waitSeconds };
        // Like the real agent: poll again at once, and handle the invocations meanwhile.
        for (const invocation of answer.invocations) void this.run(node, invocation);
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        this.failed(error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /**
   * What the real agent does with an invocation, minus the process: start, then finish with
   * its small output inline (as the agent sends output under INLINE_OUTPUT_BYTES).
   */
  private async run(node: SimulatedNode, invocation: AgentInvocation): Promise<void> {
    const base = `/invocations/${invocation.commandId}`;
    try {
      const started = await this.signed<StartResponse>(node, `${base}/start`, json({}));
      if (started.action !== "run") return;
      const output = Buffer.from(`hello from ${node.instanceId}\n`);
      const finish: FinishRequest = {
        status: "Success",
        statusDetails: "Success",
        responseCode: 0,
        output: { stdout: { offset: 0, data: output.toString("base64") } },
      };
      await this.signed(node, `${base}/finish`, json(finish));
      const at = performance.now();
      for (const listener of this.listeners) listener(invocation.commandId, node.instanceId, at);
    } catch (error) {
      if (!this.stopping.signal.aborted) this.failed(error);
    }
  }

  private failed(error: unknown): void {
    this.errors++;
    this.firstError ??= error instanceof Error ? error.message : String(error);
  }

  private signed<T>(
    node: SimulatedNode,
    path: string,
    body: Buffer,
    contentType = "application/json",
  ): Promise<T> {
    const full = `${AGENT_PATH}${path}`;
    const headers = signedHeaders(node.instanceId, node.privateKey, "POST", full, body, new Date());
    return this.send<T>(full, body, { ...headers, "content-type": contentType });
  }

  private send<T>(path: string, body: Buffer, headers: Record<string, string>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const request = http.request(
        {
          hostname: this.origin.hostname,
          port: this.origin.port,
          method: "POST",
          path,
          agent: this.agent,
          headers: { ...headers, "content-length": String(body.byteLength) },
          signal: this.stopping.signal,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", (error) => reject(new SimulatedCallError(path, 0, error.message)));
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = response.statusCode ?? 0;
            if (status < 200 || status > 299)
              return reject(new SimulatedCallError(path, status, text.slice(0, 300)));
            try {
              resolve((text ? JSON.parse(text) : {}) as T);
            } catch {
              reject(new SimulatedCallError(path, status, `not JSON: ${text.slice(0, 300)}`));
            }
          });
        },
      );
      request.on("error", (error) => reject(new SimulatedCallError(path, 0, error.message)));
      request.end(body);
    });
  }
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}
