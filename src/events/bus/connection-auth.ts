/**
 * A connection's AuthParameters in EventBridge's shape: validated, merged for
 * UpdateConnection, redacted for DescribeConnection (secrets never leave the server), and
 * turned into the {@link Connection} the HTTP code calls with.
 */
import type { ConnectionAuthorizationType } from "../../store/events-port.js";
import type {
  Connection,
  ConnectionParameter,
  InvocationHttpParameters,
} from "../../tasks/http/connection.js";
import { EventBusError } from "./errors.js";

/** One header, query or body parameter (EventBridge's `ConnectionHeaderParameter` etc.). */
export interface AwsParameter {
  Key: string;
  Value?: string;
  IsValueSecret?: boolean;
}

/** EventBridge's `ConnectionHttpParameters`. */
export interface AwsHttpParameters {
  HeaderParameters?: AwsParameter[];
  QueryStringParameters?: AwsParameter[];
  BodyParameters?: AwsParameter[];
}

/** EventBridge's `CreateConnectionAuthRequestParameters` (secrets included). */
export interface AuthParameters {
  BasicAuthParameters?: { Username?: string; Password?: string };
  ApiKeyAuthParameters?: { ApiKeyName?: string; ApiKeyValue?: string };
  OAuthParameters?: {
    ClientParameters?: { ClientID?: string; ClientSecret?: string };
    AuthorizationEndpoint?: string;
    HttpMethod?: string;
    OAuthHttpParameters?: AwsHttpParameters;
  };
  InvocationHttpParameters?: AwsHttpParameters;
}

export const AUTHORIZATION_TYPES: readonly ConnectionAuthorizationType[] = [
  "BASIC",
  "API_KEY",
  "OAUTH_CLIENT_CREDENTIALS",
];
const BLOCK: Record<ConnectionAuthorizationType, keyof AuthParameters> = {
  BASIC: "BasicAuthParameters",
  API_KEY: "ApiKeyAuthParameters",
  OAUTH_CLIENT_CREDENTIALS: "OAuthParameters",
};
const OAUTH_METHODS = new Set(["GET", "POST", "PUT"]);

const invalid = (message: string) => new EventBusError("ValidationException", message);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function text(value: unknown, where: string, max = 512): string {
  if (typeof value !== "string" || value.length === 0 || value.length > max)
    throw invalid(`${where} must be a string of 1-${max} characters.`);
  return value;
}

function httpParameters(value: unknown, where: string): AwsHttpParameters | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(`${where} must be a structure.`);
  const out: AwsHttpParameters = {};
  for (const list of ["HeaderParameters", "QueryStringParameters", "BodyParameters"] as const) {
    const items = value[list];
    if (items === undefined || items === null) continue;
    if (!Array.isArray(items) || items.length > 100)
      throw invalid(`${where}.${list} must be a list of at most 100 parameters.`);
    out[list] = items.map((item, i) => {
      const at = `${where}.${list}[${i}]`;
      if (!isObject(item)) throw invalid(`${at} must be a structure with Key and Value.`);
      const parameter: AwsParameter = { Key: text(item.Key, `${at}.Key`) };
      if (item.Value !== undefined) parameter.Value = text(item.Value, `${at}.Value`, 512);
      if (item.IsValueSecret !== undefined) {
        if (typeof item.IsValueSecret !== "boolean")
          throw invalid(`${at}.IsValueSecret must be a boolean.`);
        parameter.IsValueSecret = item.IsValueSecret;
      }
      return parameter;
    });
  }
  return out;
}

/**
 * Checks AuthParameters for an authorization type: its block complete, no other type's
 * block; returns them normalized.
 */
export function checkAuthParameters(type: string, raw: unknown): AuthParameters {
  if (!AUTHORIZATION_TYPES.includes(type as ConnectionAuthorizationType))
    throw invalid(
      `AuthorizationType must be one of ${AUTHORIZATION_TYPES.join(", ")}, not '${type}'.`,
    );
  if (!isObject(raw)) throw invalid("AuthParameters must be a structure.");
  const wanted = BLOCK[type as ConnectionAuthorizationType];
  for (const block of Object.values(BLOCK))
    if (block !== wanted && raw[block] !== undefined && raw[block] !== null)
      throw invalid(`AuthParameters.${block} does not go with AuthorizationType ${type}.`);
  const block = raw[wanted];
  if (!isObject(block)) throw invalid(`AuthParameters.${wanted} is required for ${type}.`);
  const out: AuthParameters = {};
  const at = `AuthParameters.${wanted}`;
  if (type === "BASIC")
    out.BasicAuthParameters = {
      Username: text(block.Username, `${at}.Username`),
      Password: text(block.Password, `${at}.Password`),
    };
  else if (type === "API_KEY")
    out.ApiKeyAuthParameters = {
      ApiKeyName: text(block.ApiKeyName, `${at}.ApiKeyName`),
      ApiKeyValue: text(block.ApiKeyValue, `${at}.ApiKeyValue`),
    };
  else {
    const client = block.ClientParameters;
    if (!isObject(client)) throw invalid(`${at}.ClientParameters is required.`);
    const endpoint = text(block.AuthorizationEndpoint, `${at}.AuthorizationEndpoint`, 2048);
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw invalid(`${at}.AuthorizationEndpoint '${endpoint}' is not a URL.`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:")
      throw invalid(`${at}.AuthorizationEndpoint must be an http or https URL.`);
    const method = text(block.HttpMethod, `${at}.HttpMethod`);
    if (!OAUTH_METHODS.has(method)) throw invalid(`${at}.HttpMethod must be GET, POST or PUT.`);
    out.OAuthParameters = {
      ClientParameters: {
        ClientID: text(client.ClientID, `${at}.ClientParameters.ClientID`),
        ClientSecret: text(client.ClientSecret, `${at}.ClientParameters.ClientSecret`),
      },
      AuthorizationEndpoint: endpoint,
      HttpMethod: method,
    };
    const extra = httpParameters(block.OAuthHttpParameters, `${at}.OAuthHttpParameters`);
    if (extra) out.OAuthParameters.OAuthHttpParameters = extra;
  }
  const invocation = httpParameters(
    raw.InvocationHttpParameters,
    "AuthParameters.InvocationHttpParameters",
  );
  if (invocation) out.InvocationHttpParameters = invocation;
  return out;
}

/**
 * UpdateConnection: members given replace those stored, field by field within the type's
 * block; a new authorization type starts from nothing.
 */
export function mergeAuthParameters(
  current: AuthParameters,
  sameType: boolean,
  update: unknown,
): unknown {
  if (!isObject(update)) return sameType ? current : update;
  if (!sameType) return update;
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(update)) {
    const before = merged[key];
    if (key === "OAuthParameters" && isObject(value) && isObject(before)) {
      merged[key] = {
        ...before,
        ...value,
        ...(isObject(value.ClientParameters) &&
          isObject(before.ClientParameters) && {
            ClientParameters: { ...before.ClientParameters, ...value.ClientParameters },
          }),
      };
    } else if (key !== "InvocationHttpParameters" && isObject(value) && isObject(before))
      merged[key] = { ...before, ...value };
    else merged[key] = value;
  }
  return merged;
}

const hideSecrets = (parameters: AwsHttpParameters | undefined) =>
  parameters &&
  Object.fromEntries(
    Object.entries(parameters).map(([list, items]) => [
      list,
      (items as AwsParameter[]).map((p) =>
        p.IsValueSecret ? { Key: p.Key, IsValueSecret: true } : p,
      ),
    ]),
  );

/** The AuthParameters DescribeConnection shows: no password, key value, client secret or secret parameter value. */
export function redactAuthParameters(auth: AuthParameters): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (auth.BasicAuthParameters)
    out.BasicAuthParameters = { Username: auth.BasicAuthParameters.Username };
  if (auth.ApiKeyAuthParameters)
    out.ApiKeyAuthParameters = { ApiKeyName: auth.ApiKeyAuthParameters.ApiKeyName };
  if (auth.OAuthParameters) {
    const o = auth.OAuthParameters;
    out.OAuthParameters = {
      ClientParameters: { ClientID: o.ClientParameters?.ClientID },
      AuthorizationEndpoint: o.AuthorizationEndpoint,
      HttpMethod: o.HttpMethod,
      ...(o.OAuthHttpParameters && { OAuthHttpParameters: hideSecrets(o.OAuthHttpParameters) }),
    };
  }
  if (auth.InvocationHttpParameters)
    out.InvocationHttpParameters = hideSecrets(auth.InvocationHttpParameters);
  return out;
}

const toParameters = (items: AwsParameter[] | undefined): ConnectionParameter[] | undefined =>
  items?.map((p) => ({
    key: p.Key,
    value: p.Value ?? "",
    ...(p.IsValueSecret !== undefined && { isValueSecret: p.IsValueSecret }),
  }));

function toHttpParameters(
  parameters: AwsHttpParameters | undefined,
): InvocationHttpParameters | undefined {
  if (!parameters) return undefined;
  const out: {
    headerParameters?: ConnectionParameter[];
    queryStringParameters?: ConnectionParameter[];
    bodyParameters?: ConnectionParameter[];
  } = {};
  const headers = toParameters(parameters.HeaderParameters);
  const query = toParameters(parameters.QueryStringParameters);
  const body = toParameters(parameters.BodyParameters);
  if (headers) out.headerParameters = headers;
  if (query) out.queryStringParameters = query;
  if (body) out.bodyParameters = body;
  return out;
}

/** The connection the HTTP code calls with, from checked AuthParameters. */
export function toConnection(type: ConnectionAuthorizationType, auth: AuthParameters): Connection {
  const invocation = toHttpParameters(auth.InvocationHttpParameters);
  const extra = invocation ? { invocationHttpParameters: invocation } : {};
  if (type === "BASIC")
    return {
      authorizationType: "BASIC",
      username: auth.BasicAuthParameters?.Username ?? "",
      password: auth.BasicAuthParameters?.Password ?? "",
      ...extra,
    };
  if (type === "API_KEY")
    return {
      authorizationType: "API_KEY",
      apiKeyName: auth.ApiKeyAuthParameters?.ApiKeyName ?? "",
      apiKeyValue: auth.ApiKeyAuthParameters?.ApiKeyValue ?? "",
      ...extra,
    };
  const o = auth.OAuthParameters ?? {};
  const oauthHttp = toHttpParameters(o.OAuthHttpParameters);
  return {
    authorizationType: "OAUTH_CLIENT_CREDENTIALS",
    authorizationEndpoint: o.AuthorizationEndpoint ?? "",
    httpMethod: (o.HttpMethod ?? "POST") as "GET" | "POST" | "PUT",
    clientId: o.ClientParameters?.ClientID ?? "",
    clientSecret: o.ClientParameters?.ClientSecret ?? "",
    ...(oauthHttp && { oauthHttpParameters: oauthHttp }),
    ...extra,
  };
}

/**
 * Reads a sealed payload: AuthParameters, or the `{username, password}` / `{apiKeyName,
 * apiKeyValue}` form connections were sealed in before UpdateConnection existed.
 */
export function readSealedAuth(json: string): AuthParameters {
  const value = JSON.parse(json) as Record<string, string>;
  if (typeof value.username === "string")
    return { BasicAuthParameters: { Username: value.username, Password: value.password } };
  if (typeof value.apiKeyName === "string")
    return {
      ApiKeyAuthParameters: { ApiKeyName: value.apiKeyName, ApiKeyValue: value.apiKeyValue },
    };
  return value as AuthParameters;
}
