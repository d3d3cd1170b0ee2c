/**
 * Agentless hosts: registered with an address, a user and a private key (kept as a
 * SecureString parameter), their host key probed and pinned at registration. They are
 * managed nodes like any other: targeted, tagged and listed the same way; the server runs
 * their invocations over SSH (ssh-runner.ts).
 */
import type { Clock } from "../kernel/clock.js";
import type { FleetStore, ManagedNodeRecord, Tag } from "../store/fleet-port.js";
import { FleetError } from "./errors.js";
import { newNodeId } from "./ids.js";
import type { NodeStatusEvents } from "./node-status.js";
import { probeHostKey, runPluginsOverSsh, SshConnectError } from "./ssh/index.js";
import { checkTags } from "./tags.js";

/** Where SSH hosts' private keys are kept (the parameter port given to the fleet). */
export interface SecretParameters {
  /** Stores `value` as a SecureString named `name` (overwriting). */
  put(name: string, value: string): Promise<void>;
  /** The clear value of a SecureString. */
  get(name: string): Promise<string>;
}

/** What registering an SSH host takes. */
export interface NewSshHost {
  host: string;
  port?: number;
  user: string;
  /** The private key (PEM or OpenSSH), stored as a SecureString; or give `keyParameter`. */
  privateKey?: string;
  /** An existing SecureString parameter holding the key. */
  keyParameter?: string;
  name?: string;
  tags?: Tag[];
}

const PROBE_TIMEOUT_MS = 10_000;

export class SshHostService {
  constructor(
    private readonly store: FleetStore,
    private readonly clock: Clock,
    private readonly secrets: SecretParameters,
    private readonly statusEvents: NodeStatusEvents,
  ) {}

  /**
   * Probes the host, pins its key, checks the credentials with a no-op command, then stores
   * the node and publishes its Registered event. Nothing is stored when any step fails.
   */
  async register(request: NewSshHost): Promise<ManagedNodeRecord> {
    const port = request.port ?? 22;
    if (!request.host || !Number.isInteger(port) || port < 1 || port > 65535)
      throw new FleetError(
        "ValidationException",
        "An SSH host needs a host name or address and a port from 1 to 65535.",
      );
    if (!/^[a-z_][a-z0-9_.-]{0,31}$/i.test(request.user ?? ""))
      throw new FleetError("ValidationException", `'${request.user}' is not a user name.`);
    if ((request.privateKey === undefined) === (request.keyParameter === undefined))
      throw new FleetError(
        "ValidationException",
        "Give the private key or the SecureString parameter that holds it (one of them).",
      );
    const id = newNodeId();
    const keyParameter = request.keyParameter ?? `/opsflow/ssh-keys/${id}`;
    const privateKey = request.privateKey ?? (await this.secrets.get(keyParameter));
    const tags = checkTags(request.tags ?? []);
    try {
      const hostKey = await probeHostKey({ host: request.host, port }, PROBE_TIMEOUT_MS);
      const result = await runPluginsOverSsh(
        { host: request.host, port, user: request.user, privateKey, hostKey },
        [
          {
            name: "registration",
            action: "aws:runShellScript",
            runCommand: ["true"],
            timeoutSeconds: 30,
          },
        ],
        { onOutput: () => undefined, outputCapBytes: 0 },
      );
      if (result.status !== "Success")
        throw new FleetError(
          "ValidationException",
          `${request.user}@${request.host}:${port} accepted the key but could not run a command (exit ${result.responseCode}).`,
        );
      if (request.privateKey !== undefined)
        await this.secrets.put(keyParameter, request.privateKey);
      const now = this.clock.now();
      const node: ManagedNodeRecord = {
        id,
        connection: {
          kind: "ssh",
          host: request.host,
          port,
          user: request.user,
          keyParameter,
          hostKey,
        },
        registeredAt: now,
        lastPingAt: now,
        tags,
        ...(request.name !== undefined && { name: request.name }),
      };
      await this.store.addNode(node);
      await this.statusEvents.publish([{ node, status: "Registered" }]);
      return node;
    } catch (error) {
      if (error instanceof SshConnectError)
        throw new FleetError("ValidationException", error.message);
      throw error;
    }
  }
}
