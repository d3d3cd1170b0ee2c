/**
 * The HTTP application: /health, the native REST API under /v1 (bearer tokens, OpenAPI at
 * /openapi.json) and the AWS JSON protocol endpoint at / (SigV4), on one port.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
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

  app.use(
    "*",
    bodyLimit({
      maxSize: api.maxBodyBytes,
      onError: (c) =>
        c.json(
          errorBody("PayloadTooLarge", `The request body is over ${api.maxBodyBytes} bytes.`),
          413,
        ),
    }),
  );
  for (const mount of extra) mount(app, api);

  app.use("/v1/*", bearerAuth(api));
  app.use("/openapi.json", bearerAuth(api));
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

function bearerAuth(api: ApiContext) {
  return async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      return c.json(
        errorBody(
          "Unauthorized",
          "Send 'Authorization: Bearer <token>' (create tokens with the API or use the admin token printed at first start).",
        ),
        401,
        {
          "WWW-Authenticate": 'Bearer realm="opsflow"',
        },
      );
    }
    const principal = await api.authenticator.bearer(match[1]);
    if (!principal) return c.json(errorBody("Unauthorized", "The bearer token is not valid."), 401);
    c.set("principal", principal);
    await next();
  };
}
