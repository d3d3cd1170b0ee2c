/**
 * `opsflow agent register`: a new key pair, the registration call, and the state directory
 * written once the server accepted it (key first, registration last, so a registration file
 * always has its key).
 */
import type { NodeInfo } from "../../store/fleet-port.js";
import { register } from "./agent-client.js";
import { AgentError } from "./errors.js";
import { HttpTransport } from "./http-transport.js";
import { generateNodeKeys } from "./signing.js";
import { type Registration, StateDir } from "./state-dir.js";

export interface RegisterOptions {
  endpoint: string;
  activationId: string;
  activationCode: string;
  stateDir: string;
  /** PEM text of an extra CA. */
  ca?: string;
  /** Replace an existing registration (and forget its invocation records). */
  force?: boolean;
  info: NodeInfo;
  now: () => number;
}

/** Registers the node and writes its state directory. @throws AgentError. */
export async function registerNode(options: RegisterOptions): Promise<Registration> {
  const dir = new StateDir(options.stateDir);
  if (dir.isRegistered() && !options.force) {
    const current = safeInstanceId(dir);
    throw new AgentError(
      "AlreadyRegistered",
      `${options.stateDir} already holds a registration${current ? ` (${current})` : ""}: pass --force to replace it, or --state-dir for another directory`,
    );
  }
  const transport = new HttpTransport(options.endpoint, options.ca);
  try {
    const keys = generateNodeKeys();
    const answer = await register(transport, {
      activationId: options.activationId,
      activationCode: options.activationCode,
      publicKey: keys.publicKey,
      info: options.info,
    });
    const registration: Registration = {
      endpoint: options.endpoint,
      instanceId: answer.instanceId,
      ...(answer.name !== undefined && { name: answer.name }),
      registeredAt: new Date(options.now()).toISOString(),
    };
    // Only a registration the server accepted replaces the old one (a refused --force keeps it).
    if (options.force) dir.clear();
    dir.ensure();
    dir.writePrivateKey(keys.privateKeyPem);
    dir.writeRegistration(registration);
    return registration;
  } finally {
    transport.close();
  }
}

function safeInstanceId(dir: StateDir): string | undefined {
  try {
    return dir.readRegistration().instanceId;
  } catch {
    return undefined;
  }
}
