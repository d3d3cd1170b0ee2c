/**
 * The HTTP application: /health, the native REST API under /v1 (bearer tokens, OpenAPI at
 * /openapi.json) and the AWS JSON protocol endpoint at / (SigV4), on one port.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { restGuard } from "./authz/guard.js";
import {
  AWS_JSON_SERVICES,
  commonError,
  isAwsTarget,
  parseAwsTarget,
  toAwsErrorResponse,
} from "./aws/index.js";
import type { ApiContext, App, AppEnv } from "./context.js";
import { errorBody, errorResponse } from "./rest/errors.js";
import { executionRoutes } from "./rest/executions.js";
import { stateMachineRoutes } from "./rest/state-machines.js";
import { taskRoutes } from "./rest/tasks.js";

/** Extra route sets mounted by the composition root (AWS endpoint, functions, ...). */
export type RouteSet = (app: App, api: ApiContext) => void;

/** Builds the application. */
export function createApp(api: ApiContext, extra: RouteSet[] = []): App {
  const app = new OpenAPIHono<AppEnv>({
    // A body that fails its schema: 400 with every problem located by a JSON Pointer.
    defaultHook: (result, c) => {
      if (result.success) return;
      const problems = result.error.issues.map((issue) => ({
        pointer: `/${issue.path.map((part) => String(part).replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`,
        message: issue.message,
      }));
      const summary = problems.map((p) => `${p.pointer}: ${p.message}`).join("; ");
      return c.json(errorBody("ValidationException", `Invalid request: ${summary}`, problems), 400);
    },
  });
  app.onError((error, c) => errorResponse(c, error));
  app.notFound((c) =>
    c.json(errorBody("NotFound", `No route for ${c.req.method} ${c.req.path}`), 404),
  );

  app.get("/health", (c) => c.json({ status: "ok" }));
  // For load balancers: this node can serve requests (its database answers and is migrated).
  app.get("/ready", async (c) =>
    (await api.ready().catch(() => false))
      ? c.json({ status: "ready" })
      : c.json(
          { status: "unavailable", message: "The database is unreachable or not migrated." },
          503,
        ),
  );

  const tooLarge = (c: Context<AppEnv>) => {
    const message = `The request body is over ${api.maxBodyBytes} bytes.`;
    // AWS clients only understand AWS-shaped errors (`__type`): the AWS endpoint (POST /)
    // answers RequestEntityTooLargeException, the REST API its own error body.
    if (c.req.method === "POST" && c.req.path === "/") {
      const target = parseAwsTarget(c.req.header("x-amz-target"), AWS_JSON_SERVICES);
      const error = commonError("RequestEntityTooLargeException", message);
      const response = toAwsErrorResponse(error, isAwsTarget(target) ? target.service : "1.0");
      return c.body(response.body, 413, response.headers);
    }
    return c.json(errorBody("PayloadTooLarge", message), 413);
  };
  const countedLimit = bodyLimit({ maxSize: api.maxBodyBytes, onError: tooLarge });
  app.use("*", async (c, next) => {
    // A body with a Content-Length is exactly that long (Node's parser sees to it): the header
    // decides, and the body is left for the handler to read directly. Hono's limit, which
    // wraps the body in a counting stream, is for chunked bodies only: making that stream
    // turns each request into a full web Request (measured: a quarter of a start's CPU).
    if (c.req.header("transfer-encoding") !== undefined) return countedLimit(c, next);
    // Neither header: the request has no body (RFC 9112, 6.3).
    const length = c.req.header("content-length");
    if (length !== undefined && Number(length) > api.maxBodyBytes) return tooLarge(c);
    await next();
  });
  // Authentication before any /v1 route is mounted: Hono runs middleware in registration
  // order, so routes added by `extra` (e.g. /v1/functions) before this line were public.
  // Authentication, authorisation and audit (authz/guard.ts) before any /v1 route.
  const guard = restGuard(api);
  app.use("/v1/*", guard);
  app.use("/openapi.json", guard);
  app.use("/v1/*", jsonBodyCheck);
  for (const mount of extra) mount(app, api);

  stateMachineRoutes(app, api);
  executionRoutes(app, api);
  taskRoutes(app, api);
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "opsflow", version: "0.1.0", description: "Native REST API of opsflow" },
    security: [{ bearer: [] }],
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
  });
  return app;
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * A JSON body that does not parse is a 400 that says where (the parser's position), rather
 * than the validator's bare HTTPException (which the error handler answered 500). The text
 * stays cached on the request, so the validator reads it again without a second stream read.
 * An empty body is left to the route: routes without a body ignore it, the validator of a
 * route with one refuses it (400, see errorResponse).
 */
async function jsonBodyCheck(c: Context<AppEnv>, next: () => Promise<void>) {
  if (JSON_TYPE.test(c.req.header("content-type") ?? "")) {
    const text = await c.req.text();
    if (text.trim() !== "") {
      try {
        JSON.parse(text);
      } catch (error) {
        const message = `Malformed JSON in request body: ${(error as Error).message}`;
        return c.json(errorBody("ValidationException", message, [{ pointer: "", message }]), 400);
      }
    }
  }
  await next();
}
