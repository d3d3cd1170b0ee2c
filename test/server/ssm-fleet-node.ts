/**
 * A managed node for the SSM fleet tests without an agent process: it registers through the
 * agent endpoint with an Ed25519 key made here and signs its own calls (protocol.ts), so
 * tests can poll, start, send output and finish invocations as an agent would.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import {
  AGENT_DATE_HEADER,
  AGENT_PATH,
  authorizationHeader,
  stringToSign,
} from "../../src/fleet/protocol.js";
import type { NodeInfo } from "../../src/store/fleet-port.js";

/** What a node reports about itself unless a test says otherwise. */
export const LINUX_INFO: NodeInfo = {
  platformType: "Linux",
  platformName: "Ubuntu",
  platformVersion: "24.04",
  computerName: "web-1.example",
  ipAddress: "10.0.0.5",
  agentVersion: "0.0.0-test",
};

/** A registered node that signs its calls. */
export interface TestNode {
  id: string;
  /** A signed call to the agent endpoint: its status and JSON answer. */
  call(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
  /** A signed call with a raw body (output upload). */
  callRaw(path: string, body: Uint8Array): Promise<{ status: number; body: unknown }>;
}

/** Registers a node with an activation; throws unless the server accepts it. */
export async function registerNode(
  url: string,
  activation: { id: string; code: string },
  info: NodeInfo = LINUX_INFO,
): Promise<TestNode> {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const spki = publicKey.export({ format: "der", type: "spki" }).toString("base64");
  const response = await fetch(`${url}${AGENT_PATH}/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      activationId: activation.id,
      activationCode: activation.code,
      publicKey: spki,
      info,
    }),
  });
  const registered = (await response.json()) as { instanceId?: string };
  if (response.status !== 200 || !registered.instanceId)
    throw new Error(`register: ${response.status} ${JSON.stringify(registered)}`);
  return nodeWithKey(url, registered.instanceId, privateKey);
}

function nodeWithKey(url: string, id: string, privateKey: KeyObject): TestNode {
  const callRaw = async (path: string, body: Uint8Array) => {
    const pathAndQuery = `${AGENT_PATH}${path}`;
    const date = new Date().toISOString();
    const signature = sign(
      null,
      Buffer.from(stringToSign("POST", pathAndQuery, date, body)),
      privateKey,
    );
    const response = await fetch(`${url}${pathAndQuery}`, {
      method: "POST",
      headers: {
        authorization: authorizationHeader(id, signature.toString("base64")),
        [AGENT_DATE_HEADER]: date,
        "content-type": "application/octet-stream",
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  return {
    id,
    callRaw,
    call: (path, body) => callRaw(path, new TextEncoder().encode(JSON.stringify(body))),
  };
}
