/**
 * What the fleet store tests build: nodes, activations, commands with their targets, document
 * versions, outcomes, and a small rate control of the tests' own.
 */
import type {
  ActivationRecord,
  CommandControl,
  CommandRecord,
  DocumentVersionRecord,
  InvocationOutcome,
  ManagedNodeRecord,
  NewInvocation,
  NodeInfo,
} from "../../src/store/fleet-port.js";
import { T0 } from "./fixtures.js";

/** The id of the `n`th test node (SSM's shape: `mi-` + 17 hex digits). */
export const nodeId = (n: number) => `mi-${n.toString(16).padStart(17, "0")}`;

/**
 * The test's rate control: errors past the limit (or a cancel) end the queue; otherwise
 * release up to the concurrency limit; the status follows simply from the counts.
 */
export const testControl: CommandControl = (p) => {
  const terminateQueued = p.errorCount > p.errorLimit || p.cancelRequested;
  const queued = terminateQueued ? 0 : p.queuedCount;
  const release = Math.max(0, Math.min(queued, p.concurrencyLimit - p.inFlightCount));
  const completed = p.completedCount + (terminateQueued ? p.queuedCount : 0);
  if (p.targetCount === 0)
    return { release, terminateQueued, status: "Failed", statusDetails: "NoInstancesInTag" };
  if (completed < p.targetCount)
    return p.cancelRequested
      ? { release, terminateQueued, status: "Cancelling", statusDetails: "Cancelling" }
      : { release, terminateQueued, status: "InProgress", statusDetails: "InProgress" };
  if (p.cancelRequested)
    return { release, terminateQueued, status: "Cancelled", statusDetails: "Cancelled" };
  if (p.errorCount > 0 || p.deliveryTimedOutCount > 0)
    return { release, terminateQueued, status: "Failed", statusDetails: "Failed" };
  return { release, terminateQueued, status: "Success", statusDetails: "Success" };
};

export const INFO: NodeInfo = {
  platformType: "Linux",
  platformName: "Ubuntu",
  platformVersion: "24.04",
  computerName: "web-1",
  ipAddress: "10.0.0.1",
  agentVersion: "1.0.0",
};

export function activation(id: string, change: Partial<ActivationRecord> = {}): ActivationRecord {
  return {
    id,
    codeHash: `hash-${id}`,
    iamRole: "SSMServiceRole",
    registrationLimit: 2,
    registrationsCount: 0,
    expiresAt: T0 + 86_400_000,
    createdAt: T0,
    tags: [],
    ...change,
  };
}

export function agentNode(n: number, change: Partial<ManagedNodeRecord> = {}): ManagedNodeRecord {
  return {
    id: nodeId(n),
    connection: { kind: "agent", publicKey: `key-${n}` },
    registeredAt: T0,
    tags: [],
    ...change,
  };
}

export function sshNode(n: number, change: Partial<ManagedNodeRecord> = {}): ManagedNodeRecord {
  return agentNode(n, {
    connection: {
      kind: "ssh",
      host: `host-${n}`,
      port: 22,
      user: "ops",
      keyParameter: "/ssh/key",
      hostKey: "ssh-ed25519 AAAA",
    },
    ...change,
  });
}

/** A command on `targets` nodes with MaxConcurrency `concurrency` and MaxErrors `errors`. */
export function command(
  id: string,
  targets: number,
  concurrency: number,
  errors = targets,
  change: Partial<CommandRecord> = {},
): CommandRecord {
  return {
    id,
    documentName: "AWS-RunShellScript",
    documentVersion: "1",
    documentContent: '{"schemaVersion":"2.2"}',
    parameters: { commands: ["echo hi"] },
    instanceIds: Array.from({ length: targets }, (_, i) => nodeId(i + 1)),
    targets: [],
    comment: "",
    requestedAt: T0,
    expiresAfter: T0 + 3_600_000,
    timeoutSeconds: 3600,
    executionTimeoutSeconds: 600,
    maxConcurrency: String(concurrency),
    maxErrors: String(errors),
    status: "Pending",
    statusDetails: "Pending",
    progress: {
      concurrencyLimit: concurrency,
      errorLimit: errors,
      targetCount: targets,
      completedCount: 0,
      successCount: 0,
      errorCount: 0,
      deliveryTimedOutCount: 0,
      queuedCount: targets,
      inFlightCount: 0,
      cancelRequested: false,
    },
    requestedBy: "ann",
    ...change,
  };
}

/** One invocation per node 1..count, in that order. */
export const targets = (count: number, from = 1): NewInvocation[] =>
  Array.from({ length: count }, (_, i) => ({
    instanceId: nodeId(from + i),
    ordinal: i,
    instanceName: `node-${from + i}`,
  }));

export const outcome = (
  status: InvocationOutcome["status"],
  endedAt = T0 + 10,
  statusDetails: InvocationOutcome["statusDetails"] = status === "TimedOut"
    ? "ExecutionTimedOut"
    : status,
  responseCode = status === "Success" ? 0 : 1,
): InvocationOutcome => ({ status, statusDetails, responseCode, endedAt });

export function version(name: string, n: number, change: Partial<DocumentVersionRecord> = {}) {
  return (): DocumentVersionRecord => ({
    name,
    version: n,
    documentType: "Command",
    format: "JSON",
    content: `{"v":${n}}`,
    hash: `hash-${n}`,
    createdAt: T0 + n,
    createdBy: "ann",
    ...change,
  });
}
