/**
 * The agent's state directory: its registration (registration.json), its private key
 * (agent.key), and one folder per invocation it received (see invocation-records.ts). The
 * directory is 0700 and every file 0600: the key is the node's identity. The activation code
 * is never written here.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { writeDurably } from "./durable-file.js";
import { AgentError } from "./errors.js";

/** What registration.json holds. */
export interface Registration {
  endpoint: string;
  instanceId: string;
  name?: string;
  /** When the node registered, ISO 8601. */
  registeredAt: string;
}

/** The default state directory: OPSFLOW_AGENT_STATE_DIR, else the system's as root, else the user's. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OPSFLOW_AGENT_STATE_DIR) return env.OPSFLOW_AGENT_STATE_DIR;
  if (process.getuid?.() === 0) return "/var/lib/opsflow-agent";
  return join(os.homedir(), ".opsflow-agent");
}

/** One state directory. */
export class StateDir {
  constructor(readonly path: string) {}

  get registrationPath(): string {
    return join(this.path, "registration.json");
  }

  get keyPath(): string {
    return join(this.path, "agent.key");
  }

  /** Where invocation folders live. */
  get invocationsPath(): string {
    return join(this.path, "invocations");
  }

  /** Creates the directory (0700, also when it existed with wider modes). */
  ensure(): void {
    mkdirSync(this.path, { recursive: true, mode: 0o700 });
    chmodSync(this.path, 0o700);
    mkdirSync(this.invocationsPath, { recursive: true, mode: 0o700 });
  }

  isRegistered(): boolean {
    return existsSync(this.registrationPath);
  }

  /** The registration. @throws AgentError `NotRegistered`, `CorruptState`. */
  readRegistration(): Registration {
    let text: string;
    try {
      text = readFileSync(this.registrationPath, "utf8");
    } catch {
      throw new AgentError(
        "NotRegistered",
        `no registration in ${this.path}: run 'opsflow agent register' first (or pass --state-dir)`,
      );
    }
    try {
      const parsed = JSON.parse(text) as Registration;
      if (typeof parsed.instanceId !== "string" || typeof parsed.endpoint !== "string")
        throw new Error("instanceId or endpoint missing");
      return parsed;
    } catch (error) {
      throw new AgentError(
        "CorruptState",
        `${this.registrationPath} is unreadable (${(error as Error).message}): register again with --force`,
      );
    }
  }

  readPrivateKey(): string {
    try {
      return readFileSync(this.keyPath, "utf8");
    } catch {
      throw new AgentError(
        "CorruptState",
        `the private key ${this.keyPath} is missing: register again with --force`,
      );
    }
  }

  writePrivateKey(pem: string): void {
    writeDurably(this.keyPath, pem, 0o600);
  }

  writeRegistration(registration: Registration): void {
    writeDurably(this.registrationPath, `${JSON.stringify(registration, null, 2)}\n`, 0o600);
  }

  /** Forgets the registration, the key and every invocation record (`register --force`). */
  clear(): void {
    rmSync(this.registrationPath, { force: true });
    rmSync(this.keyPath, { force: true });
    rmSync(this.invocationsPath, { recursive: true, force: true });
  }
}
