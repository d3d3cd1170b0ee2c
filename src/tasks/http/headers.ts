/**
 * Request headers a definition may not set. AWS rejects these with `States.Runtime` (they are
 * hop-by-hop, set by the HTTP client, or reserved for AWS and proxies); `Authorization` is
 * rejected too, because credentials belong in the connection, never in a definition.
 */

import type { TaskFailure } from "../../runtime/task-dispatcher.js";
import { runtimeFailure } from "./errors.js";

/** Exact names (lower case) AWS lists as unsupported in an HTTP Task definition. */
export const FORBIDDEN_HEADERS: ReadonlySet<string> = new Set([
  "a-im",
  "accept-charset",
  "accept-datetime",
  "accept-encoding",
  "authorization",
  "cache-control",
  "connection",
  "content-encoding",
  "content-md5",
  "date",
  "expect",
  "forwarded",
  "from",
  "host",
  "http2-settings",
  "if-match",
  "if-modified-since",
  "if-none-match",
  "if-range",
  "if-unmodified-since",
  "max-forwards",
  "origin",
  "pragma",
  "proxy-authorization",
  "referer",
  "server",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "via",
  "warning",
]);

/** Prefixes (lower case) AWS reserves: `x-forwarded-*`, `x-amz-*`, `x-amzn-*`. */
export const FORBIDDEN_HEADER_PREFIXES: readonly string[] = ["x-forwarded-", "x-amz-", "x-amzn-"];

/** RFC 9110 token: what fetch accepts as a header name. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** True when a definition may not set this header. */
export function isForbiddenHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return FORBIDDEN_HEADERS.has(lower) || FORBIDDEN_HEADER_PREFIXES.some((p) => lower.startsWith(p));
}

/** Why a header from the definition is refused, or undefined when it is acceptable. */
export function headerProblem(name: string, value: string): TaskFailure | undefined {
  if (!TOKEN.test(name)) return runtimeFailure(`Headers: '${name}' is not a valid header name.`);
  if (isForbiddenHeader(name))
    return runtimeFailure(
      `Headers: '${name}' cannot be set in an HTTP Task (reserved header; put credentials in the connection).`,
    );
  if (/[\r\n\0]/.test(value))
    return runtimeFailure(`Headers: the value of '${name}' contains a line break or NUL.`);
  // HTTP/1.1 header values are bytes; fetch refuses characters beyond Latin-1.
  if (/[\u0100-\uffff]/.test(value))
    return runtimeFailure(`Headers: the value of '${name}' has characters outside Latin-1.`);
  return undefined;
}
