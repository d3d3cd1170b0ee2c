/**
 * A managed node played by the test itself: it registers through the agent endpoint with an
 * Ed25519 key generated here and makes signed agent calls (fleet/protocol.ts), so REST and CLI
 * tests get real nodes and real invocation results without starting agent processes.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import {
  AGENT_DATE_HEADER,
  AGENT_PATH,
  type AgentInvocation,
  authorizationHeader,
  type FinishRequest,
  type PollResponse,
  stringToSign,
} from "../../src/fleet/protocol.js";
import type { NodeInfo } from "../../src/store/fleet-port.js";
import { rest } from "../server/harness.js";

/** What a test node reports about its host. */
export const TEST_NODE_INFO: NodeInfo = {
  platformType: "Linux",
  platformName: "Ubuntu",
  platformVersion: "24.04",
  computerName: "test-host",
  ipAddress: "192.0.2.10",
  agentVersion: "0.1.0",
};

/** A registered node and its signed calls. */
export interface TestNode {
  id: string;
  /** A signed agent call; resolves to the status and JSON answer. */
  call(path: string, body: Uint8Array | object): Promise<{ status: number; body: unknown }>;
  /** Polls once without waiting: the invocations handed to this node. */
  poll(): Promise<AgentInvocation[]>;
  /** Starts, writes stdout, and finishes an invocation with `outcome`. */
  run(commandId: string, stdout: string, outcome?: FinishRequest): Promise<void>;
  output(
    commandId: string,
    stream: "stdout" | "stderr",
    offset: number,
    text: string,
  ): Promise<void>;
  finish(commandId: string, outcome: FinishRequest): Promise<void>;
}

const SUCCESS: FinishRequest = { status: "Success", statusDetails: "Success", responseCode: 0 };

/** Creates an activation through the REST API and registers a node with it. */
export async function registerTestNode(
  url: string,
  activation: Record<string, unknown> = {},
  info: NodeInfo = TEST_NODE_INFO,
): Promise<TestNode> {
  const created = await rest(url, "POST", "/v1/activations", activation);
  if (created.status !== 201) throw new Error(`activation: ${JSON.stringify(created.body)}`);
  return registerWith(url, created.body.activationId, created.body.activationCode, info);
}

/** Registers a node with an existing activation. */
export async function registerWith(
  url: string,
  activationId: string,
  activationCode: string,
  info: NodeInfo = TEST_NODE_INFO,
): Promise<TestNode> {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const response = await fetch(`${url}${AGENT_PATH}/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      activationId,
      activationCode,
      publicKey: publicKey.export({ format: "der", type: "spki" }).toString("base64"),
      info,
    }),
  });
  const registered = (await response.json()) as { instanceId: string };
  if (response.status !== 200) throw new Error(`register: ${JSON.stringify(registered)}`);
  return testNode(url, registered.instanceId, privateKey);
}

function testNode(url: string, id: string, key: KeyObject): TestNode {
  const call = async (path: string, body: Uint8Array | object) => {
    const bytes = body instanceof Uint8Array ? body : Buffer.from(JSON.stringify(body));
    const pathAndQuery = `${AGENT_PATH}${path}`;
    const date = new Date().toISOString();
    const signature = sign(null, Buffer.from(stringToSign("POST", pathAndQuery, date, bytes)), key);
    const response = await fetch(`${url}${pathAndQuery}`, {
      method: "POST",
      headers: {
        authorization: authorizationHeader(id, signature.toString("base64")),
        [AGENT_DATE_HEADER]: date,
        "content-type":
          body instanceof Uint8Array ? "application/octet-stream" : "application/json",
      },
      body: bytes,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const ok = async (path: string, body: Uint8Array | object) => {
    const answer = await call(path, body);
    if (answer.status !== 200)
      throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const node: TestNode = {
    id,
    call,
    async poll() {
      return ((await ok("/poll", { info: TEST_NODE_INFO, waitSeconds: 0 })) as PollResponse)
        .invocations;
    },
    async output(commandId, stream, offset, text) {
      await ok(
        `/invocations/${commandId}/output?stream=${stream}&offset=${offset}`,
        Buffer.from(text),
      );
    },
    async finish(commandId, outcome) {
      await ok(`/invocations/${commandId}/finish`, outcome);
    },
    async run(commandId, stdout, outcome = SUCCESS) {
      await ok(`/invocations/${commandId}/start`, {});
      if (stdout) await node.output(commandId, "stdout", 0, stdout);
      await node.finish(commandId, outcome);
    },
  };
  return node;
}
