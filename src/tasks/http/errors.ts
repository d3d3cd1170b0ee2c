/**
 * Error names and limits of the HTTP Task, and the mapping of transport failures (refused
 * connections, DNS, TLS, resets, timeouts) onto them.
 */
import { TaskFailure } from "../../runtime/task-dispatcher.js";

/** Non-2xx responses fail with `States.Http.StatusCode.<code>`, e.g. `States.Http.StatusCode.404`. */
export const STATUS_CODE_ERROR_PREFIX = "States.Http.StatusCode.";
/**
 * AWS's name for an HTTP Task that got no response (it documents the 60-second timeout under
 * it). opsflow uses it for every transport failure, so one Retry on `States.Http.Socket` covers
 * timeouts, refused connections, DNS and TLS failures alike; the cause tells them apart.
 */
export const SOCKET_ERROR = "States.Http.Socket";
/** Bad parameters, forbidden headers, unsupported responses: not retryable, not catchable. */
export const RUNTIME_ERROR = "States.Runtime";
/** Request or response bodies above the payload quota. */
export const DATA_LIMIT_ERROR = "States.DataLimitExceeded";
/** The task's own TimeoutSeconds elapsed before the call finished. */
export const TIMEOUT_ERROR = "States.Timeout";
/** Prefix of failures about the EventBridge connection (`...ResourceNotFound`, `...InvalidConnectionState`). */
export const CONNECTION_ERROR_PREFIX = "Events.ConnectionResource.";
/** The ConnectionArn names no connection. */
export const CONNECTION_NOT_FOUND_ERROR = `${CONNECTION_ERROR_PREFIX}ResourceNotFound`;
/** The connection cannot authorize calls (e.g. its OAuth token request fails). */
export const CONNECTION_STATE_ERROR = `${CONNECTION_ERROR_PREFIX}InvalidConnectionState`;

/** AWS's hard cap on one HTTP Task call, request and response together. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** Step Functions' payload quota (256 KiB), which bounds request and response bodies. */
export const MAX_BODY_BYTES = 262_144;

/** A `States.Runtime` failure with a precise cause. */
export function runtimeFailure(cause: string): TaskFailure {
  return new TaskFailure(RUNTIME_ERROR, cause);
}

/** Node's (undici's) fetch wraps the system error in `cause`; codes name what went wrong. */
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA", "EAI_NONAME"]);
const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** The failure a transport error (no HTTP response, or a broken one) stands for. */
export function transportFailure(error: unknown, url: URL): TaskFailure {
  const root = rootCause(error);
  const code = typeof root.code === "string" ? root.code : "";
  const detail = (root.message ? root.message : String(error)).trim();
  const target = `${url.protocol}//${url.host}`;
  let what: string;
  if (code === "ECONNREFUSED") what = `Connection refused by ${target}`;
  else if (DNS_CODES.has(code)) what = `DNS lookup failed for ${url.hostname}`;
  else if (TIMEOUT_CODES.has(code)) what = `Timed out talking to ${target}`;
  else if (isTlsError(code, detail)) what = `TLS handshake with ${target} failed`;
  else if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE")
    what = `Connection to ${target} was closed before the response completed`;
  else what = `Request to ${target} failed`;
  return new TaskFailure(
    SOCKET_ERROR,
    code ? `${what} (${code}): ${detail}` : `${what}: ${detail}`,
  );
}

interface ErrorLike {
  code?: unknown;
  message?: string;
}

/** The innermost `cause` of an error chain, where Node puts the system error code. */
function rootCause(error: unknown): ErrorLike {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    const next = (current as { cause?: unknown } | null)?.cause;
    if (typeof next !== "object" || next === null) break;
    current = next;
  }
  return typeof current === "object" && current !== null
    ? (current as ErrorLike)
    : { message: String(current) };
}

function isTlsError(code: string, message: string): boolean {
  return (
    code.startsWith("ERR_TLS") ||
    code.startsWith("ERR_SSL") ||
    code.includes("CERT") ||
    code === "EPROTO" ||
    /\b(ssl|tls|certificate)\b/i.test(message)
  );
}
