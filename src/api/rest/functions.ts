/** `/v1/functions`: deploy, list, invoke. */
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiContext, App } from "../context.js";
import { ErrorSchema } from "./schemas.js";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid request", ...json(ErrorSchema) },
  404: { description: "Not found", ...json(ErrorSchema) },
};

const DeployBody = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    runtime: z.enum(["nodejs", "python"]),
    files: z
      .record(z.string().max(512), z.string())
      .openapi({ description: "Relative path → base64 content" }),
    handler: z.string().max(128).optional(),
    timeoutSeconds: z.number().int().min(1).max(900).optional(),
    memoryMb: z.number().int().min(128).max(10240).optional(),
    environment: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .openapi("DeployFunction");

/** Registers the function routes (when the server has functions). */
export function functionRoutes(app: App, api: ApiContext): void {
  const functions = api.functions;
  if (!functions) return;
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/functions",
      summary: "Deploy a function (a new version)",
      request: { body: { required: true, ...json(DeployBody) } },
      responses: { 201: { description: "Deployed", ...json(z.unknown()) }, ...errors },
    }),
    async (c) => c.json(hideEnvironment(await functions.deploy(c.req.valid("json"))), 201),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/functions",
      summary: "List functions",
      responses: { 200: { description: "Functions", ...json(z.unknown()) } },
    }),
    async (c) => c.json({ items: (await functions.list()).map(hideEnvironment) }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/functions/{name}/invoke",
      summary: "Invoke a function with an event (the body)",
      request: {
        params: z.object({ name: z.string() }),
        body: { required: false, ...json(z.unknown()) },
      },
      responses: { 200: { description: "The function's result", ...json(z.unknown()) }, ...errors },
    }),
    async (c) =>
      c.json(
        { payload: await functions.invoke(c.req.valid("param").name, c.req.valid("json") ?? {}) },
        200,
      ),
  );
}

/**
 * A function as the API shows it: environment variable names without their values. Anyone who
 * may list functions would otherwise read the credentials handed to them (keep secrets in
 * SecureString parameters; functions read them through their context).
 */
function hideEnvironment(fn: unknown): Record<string, unknown> {
  const record = fn as Record<string, unknown>;
  const environment = record.environment as Record<string, string> | undefined;
  if (!environment) return record;
  return {
    ...record,
    environment: Object.fromEntries(Object.keys(environment).map((key) => [key, "***"])),
  };
}
