/**
 * The AWS JSON protocol endpoint (`POST /` with `X-Amz-Target`), verified with SigV4 against
 * opsflow's access keys, so the AWS SDKs and CLI work with `--endpoint-url`.
 */
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import type { SigV4Verifier } from "../auth/sigv4.js";
import { ServiceError } from "../runtime/durable/errors.js";
import { InvalidPageTokenError } from "../store/paging.js";
import { type AwsGuard, claimedAccessKey } from "./authz/aws-guard.js";
import { originOf } from "./authz/origin.js";
import {
  AwsError,
  type AwsHttpResponse,
  type AwsJsonService,
  authError,
  commonError,
  isAwsTarget,
  newRequestId,
  parseAwsJsonBody,
  parseAwsTarget,
  STEP_FUNCTIONS,
  sfnError,
  toAwsErrorResponse,
  toAwsJsonResponse,
} from "./aws/index.js";
import { sfnOperations } from "./aws/sfn/operations.js";
import type { SfnErrorCode } from "./aws/sfn-errors.js";
import type { ApiContext, App, AppEnv, Principal } from "./context.js";

/** One AWS service answered on the endpoint. */
export interface AwsServiceHandler {
  service: AwsJsonService;
  operations: Record<
    string,
    (request: Record<string, unknown>, api: ApiContext, principal: Principal) => Promise<unknown>
  >;
  /** Maps a domain error to the service's AWS error. */
  toAwsError(error: unknown): AwsError | undefined;
}

/** Step Functions on the endpoint. */
export const stepFunctionsHandler: AwsServiceHandler = {
  service: STEP_FUNCTIONS,
  operations: sfnOperations,
  toAwsError(error) {
    if (error instanceof ServiceError) return sfnError(error.code as SfnErrorCode, error.message);
    if (error instanceof InvalidPageTokenError) return sfnError("InvalidToken", error.message);
    return undefined;
  },
};

/**
 * Mounts the endpoint for the given services. `guard` authorises each operation and audits
 * it (see authz/aws-guard.ts).
 */
export function awsEndpoint(
  verifier: SigV4Verifier<Principal>,
  handlers: AwsServiceHandler[],
  guard: AwsGuard,
) {
  const byPrefix = new Map(handlers.map((handler) => [handler.service.targetPrefix, handler]));
  return (app: App, api: ApiContext): void => {
    app.post("/", async (c) => send(c, await answer(c, api, verifier, byPrefix, guard)));
  };
}

async function answer(
  c: Context<AppEnv>,
  api: ApiContext,
  verifier: SigV4Verifier<Principal>,
  handlers: Map<string, AwsServiceHandler>,
  guard: AwsGuard,
): Promise<AwsHttpResponse> {
  const requestId = newRequestId();
  const target = parseAwsTarget(
    c.req.header("x-amz-target"),
    new Map([...handlers].map(([k, v]) => [k, v.service])),
  );
  if (!isAwsTarget(target)) return toAwsErrorResponse(target, "1.0", requestId);
  const handler = handlers.get(target.service.targetPrefix) as AwsServiceHandler;
  const body = new Uint8Array(await c.req.arrayBuffer());
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const rawUrl = incoming?.url ?? new URL(c.req.url).pathname;
  const [path, query = ""] = rawUrl.split("?", 2);
  const verified = await verifier.verify(
    { method: c.req.method, path, query, headers: incoming?.headersDistinct ?? {}, body },
    { service: target.service.signingName },
  );
  const call = { service: target.service, operation: target.operation, ...originOf(c) };
  if (!verified.ok) {
    const accessKeyId = claimedAccessKey(c.req.header("authorization"), query);
    const error = await guard.rejected(
      { ...call, ...(accessKeyId && { accessKeyId }) },
      authError(verified),
    );
    return toAwsErrorResponse(error, target.service, requestId);
  }
  const operation = handler.operations[target.operation];
  if (!operation) {
    return toAwsErrorResponse(
      commonError("UnknownOperationException", `Unknown operation ${target.operation}.`),
      target.service,
      requestId,
    );
  }
  const request = parseAwsJsonBody(body);
  if (request instanceof AwsError) return toAwsErrorResponse(request, target.service, requestId);
  const authorized = {
    ...call,
    request,
    principal: verified.principal,
    accessKeyId: verified.accessKeyId,
    region: verified.region,
  };
  const denied = await guard.authorize(authorized);
  if (denied) return toAwsErrorResponse(denied, target.service, requestId);
  try {
    const output = await operation(request, api, verified.principal);
    await guard.completed(authorized, undefined);
    return toAwsJsonResponse(output, target.service, requestId);
  } catch (error) {
    const aws = error instanceof AwsError ? error : handler.toAwsError(error);
    await guard.completed(authorized, aws ?? error);
    if (!aws) console.error(`${target.service.targetPrefix}.${target.operation}:`, error);
    return toAwsErrorResponse(aws ?? error, target.service, requestId);
  }
}

function send(c: Context<AppEnv>, response: AwsHttpResponse) {
  return c.body(response.body, response.status as 200, response.headers);
}
