/**
 * The agent protocol: what `opsflow agent` and the server say to each other over HTTP(S).
 * The agent only ever connects out. Every call after registration is signed with the node's
 * own Ed25519 key; the server checks the signature against the public key it stored at
 * registration, so a deregistered node's key stops working at once.
 *
 * Calls (all JSON unless noted, under {@link AGENT_PATH}):
 * - `POST /register` {@link RegisterRequest} → {@link RegisterResponse}, authenticated by the
 *   activation code; later calls are signed with the key it registers.
 * - `POST /poll` {@link PollRequest} → {@link PollResponse}: a long poll. The server answers
 *   at once when it has invocations or cancellations for the node, otherwise after at most
 *   `waitSeconds`. Each poll is the node's heartbeat.
 * - `POST /invocations/{commandId}/start` → {@link StartResponse}: the agent recorded the
 *   invocation as started (on disk) before calling, so it never runs one twice.
 * - `POST /invocations/{commandId}/output?stream=stdout|stderr&offset=N`, body the raw bytes
 *   (application/octet-stream) → {@link OutputResponse}. Idempotent by offset.
 * - `POST /invocations/{commandId}/finish` {@link FinishRequest} → `{}`. Idempotent.
 */
import { createHash } from "node:crypto";
import type { InvocationStatusDetails, NodeInfo } from "../store/fleet-port.js";

/** Where the agent endpoint lives on the server. */
export const AGENT_PATH = "/agent/v1";

/** The Authorization scheme of signed agent calls. */
export const AGENT_AUTH_SCHEME = "OPSFLOW-AGENT-ED25519";

/** The header carrying the signing time (ISO 8601); the server refuses more than 5 min skew. */
export const AGENT_DATE_HEADER = "x-opsflow-date";

/** Longest long poll the server holds, seconds. */
export const MAX_POLL_WAIT_SECONDS = 25;

export interface RegisterRequest {
  activationId: string;
  activationCode: string;
  /** The agent's Ed25519 public key: SPKI, DER, base64. */
  publicKey: string;
  info: NodeInfo;
}

export interface RegisterResponse {
  instanceId: string;
  name?: string;
}

export interface PollRequest {
  /** The node's current info (sent on the first poll after a start, and when it changes). */
  info?: NodeInfo;
  /** How long the server may hold the poll (≤ MAX_POLL_WAIT_SECONDS). */
  waitSeconds: number;
}

/** One step of a compiled command document, ready to run. */
export interface AgentPlugin {
  /** The step's name (the document's `name`). */
  name: string;
  action: "aws:runShellScript" | "aws:runPowerShellScript" | "aws:updateSsmAgent";
  /** The script's lines, parameters already substituted (secrets resolved for this node). */
  runCommand: string[];
  /** aws:updateSsmAgent: the agent version the server offers (the server's own). */
  targetVersion?: string;
  allowDowngrade?: boolean;
  workingDirectory?: string;
  /** Seconds before the node kills the step. */
  timeoutSeconds: number;
}

/** An invocation handed to the node. */
export interface AgentInvocation {
  commandId: string;
  documentName: string;
  plugins: AgentPlugin[];
  /** Bytes of each output stream the server keeps; the agent sends no more than this. */
  outputCapBytes: number;
}

export interface PollResponse {
  invocations: AgentInvocation[];
  /** Commands running on the node that were cancelled: kill their process trees. */
  cancel: string[];
}

export interface StartResponse {
  /** `run`: go ahead; `stop`: the invocation ended meanwhile (cancelled or timed out). */
  action: "run" | "stop";
}

export interface OutputResponse {
  /** Bytes of the stream the server holds (resume from here after a refused gap). */
  size: number;
  truncated: boolean;
}

export interface FinishRequest {
  status: "Success" | "Failed" | "TimedOut" | "Cancelled";
  statusDetails: InvocationStatusDetails;
  responseCode: number;
  /** Why, when the agent (not the script) ended it, e.g. the agent restarted mid-command. */
  reason?: string;
  /**
   * The rest of the output, when it is small (at most {@link INLINE_OUTPUT_BYTES} in all):
   * each stream's bytes from `offset`, base64. Saves an output call per stream for most
   * commands. The server stores them as an output call would, before the result.
   */
  output?: Partial<Record<"stdout" | "stderr", { offset: number; data: string }>>;
}

/** The most output bytes a finish report carries inline. */
export const INLINE_OUTPUT_BYTES = 64 * 1024;

/** The text an agent signs for one call. */
export function stringToSign(method: string, pathAndQuery: string, date: string, body: Uint8Array) {
  const digest = createHash("sha256").update(body).digest("hex");
  return `${AGENT_AUTH_SCHEME}\n${date}\n${method.toUpperCase()}\n${pathAndQuery}\n${digest}`;
}

/** The Authorization header of a signed call. */
export function authorizationHeader(instanceId: string, signature: string): string {
  return `${AGENT_AUTH_SCHEME} Node=${instanceId}, Signature=${signature}`;
}

/** The node and signature of an Authorization header, or undefined when it is not one. */
export function parseAuthorization(
  header: string | undefined,
): { instanceId: string; signature: string } | undefined {
  const match = /^OPSFLOW-AGENT-ED25519 Node=(mi-[0-9a-f]{17}), Signature=([A-Za-z0-9+/=]+)$/.exec(
    header ?? "",
  );
  return match ? { instanceId: match[1], signature: match[2] } : undefined;
}
