/**
 * The HTTP Task's Parameters (or Arguments), checked and normalized: `ApiEndpoint`, `Method`,
 * `Authentication.ConnectionArn`, `Headers`, `QueryParameters`, `RequestBody` and `Transform`.
 * Every problem is a `States.Runtime` failure that names the field.
 */
import { isJsonObject, type Json, type JsonObject } from "../../asl/json.js";
import { ARRAY_FORMATS, type ArrayFormat, type Pair, toPairs } from "./encoding.js";
import { runtimeFailure } from "./errors.js";
import { headerProblem } from "./headers.js";

/** The methods AWS accepts. */
export const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"] as const;
/** One of {@link HTTP_METHODS}. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A validated HTTP Task call, before the connection's parameters are merged in. */
export interface HttpTaskParameters {
  readonly endpoint: URL;
  readonly method: HttpMethod;
  /** Absent only for opsflow's unauthenticated calls (AWS always requires one). */
  readonly connectionArn: string | undefined;
  /** Header pairs as written (names keep their case). */
  readonly headers: readonly Pair[];
  /** Query pairs, already flattened with the array format. */
  readonly query: readonly Pair[];
  /** Undefined when the definition gives none. */
  readonly requestBody: Json | undefined;
  readonly urlEncoded: boolean;
  readonly arrayFormat: ArrayFormat;
}

const KNOWN_FIELDS = new Set([
  "ApiEndpoint",
  "Method",
  "Authentication",
  "InvocationConfig",
  "Headers",
  "QueryParameters",
  "RequestBody",
  "Transform",
]);

/** Checks and normalizes an HTTP Task's parameters. */
export function parseParameters(parameters: Json): HttpTaskParameters {
  if (!isJsonObject(parameters))
    throw runtimeFailure("The HTTP Task's Parameters must be an object.");
  for (const key of Object.keys(parameters))
    if (!KNOWN_FIELDS.has(key))
      throw runtimeFailure(
        `Unknown HTTP Task field '${key}' (expected one of ${[...KNOWN_FIELDS].join(", ")}).`,
      );
  const transform = parseTransform(parameters.Transform);
  return {
    endpoint: parseEndpoint(parameters.ApiEndpoint),
    method: parseMethod(parameters.Method),
    connectionArn: parseConnectionArn(parameters),
    headers: parseHeaders(parameters.Headers),
    query: parseQuery(parameters.QueryParameters, transform.arrayFormat),
    requestBody: parameters.RequestBody,
    ...transform,
  };
}

function parseEndpoint(value: Json | undefined): URL {
  if (typeof value !== "string" || value === "")
    throw runtimeFailure("ApiEndpoint is required and must be a URL string.");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw runtimeFailure(`ApiEndpoint '${value}' is not a valid URL.`);
  }
  // AWS calls only HTTPS; a self-hosted opsflow also reaches plain-HTTP services inside its network.
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw runtimeFailure(`ApiEndpoint '${value}' must use https (or http).`);
  if (url.username || url.password)
    throw runtimeFailure("ApiEndpoint must not contain credentials: use a connection.");
  url.hash = "";
  return url;
}

function parseMethod(value: Json | undefined): HttpMethod {
  const method = HTTP_METHODS.find((m) => m === value);
  if (!method)
    throw runtimeFailure(
      `Method must be one of ${HTTP_METHODS.join(", ")}, not ${JSON.stringify(value ?? null)}.`,
    );
  return method;
}

/** `Authentication.ConnectionArn`, or the newer `InvocationConfig.ConnectionArn`. */
function parseConnectionArn(parameters: JsonObject): string | undefined {
  if (parameters.Authentication !== undefined && parameters.InvocationConfig !== undefined)
    throw runtimeFailure("Give either Authentication or InvocationConfig, not both.");
  const field = parameters.Authentication !== undefined ? "Authentication" : "InvocationConfig";
  const block = parameters[field];
  if (block === undefined) return undefined;
  if (!isJsonObject(block) || typeof block.ConnectionArn !== "string" || !block.ConnectionArn)
    throw runtimeFailure(`${field}.ConnectionArn must be a connection ARN string.`);
  return block.ConnectionArn;
}

function parseHeaders(value: Json | undefined): Pair[] {
  if (value === undefined || value === null) return [];
  if (!isJsonObject(value)) throw runtimeFailure("Headers must be an object of header values.");
  const out: Pair[] = [];
  for (const [name, raw] of Object.entries(value)) {
    const items = Array.isArray(raw) ? raw : [raw];
    for (const item of items) {
      if (typeof item === "object" && item !== null)
        throw runtimeFailure(`Headers: the value of '${name}' must be a string.`);
      const text = typeof item === "string" ? item : JSON.stringify(item);
      const problem = headerProblem(name, text);
      if (problem) throw problem;
      out.push([name, text]);
    }
  }
  return out;
}

function parseQuery(value: Json | undefined, format: ArrayFormat): Pair[] {
  if (value === undefined || value === null) return [];
  if (!isJsonObject(value))
    throw runtimeFailure("QueryParameters must be an object of key-value pairs.");
  return toPairs(value, format);
}

function parseTransform(value: Json | undefined): {
  urlEncoded: boolean;
  arrayFormat: ArrayFormat;
} {
  if (value === undefined || value === null) return { urlEncoded: false, arrayFormat: "INDICES" };
  if (!isJsonObject(value)) throw runtimeFailure("Transform must be an object.");
  const encoding = value.RequestBodyEncoding ?? "NONE";
  if (encoding !== "NONE" && encoding !== "URL_ENCODED")
    throw runtimeFailure("Transform.RequestBodyEncoding must be NONE or URL_ENCODED.");
  const options = value.RequestEncodingOptions;
  if (options !== undefined && !isJsonObject(options))
    throw runtimeFailure("Transform.RequestEncodingOptions must be an object.");
  const format = options?.ArrayFormat ?? "INDICES";
  const arrayFormat = ARRAY_FORMATS.find((f) => f === format);
  if (!arrayFormat)
    throw runtimeFailure(
      `Transform.RequestEncodingOptions.ArrayFormat must be one of ${ARRAY_FORMATS.join(", ")}.`,
    );
  return { urlEncoded: encoding === "URL_ENCODED", arrayFormat };
}
