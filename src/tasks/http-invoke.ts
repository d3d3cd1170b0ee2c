/**
 * The `arn:aws:states:::http:invoke` task ("HTTP Task"): calls an HTTP API with the parameter
 * and result shapes of Step Functions, authorized through an EventBridge-style connection.
 *
 * Parameters: `ApiEndpoint`, `Method`, `Authentication.ConnectionArn`, `Headers`,
 * `QueryParameters`, `RequestBody`, `Transform`. Result: `{ Headers, ResponseBody, StatusCode,
 * StatusText }`. Failures: `States.Http.StatusCode.<code>` (non-2xx, the result as JSON in the
 * cause), `States.Http.Socket` (timeout after 60 s, refused connection, DNS, TLS, reset),
 * `States.Timeout` (the task's TimeoutSeconds), `States.Runtime` (bad parameters, forbidden
 * headers, binary responses), `States.DataLimitExceeded` (bodies over 256 KiB) and
 * `Events.ConnectionResource.*` (unknown connection, OAuth failures).
 */
import type { Json, JsonObject } from "../asl/json.js";
import {
  type TaskDispatcher,
  TaskFailure,
  type TaskInvocation,
} from "../runtime/task-dispatcher.js";
import type { Connection, ConnectionResolver, OAuthConnection } from "./http/connection.js";
import { raceAbort, withDeadline } from "./http/deadline.js";
import {
  CONNECTION_NOT_FOUND_ERROR,
  DEFAULT_REQUEST_TIMEOUT_MS,
  runtimeFailure,
} from "./http/errors.js";
import { OAuthTokenCache } from "./http/oauth.js";
import { type HttpTaskParameters, parseParameters } from "./http/parameters.js";
import { type PreparedRequest, prepareRequest } from "./http/request.js";
import { readResult } from "./http/response.js";

export type {
  ApiKeyConnection,
  BasicConnection,
  Connection,
  ConnectionParameter,
  ConnectionResolver,
  InvocationHttpParameters,
  OAuthConnection,
} from "./http/connection.js";
export { FORBIDDEN_HEADER_PREFIXES, FORBIDDEN_HEADERS } from "./http/headers.js";

/** Options of {@link createHttpInvokeDispatcher}. */
export interface HttpInvokeOptions {
  /** Finds the connection a task's `Authentication.ConnectionArn` names. */
  readonly connections: ConnectionResolver;
  /** The fetch to use (tests, proxies); the global one by default. */
  readonly fetch?: typeof fetch;
  /** `User-Agent` of every call; AWS's `Amazon|StepFunctions|HttpInvoke|<region>` by default. */
  readonly userAgent?: string;
  /** Cap on one call, response included; AWS's 60 seconds by default. */
  readonly requestTimeoutMs?: number;
  /** Clock for OAuth token expiry, in epoch milliseconds. */
  readonly now?: () => number;
}

/** An HTTP Task dispatcher, which also says which resources it serves. */
export interface HttpInvokeDispatcher extends TaskDispatcher {
  /** True for `arn:<partition>:states:::http:invoke`. */
  handles(resource: string): boolean;
}

const RESOURCE = /^arn:aws[\w-]*:states:::http:invoke$/;
const EXECUTION_REGION = /^arn:aws[\w-]*:states:([^:]+):/;

/** Creates the dispatcher for `arn:aws:states:::http:invoke`. */
export function createHttpInvokeDispatcher(options: HttpInvokeOptions): HttpInvokeDispatcher {
  const doFetch = options.fetch ?? globalThis.fetch;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const tokens = new OAuthTokenCache({
    fetch: doFetch,
    now: options.now ?? Date.now,
    timeoutMs: requestTimeoutMs,
  });

  async function resolveConnection(arn: string | undefined): Promise<Connection | undefined> {
    if (arn === undefined) return undefined;
    const connection = await options.connections(arn);
    if (!connection)
      throw new TaskFailure(CONNECTION_NOT_FOUND_ERROR, `Connection '${arn}' does not exist.`);
    return connection;
  }

  /** One exchange; an OAuth token the API rejects (401/407) is replaced once, as EventBridge does. */
  async function exchange(
    request: PreparedRequest,
    oauth: { arn: string; connection: OAuthConnection } | undefined,
    signal: AbortSignal,
  ): Promise<JsonObject> {
    for (let attempt = 0; ; attempt++) {
      const headers = new Headers(request.headers);
      const token = oauth
        ? await raceAbort(tokens.authorization(oauth.arn, oauth.connection), signal)
        : undefined;
      if (token !== undefined) headers.set("Authorization", token);
      const response = await doFetch(request.url, {
        method: request.method,
        headers,
        body: request.body,
        signal,
        // Following a redirect would carry the connection's credentials to another origin.
        redirect: "manual",
      });
      const rejected = response.status === 401 || response.status === 407;
      if (oauth && token !== undefined && rejected && attempt === 0) {
        await response.body?.cancel();
        tokens.invalidate(oauth.arn, oauth.connection, token);
        continue;
      }
      return readResult(response);
    }
  }

  return {
    handles: (resource) => RESOURCE.test(resource),
    async invoke(invocation: TaskInvocation, signal: AbortSignal): Promise<Json> {
      if (!RESOURCE.test(invocation.resource))
        throw runtimeFailure(`'${invocation.resource}' is not an HTTP Task resource.`);
      signal.throwIfAborted();
      const task = parseParameters(invocation.parameters);
      const connection = await resolveConnection(task.connectionArn);
      const userAgent = options.userAgent ?? defaultUserAgent(invocation.executionArn);
      const request = buildRequest(task, connection, userAgent);
      const oauth =
        connection?.authorizationType === "OAUTH_CLIENT_CREDENTIALS" && task.connectionArn
          ? { arn: task.connectionArn, connection }
          : undefined;
      const deadline = { requestTimeoutMs, timeoutSeconds: invocation.timeoutSeconds };
      return withDeadline(signal, deadline, request.url, (callSignal) =>
        exchange(request, oauth, callSignal),
      );
    },
  };
}

/**
 * The request, or `States.Runtime` when fetch would refuse it (e.g. a connection header value
 * outside Latin-1, which HTTP/1.1 cannot carry).
 */
function buildRequest(
  task: HttpTaskParameters,
  connection: Connection | undefined,
  userAgent: string,
): PreparedRequest {
  try {
    return prepareRequest(task, connection, userAgent);
  } catch (error) {
    if (error instanceof TaskFailure) throw error;
    throw runtimeFailure(`The request cannot be built: ${(error as Error).message}`);
  }
}

/** AWS's `User-Agent`, with the region taken from the execution's ARN. */
function defaultUserAgent(executionArn: string): string {
  const region = EXECUTION_REGION.exec(executionArn)?.[1] ?? "us-east-1";
  return `Amazon|StepFunctions|HttpInvoke|${region}`;
}
