/**
 * Builds the outgoing request: the definition's headers, query and body merged with the
 * connection's invocation parameters (the connection wins on a clash, as in AWS), the static
 * credentials, and the headers Step Functions always sets (`User-Agent`, `Range`).
 */
import { isJsonObject, type Json, type JsonObject } from "../../asl/json.js";
import { TaskFailure } from "../../runtime/task-dispatcher.js";
import { type Connection, staticAuthHeader } from "./connection.js";
import { encodePairs, type Pair, toPairs } from "./encoding.js";
import { DATA_LIMIT_ERROR, MAX_BODY_BYTES, runtimeFailure } from "./errors.js";
import type { HttpTaskParameters } from "./parameters.js";

/** A request ready for fetch, without the OAuth token (added per attempt). */
export interface PreparedRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | undefined;
}

/**
 * AWS asks for at most the payload quota with this header; servers that honour it answer 206
 * with the first 256 KiB, others send everything (and larger responses then fail).
 */
export const RANGE_HEADER = `bytes=0-${MAX_BODY_BYTES}`;

/** Merges definition and connection and serializes the body. */
export function prepareRequest(
  task: HttpTaskParameters,
  connection: Connection | undefined,
  userAgent: string,
): PreparedRequest {
  const extra = connection?.invocationHttpParameters ?? {};
  const url = new URL(task.endpoint);
  const connectionQuery = new Set((extra.queryStringParameters ?? []).map((p) => p.key));
  for (const [key, value] of task.query)
    if (!connectionQuery.has(key)) url.searchParams.append(key, value);
  for (const { key, value } of extra.queryStringParameters ?? [])
    url.searchParams.append(key, value);

  const headers = new Headers();
  for (const [name, value] of task.headers) headers.append(name, value);
  for (const { key, value } of extra.headerParameters ?? []) headers.set(key, value);
  const auth = connection ? staticAuthHeader(connection) : undefined;
  if (auth) headers.set(auth[0], auth[1]);

  const canHaveBody = task.method !== "GET" && task.method !== "HEAD";
  if (!canHaveBody && task.requestBody !== undefined)
    throw runtimeFailure(`RequestBody cannot be sent with ${task.method}.`);
  // Connection body fields belong to requests that have a body; GET and HEAD go without.
  const bodyFields = canHaveBody ? (extra.bodyParameters ?? []) : [];
  const merged = mergeBody(
    task.requestBody,
    bodyFields.map((p) => [p.key, p.value] as const),
  );
  const body = merged === undefined ? undefined : serialize(merged, task);
  if (body !== undefined) {
    const bytes = Buffer.byteLength(body, "utf8");
    if (bytes > MAX_BODY_BYTES)
      throw new TaskFailure(
        DATA_LIMIT_ERROR,
        `The request body is ${bytes} bytes; the HTTP Task allows at most ${MAX_BODY_BYTES}.`,
      );
    if (!headers.has("Content-Type"))
      headers.set(
        "Content-Type",
        task.urlEncoded ? "application/x-www-form-urlencoded" : "application/json; charset=UTF-8",
      );
  }
  headers.set("User-Agent", userAgent);
  headers.set("Range", RANGE_HEADER);
  return { url, method: task.method, headers, body };
}

/** The definition's body with the connection's fields laid over it. */
function mergeBody(body: Json | undefined, fields: readonly Pair[]): Json | undefined {
  if (fields.length === 0) return body;
  if (body !== undefined && !isJsonObject(body))
    throw runtimeFailure(
      "RequestBody must be an object to merge the connection's body parameters into it.",
    );
  const merged: JsonObject = { ...(body ?? {}) };
  for (const [key, value] of fields) merged[key] = value;
  return merged;
}

/** A string is sent as written (already encoded); anything else as JSON or a form. */
function serialize(body: Json, task: HttpTaskParameters): string {
  if (typeof body === "string") return body;
  if (!task.urlEncoded) return JSON.stringify(body);
  if (!isJsonObject(body))
    throw runtimeFailure("With RequestBodyEncoding URL_ENCODED, RequestBody must be an object.");
  return encodePairs(toPairs(body, task.arrayFormat));
}
