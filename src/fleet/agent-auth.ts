/**
 * Authenticates the agent endpoint's calls: the Authorization header names the node and
 * carries an Ed25519 signature of the call (protocol.ts: stringToSign), checked against the
 * public key the node registered. A deregistered node is gone from the store, so its key
 * stops working on the next call.
 */
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import type { FleetStore, ManagedNodeRecord } from "../store/fleet-port.js";
import { FleetError } from "./errors.js";
import { parseAuthorization, stringToSign } from "./protocol.js";

/** How far the signing time may be from the server's clock. */
const MAX_SKEW_MS = 5 * 60 * 1000;

/** A call as the endpoint received it. */
export interface SignedCall {
  method: string;
  /** Path and query as sent. */
  pathAndQuery: string;
  authorization: string | undefined;
  date: string | undefined;
  body: Uint8Array;
}

/** Checks signed agent calls. Public keys are parsed once per node and key. */
export class AgentAuthenticator {
  private readonly keys = new Map<string, { publicKey: string; key: KeyObject }>();

  constructor(
    private readonly store: FleetStore,
    private readonly now: () => number,
  ) {}

  /** The calling node, or AgentUnauthorized saying why not. */
  async authenticate(call: SignedCall): Promise<ManagedNodeRecord> {
    const claimed = parseAuthorization(call.authorization);
    if (!claimed)
      throw new FleetError(
        "AgentUnauthorized",
        "The call is not signed by an opsflow agent: register the node first.",
      );
    const signedAt = Date.parse(call.date ?? "");
    if (!Number.isFinite(signedAt) || Math.abs(this.now() - signedAt) > MAX_SKEW_MS)
      throw new FleetError(
        "AgentUnauthorized",
        "The call's signing time is missing or more than 5 minutes from the server's clock: check the node's clock.",
      );
    const node = await this.store.getNode(claimed.instanceId);
    if (node?.connection.kind !== "agent")
      throw new FleetError(
        "AgentUnauthorized",
        `Node ${claimed.instanceId} is not registered (it may have been deregistered): register it again with a new activation.`,
      );
    const text = stringToSign(call.method, call.pathAndQuery, call.date ?? "", call.body);
    const key = this.keyOf(node.id, node.connection.publicKey);
    const signature = Buffer.from(claimed.signature, "base64");
    // The callback form runs on libuv's pool: a thousand agents' checks use the other cores.
    const ok = await new Promise<boolean>((resolve) =>
      verify(null, Buffer.from(text), key, signature, (error, valid) => resolve(!error && valid)),
    );
    if (!ok)
      throw new FleetError(
        "AgentUnauthorized",
        `The signature does not match node ${node.id}'s key.`,
      );
    return node;
  }

  private keyOf(id: string, publicKey: string): KeyObject {
    const cached = this.keys.get(id);
    if (cached?.publicKey === publicKey) return cached.key;
    const key = createPublicKey({
      key: Buffer.from(publicKey, "base64"),
      format: "der",
      type: "spki",
    });
    if (this.keys.size > 100_000) this.keys.clear();
    this.keys.set(id, { publicKey, key });
    return key;
  }
}
