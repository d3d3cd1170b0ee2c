/**
 * Calling an API destination: its endpoint and method, the connection's authorization (API
 * key header, Basic, or an OAuth client-credentials token cached until it expires) and its
 * InvocationHttpParameters (headers, query string, and body keys merged into a JSON object
 * body). Failures are DeliveryErrors retryable as EventBridge retries them.
 */

import { TaskFailure } from "../../runtime/task-dispatcher.js";
import type { EventStore } from "../../store/events-port.js";
import {
  type Connection,
  type OAuthConnection,
  staticAuthHeader,
} from "../../tasks/http/connection.js";
import { OAuthTokenCache } from "../../tasks/http/oauth.js";
import type { ConnectionService } from "./connections.js";
import { DeliveryError } from "./errors.js";

/** What the caller needs. */
export interface ApiDestinationCallerOptions {
  store: EventStore;
  connections: ConnectionService;
  now: () => number;
  /** API destinations time out after 5 seconds in EventBridge. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Statuses EventBridge retries for API destinations (and every 5xx); other failures are final. */
const RETRIED_STATUSES = new Set([401, 407, 409, 429]);

/** Adds the connection's body parameters to a JSON object body; other bodies go as they are. */
function withBodyParameters(body: string, connection: Connection): string {
  const extra = connection.invocationHttpParameters?.bodyParameters ?? [];
  if (extra.length === 0) return body;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return body;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return body;
  const merged = { ...(value as Record<string, unknown>) };
  for (const { key, value: v } of extra) merged[key] = v;
  return JSON.stringify(merged);
}

/** Calls API destinations for the delivery loop. */
export class ApiDestinationCaller {
  private readonly tokens: OAuthTokenCache;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ApiDestinationCallerOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.tokens = new OAuthTokenCache({
      fetch: this.fetch,
      now: options.now,
      timeoutMs: options.timeoutMs ?? 5000,
    });
  }

  /** Sends `body` to the API destination `arn`; resolves on a 2xx answer. */
  async call(arn: string, body: string): Promise<void> {
    const destination = await this.options.store.getApiDestination(arn);
    if (!destination)
      throw new DeliveryError(
        "RESOURCE_NOT_FOUND",
        `API destination '${arn}' does not exist.`,
        false,
      );
    const connectionArn = destination.connectionArn;
    const connection = await this.options.connections.resolve(connectionArn);
    if (!connection)
      throw new DeliveryError(
        "RESOURCE_NOT_FOUND",
        `Connection '${connectionArn}' does not exist.`,
        false,
      );
    const url = new URL(destination.endpoint);
    const invocation = connection.invocationHttpParameters;
    for (const { key, value } of invocation?.queryStringParameters ?? [])
      url.searchParams.append(key, value);
    const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
    for (const { key, value } of invocation?.headerParameters ?? []) headers.set(key, value);
    const fixed = staticAuthHeader(connection);
    if (fixed) headers.set(fixed[0], fixed[1]);
    const oauth =
      connection.authorizationType === "OAUTH_CLIENT_CREDENTIALS" ? connection : undefined;
    const hasBody = destination.httpMethod !== "GET" && destination.httpMethod !== "HEAD";
    const payload = hasBody ? withBodyParameters(body, connection) : undefined;
    const what = `${destination.httpMethod} ${destination.endpoint}`;
    for (let attempt = 0; ; attempt++) {
      const token = oauth ? await this.token(connectionArn, oauth) : undefined;
      if (token !== undefined) headers.set("Authorization", token);
      let response: Response;
      try {
        response = await this.fetch(url, {
          method: destination.httpMethod,
          headers,
          ...(payload !== undefined && { body: payload }),
          // Following a redirect would carry the connection's credentials to another origin.
          redirect: "manual",
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
        });
      } catch (error) {
        const reason = (error as Error).cause ?? (error as Error).message;
        throw new DeliveryError("HTTP_INVOCATION_FAILURE", `${what}: ${reason}`, true);
      }
      await response.body?.cancel();
      if (response.ok) return;
      const rejected = response.status === 401 || response.status === 407;
      // As EventBridge does: a rejected OAuth token is dropped and fetched again, once.
      if (oauth && token !== undefined && rejected && attempt === 0) {
        this.tokens.invalidate(connectionArn, oauth, token);
        continue;
      }
      const retryable = response.status >= 500 || RETRIED_STATUSES.has(response.status);
      throw new DeliveryError(
        "HTTP_INVOCATION_FAILURE",
        `${what} answered ${response.status}`,
        retryable,
      );
    }
  }

  private async token(arn: string, connection: OAuthConnection): Promise<string> {
    try {
      return await this.tokens.authorization(arn, connection);
    } catch (error) {
      if (error instanceof TaskFailure)
        throw new DeliveryError(
          "HTTP_INVOCATION_FAILURE",
          `Connection ${arn}: ${error.cause ?? error.message}`,
          true,
        );
      throw error;
    }
  }
}
