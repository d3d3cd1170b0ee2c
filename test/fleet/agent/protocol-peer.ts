/**
 * A small HTTP server speaking the server side of the agent protocol (src/fleet/protocol.ts),
 * for the agent's tests before and apart from the real server: it checks every signature the
 * way the server does (node:crypto verify with the registered public key), keeps output by
 * offset (skipping what it holds, refusing gaps with its size), and can be told to fail
 * (503) or to forget a node (401). The end-to-end tests against `opsflow server` are e2e.test.ts.
 */
import { createPublicKey, verify } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  AgentInvocation,
  FinishRequest,
  PollRequest,
  RegisterRequest,
  StartResponse,
} from "../../../src/fleet/protocol.js";
import {
  AGENT_DATE_HEADER,
  parseAuthorization,
  stringToSign,
} from "../../../src/fleet/protocol.js";

export interface PeerNode {
  instanceId: string;
  publicKey: string;
  polls: PollRequest[];
  queue: AgentInvocation[];
  cancels: string[];
}

/** The protocol peer and what it saw. */
export class ProtocolPeer {
  readonly nodes = new Map<string, PeerNode>();
  readonly activations = new Map<string, string>([["act-1", "code-1"]]);
  readonly starts: string[] = [];
  readonly finishes: { commandId: string; report: FinishRequest }[] = [];
  readonly output = new Map<string, Buffer>();
  /** Answer every call 503 while true. */
  down = false;
  /** Answer finish calls 503 while true (the rest works). */
  finishDown = false;
  startAction: StartResponse["action"] = "run";
  private waiting: (() => void)[] = [];
  private server: Server | undefined;
  private counter = 0;

  /** Starts listening on a free port; resolves to the URL. */
  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((done) => this.server?.listen(0, "127.0.0.1", done));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const wake of this.waiting.splice(0)) wake();
    this.server?.closeAllConnections();
    await new Promise<void>((done) => this.server?.close(() => done()));
  }

  /** The node registered last (each test registers its own). */
  get lastNode(): PeerNode {
    const node = [...this.nodes.values()].at(-1);
    if (!node) throw new Error("no node registered");
    return node;
  }

  /** Delivers an invocation to the node's next poll (a held poll answers at once). */
  deliver(invocation: AgentInvocation, node = this.lastNode): void {
    node.queue.push(invocation);
    this.wake();
  }

  cancel(commandId: string, node = this.lastNode): void {
    node.cancels.push(commandId);
    this.wake();
  }

  /** Resolves once `check` holds (checked on every call the peer answers, and every 20 ms). */
  async until(check: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error("the peer did not see it in time");
      await new Promise((done) => setTimeout(done, 20));
    }
  }

  outputOf(commandId: string, stream: "stdout" | "stderr"): string {
    return this.output.get(`${commandId}/${stream}`)?.toString("utf8") ?? "";
  }

  private wake(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://peer");
    const send = (status: number, value: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    };
    if (this.down) return send(503, { message: "down for the test" });

    if (url.pathname === "/agent/v1/register") {
      const request = JSON.parse(body.toString()) as RegisterRequest;
      if (this.activations.get(request.activationId) !== request.activationCode)
        return send(400, { message: "The activation ID or code is not valid." });
      this.counter += 1;
      const instanceId = `mi-${this.counter.toString(16).padStart(17, "0")}`;
      this.nodes.set(instanceId, {
        instanceId,
        publicKey: request.publicKey,
        polls: [],
        queue: [],
        cancels: [],
      });
      return send(200, { instanceId, name: "test-node" });
    }

    const node = this.authenticate(req, url, body);
    if (!node) return send(401, { message: "unknown node or bad signature" });

    if (url.pathname === "/agent/v1/poll") {
      const request = JSON.parse(body.toString()) as PollRequest;
      node.polls.push(request);
      if (node.queue.length === 0 && node.cancels.length === 0) {
        await new Promise<void>((done) => {
          const timer = setTimeout(done, request.waitSeconds * 1000);
          this.waiting.push(() => {
            clearTimeout(timer);
            done();
          });
        });
      }
      if (this.down) return send(503, { message: "down for the test" });
      // A poll whose agent went away (stopped) must not take the work with it.
      if (req.socket.destroyed || res.writableEnded) return;
      return send(200, { invocations: node.queue.splice(0), cancel: node.cancels.splice(0) });
    }
    const match = /^\/agent\/v1\/invocations\/([^/]+)\/(start|output|finish)$/.exec(url.pathname);
    if (!match) return send(404, { message: "no such call" });
    const [, commandId, call] = match;
    if (call === "start") {
      this.starts.push(commandId);
      return send(200, { action: this.startAction });
    }
    if (call === "finish") {
      if (this.finishDown) return send(503, { message: "finish down for the test" });
      this.finishes.push({ commandId, report: JSON.parse(body.toString()) as FinishRequest });
      return send(200, {});
    }
    const key = `${commandId}/${url.searchParams.get("stream")}`;
    const held = this.output.get(key) ?? Buffer.alloc(0);
    const offset = Number(url.searchParams.get("offset"));
    if (offset > held.length) return send(409, { size: held.length });
    const next = Buffer.concat([held, body.subarray(held.length - offset)]);
    this.output.set(key, next);
    return send(200, { size: next.length, truncated: false });
  }

  /** The node whose valid signature the call carries (what the server checks). */
  private authenticate(req: IncomingMessage, url: URL, body: Buffer): PeerNode | undefined {
    const auth = parseAuthorization(req.headers.authorization);
    const node = auth && this.nodes.get(auth.instanceId);
    const date = req.headers[AGENT_DATE_HEADER];
    if (!auth || !node || typeof date !== "string") return undefined;
    const key = createPublicKey({
      key: Buffer.from(node.publicKey, "base64"),
      format: "der",
      type: "spki",
    });
    const text = stringToSign(req.method ?? "", url.pathname + url.search, date, body);
    return verify(null, Buffer.from(text), key, Buffer.from(auth.signature, "base64"))
      ? node
      : undefined;
  }
}
