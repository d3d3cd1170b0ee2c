/**
 * OAuth client-credentials tokens for connections, fetched once and shared by every call until
 * they expire. As EventBridge does, a 401 or 407 from the API makes the caller drop the token
 * and fetch a new one.
 */
import { isJsonObject } from "../../asl/json.js";
import { TaskFailure } from "../../runtime/task-dispatcher.js";
import { basicAuthorization, type OAuthConnection } from "./connection.js";
import { encodePairs, type Pair } from "./encoding.js";
import { CONNECTION_STATE_ERROR } from "./errors.js";

interface CachedToken {
  readonly authorization: string;
  /** Epoch milliseconds after which the token is fetched again; Infinity without expires_in. */
  readonly refreshAt: number;
}

/** What the cache needs from its owner. */
export interface OAuthTokenCacheOptions {
  readonly fetch: typeof fetch;
  readonly now: () => number;
  /** Bounds each token request, independently of any one task's signal. */
  readonly timeoutMs: number;
}

/** Token responses are small; a larger one is an endpoint error, not a token. */
const MAX_TOKEN_RESPONSE_BYTES = 65_536;

/** Caches one token per connection ARN and deduplicates concurrent fetches. */
export class OAuthTokenCache {
  readonly #tokens = new Map<string, CachedToken>();
  readonly #pending = new Map<string, Promise<CachedToken>>();
  readonly #options: OAuthTokenCacheOptions;

  constructor(options: OAuthTokenCacheOptions) {
    this.#options = options;
  }

  /** The `Authorization` header value for the connection, fetching a token when needed. */
  async authorization(arn: string, connection: OAuthConnection): Promise<string> {
    const key = cacheKey(arn, connection);
    const cached = this.#tokens.get(key);
    if (cached && this.#options.now() < cached.refreshAt) return cached.authorization;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#fetchToken(connection).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    const token = await pending;
    this.#tokens.set(key, token);
    return token.authorization;
  }

  /** Forgets the token (the API rejected it), unless a newer one already replaced it. */
  invalidate(arn: string, connection: OAuthConnection, authorization: string): void {
    const key = cacheKey(arn, connection);
    if (this.#tokens.get(key)?.authorization === authorization) this.#tokens.delete(key);
  }

  async #fetchToken(connection: OAuthConnection): Promise<CachedToken> {
    const started = this.#options.now();
    const params = connection.oauthHttpParameters ?? {};
    const method = connection.httpMethod ?? "POST";
    let url: URL;
    try {
      url = new URL(connection.authorizationEndpoint);
    } catch {
      throw stateFailure(
        `the authorization endpoint '${connection.authorizationEndpoint}' is not a URL`,
      );
    }
    for (const { key, value } of params.queryStringParameters ?? [])
      url.searchParams.append(key, value);
    const headers = new Headers({
      Accept: "application/json",
      Authorization: basicAuthorization(connection.clientId, connection.clientSecret),
    });
    for (const { key, value } of params.headerParameters ?? []) headers.set(key, value);
    const form: Pair[] = (params.bodyParameters ?? []).map((p) => [p.key, p.value] as const);
    if (!form.some(([key]) => key === "grant_type"))
      form.unshift(["grant_type", "client_credentials"]);
    const init: RequestInit = {
      method,
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(this.#options.timeoutMs),
    };
    if (method === "GET") for (const [key, value] of form) url.searchParams.append(key, value);
    else {
      headers.set("Content-Type", "application/x-www-form-urlencoded");
      init.body = encodePairs(form);
    }
    let response: Response;
    let text: string;
    try {
      response = await this.#options.fetch(url, init);
      text = await response.text();
    } catch (error) {
      throw stateFailure(`the token request to ${url.origin} failed: ${describe(error)}`);
    }
    if (!response.ok)
      throw stateFailure(
        `the token endpoint answered ${response.status} ${response.statusText}: ${text.slice(0, 512)}`,
      );
    return parseToken(text.slice(0, MAX_TOKEN_RESPONSE_BYTES + 1), started);
  }
}

/** Reads RFC 6749's token response; refreshes a little before `expires_in` runs out. */
function parseToken(text: string, fetchedAt: number): CachedToken {
  if (text.length > MAX_TOKEN_RESPONSE_BYTES) throw stateFailure("the token response is too large");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw stateFailure("the token response is not JSON");
  }
  if (!isJsonObject(body) || typeof body.access_token !== "string" || body.access_token === "")
    throw stateFailure("the token response has no access_token");
  const type = typeof body.token_type === "string" && body.token_type ? body.token_type : "Bearer";
  // RFC 6750 spells the scheme "Bearer"; some servers answer "bearer" and still want "Bearer".
  const scheme = type.toLowerCase() === "bearer" ? "Bearer" : type;
  const expiresIn = Number(body.expires_in);
  const lifetimeMs = Number.isFinite(expiresIn) && expiresIn >= 0 ? expiresIn * 1000 : Infinity;
  // Refresh early so a token does not expire between being read and reaching the API.
  const marginMs = Math.min(60_000, lifetimeMs / 10);
  return {
    authorization: `${scheme} ${body.access_token}`,
    refreshAt: fetchedAt + lifetimeMs - marginMs,
  };
}

/** Tokens belong to a connection's credentials: a changed secret or endpoint gets a new one. */
function cacheKey(arn: string, connection: OAuthConnection): string {
  return JSON.stringify([
    arn,
    connection.authorizationEndpoint,
    connection.clientId,
    connection.clientSecret,
    connection.oauthHttpParameters ?? null,
  ]);
}

function stateFailure(why: string): TaskFailure {
  return new TaskFailure(CONNECTION_STATE_ERROR, `OAuth authorization failed: ${why}.`);
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}
