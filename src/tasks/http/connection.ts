/**
 * EventBridge connections as the HTTP Task sees them: how a request is authorized and which
 * extra headers, query parameters and body fields every call through the connection carries.
 * opsflow does not store connections yet; the server backs {@link ConnectionResolver} later.
 */

/** One key/value of a connection's invocation (or OAuth) HTTP parameters. */
export interface ConnectionParameter {
  readonly key: string;
  readonly value: string;
  /** EventBridge masks secret values in its API; the value sent is the same either way. */
  readonly isValueSecret?: boolean;
}

/** EventBridge's `InvocationHttpParameters`: added to every request made through a connection. */
export interface InvocationHttpParameters {
  readonly headerParameters?: readonly ConnectionParameter[];
  readonly queryStringParameters?: readonly ConnectionParameter[];
  readonly bodyParameters?: readonly ConnectionParameter[];
}

/** `API_KEY`: the key is sent as the header named `apiKeyName`. */
export interface ApiKeyConnection {
  readonly authorizationType: "API_KEY";
  readonly apiKeyName: string;
  readonly apiKeyValue: string;
  readonly invocationHttpParameters?: InvocationHttpParameters;
}

/** `BASIC`: `Authorization: Basic base64(username:password)`. */
export interface BasicConnection {
  readonly authorizationType: "BASIC";
  readonly username: string;
  readonly password: string;
  readonly invocationHttpParameters?: InvocationHttpParameters;
}

/**
 * `OAUTH_CLIENT_CREDENTIALS`: a token is fetched from `authorizationEndpoint` with the client
 * credentials (HTTP Basic) and sent as `Authorization: Bearer <token>`.
 */
export interface OAuthConnection {
  readonly authorizationType: "OAUTH_CLIENT_CREDENTIALS";
  readonly authorizationEndpoint: string;
  /** The token request's method; POST when absent. */
  readonly httpMethod?: "GET" | "POST" | "PUT";
  readonly clientId: string;
  readonly clientSecret: string;
  /** Extra headers, query parameters and body fields of the token request (e.g. `audience`). */
  readonly oauthHttpParameters?: InvocationHttpParameters;
  readonly invocationHttpParameters?: InvocationHttpParameters;
}

/** A connection's authorization and invocation parameters, secrets included. */
export type Connection = ApiKeyConnection | BasicConnection | OAuthConnection;

/**
 * Looks a connection up by ARN; undefined when there is none. It may throw a TaskFailure
 * (e.g. `Events.ConnectionResource.InvalidConnectionState` for a deauthorized connection),
 * which the task reports as is.
 */
export type ConnectionResolver = (connectionArn: string) => Promise<Connection | undefined>;

/** `Authorization: Basic ...` for a user and password (RFC 7617, UTF-8). */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

/** The header a static (API key or Basic) connection adds; undefined for OAuth. */
export function staticAuthHeader(connection: Connection): readonly [string, string] | undefined {
  switch (connection.authorizationType) {
    case "API_KEY":
      return [connection.apiKeyName, connection.apiKeyValue];
    case "BASIC":
      return ["Authorization", basicAuthorization(connection.username, connection.password)];
    default:
      return undefined;
  }
}
