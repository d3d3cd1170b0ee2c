/**
 * The agent's side of the protocol (src/fleet/protocol.ts): one method per call, each signed
 * with the node's key. Answers other than 2xx become typed `AgentError`s.
 */
import type { KeyObject } from "node:crypto";
import type { OutputStream } from "../../store/fleet-port.js";
import {
  AGENT_PATH,
  type FinishRequest,
  type OutputResponse,
  type PollRequest,
  type PollResponse,
  type RegisterRequest,
  type RegisterResponse,
  type StartResponse,
} from "../protocol.js";
import { AgentError } from "./errors.js";
import type { HttpTransport, TransportResponse } from "./http-transport.js";
import { signedHeaders } from "./signing.js";

/** Longest wait for an ordinary (not long-poll) call, ms. */
const CALL_TIMEOUT_MS = 30_000;

/** The message a server error body carries, whatever its shape. */
export function serverMessage(body: Buffer): string {
  const text = body.toString("utf8").slice(0, 500);
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const nested = parsed.error as Record<string, unknown> | string | undefined;
    const candidates = [
      parsed.message,
      parsed.Message,
      typeof nested === "object" ? nested?.message : nested,
    ];
    const found = candidates.find((value) => typeof value === "string");
    if (typeof found === "string") return found;
  } catch {
    // not JSON: the text itself
  }
  return text.trim() || "(no message)";
}

/** The typed error of a non-2xx answer. */
export function errorOf(response: TransportResponse): AgentError {
  const message = `${response.status}: ${serverMessage(response.body)}`;
  if (response.status >= 500) return new AgentError("ServerError", message, response.status);
  // 401 is the node's key refused (deregistered); the server's 403 `AgentForbidden` refuses
  // one command (not this node's), which must not stop the agent.
  if (
    response.status === 401 ||
    (response.status === 403 && codeOf(response.body) !== "AgentForbidden")
  )
    return new AgentError("Unauthorized", message, response.status);
  return new AgentError("Rejected", message, response.status);
}

function parse<T>(response: TransportResponse): T {
  if (response.status < 200 || response.status > 299) throw errorOf(response);
  if (response.body.length === 0) return {} as T;
  try {
    return JSON.parse(response.body.toString("utf8")) as T;
  } catch {
    throw new AgentError(
      "ServerError",
      `${response.status}: the answer is not JSON`,
      response.status,
    );
  }
}

/** Registers a node (authenticated by the activation code, not signed). */
export async function register(
  transport: HttpTransport,
  request: RegisterRequest,
): Promise<RegisterResponse> {
  const body = Buffer.from(JSON.stringify(request), "utf8");
  const response = await transport.send({
    method: "POST",
    pathAndQuery: transport.fullPath(`${AGENT_PATH}/register`),
    headers: { "content-type": "application/json" },
    body,
    timeoutMs: CALL_TIMEOUT_MS,
  });
  const answer = parse<RegisterResponse>(response);
  if (typeof answer.instanceId !== "string")
    throw new AgentError("ServerError", "the registration answer has no instanceId");
  return answer;
}

/** A registered node's signed calls. */
export class AgentClient {
  constructor(
    private readonly transport: HttpTransport,
    private readonly instanceId: string,
    private readonly privateKey: KeyObject,
    private readonly now: () => number,
  ) {}

  /** The long poll: held by the server for up to `waitSeconds`. */
  poll(request: PollRequest, signal?: AbortSignal): Promise<PollResponse> {
    const timeoutMs = (request.waitSeconds + 15) * 1000;
    return this.json<PollResponse>("/poll", request, timeoutMs, signal);
  }

  /** Says the invocation was recorded as started; the server says whether to run it. */
  start(commandId: string): Promise<StartResponse> {
    return this.json<StartResponse>(`/invocations/${encodeURIComponent(commandId)}/start`, {});
  }

  /** Sends bytes of an output stream at `offset`; a refused gap answers the size held. */
  async output(
    commandId: string,
    stream: OutputStream,
    offset: number,
    data: Uint8Array,
  ): Promise<OutputResponse> {
    const path = `/invocations/${encodeURIComponent(commandId)}/output?stream=${stream}&offset=${offset}`;
    const response = await this.call(path, data, "application/octet-stream", CALL_TIMEOUT_MS);
    // A gap is refused with the size the server holds, so the agent resumes from there.
    if (response.status === 409 || response.status === 416) {
      const size = sizeIn(response.body);
      if (size !== undefined) return { size, truncated: false };
    }
    return parse<OutputResponse>(response);
  }

  /** Reports how the invocation ended. Idempotent. */
  async finish(commandId: string, request: FinishRequest): Promise<void> {
    await this.json<unknown>(`/invocations/${encodeURIComponent(commandId)}/finish`, request);
  }

  private async json<T>(
    path: string,
    payload: unknown,
    timeoutMs = CALL_TIMEOUT_MS,
    signal?: AbortSignal,
  ): Promise<T> {
    const body = Buffer.from(JSON.stringify(payload), "utf8");
    return parse<T>(await this.call(path, body, "application/json", timeoutMs, signal));
  }

  private call(
    path: string,
    body: Uint8Array,
    contentType: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<TransportResponse> {
    const pathAndQuery = this.transport.fullPath(`${AGENT_PATH}${path}`);
    const headers = signedHeaders(
      this.instanceId,
      this.privateKey,
      "POST",
      pathAndQuery,
      body,
      new Date(this.now()),
    );
    return this.transport.send({
      method: "POST",
      pathAndQuery,
      headers: { ...headers, "content-type": contentType },
      body,
      timeoutMs,
      ...(signal && { signal }),
    });
  }
}

function codeOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { code?: unknown };
    return typeof parsed.code === "string" ? parsed.code : undefined;
  } catch {
    return undefined;
  }
}

function sizeIn(body: Buffer): number | undefined {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { size?: unknown };
    return typeof parsed.size === "number" ? parsed.size : undefined;
  } catch {
    return undefined;
  }
}
