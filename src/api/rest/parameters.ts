/**
 * Parameters on the native REST API: list (by path), show (a version, optionally decrypted),
 * put, delete, history. Names go in the path URL-encoded (`/v1/parameters/%2Fdb%2Fpassword`).
 * A SecureString's value is shown only with `withDecryption=true` and only to callers allowed
 * `ssm:DecryptParameter` on it; otherwise it reads as `***`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Decryption, ParameterService, ParameterView } from "../../ops/parameters/index.js";
import type { ParameterFilter, ParameterType } from "../../store/parameters-port.js";
import type { RouteSet } from "../app.js";
import { DECRYPT_ACTION } from "../aws/ssm/operations.js";
import type { ApiContext, App } from "../context.js";
import { ErrorSchema } from "./schemas.js";

/** What a SecureString's value reads as when it is not decrypted. */
export const REDACTED_VALUE = "***";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid request", ...json(ErrorSchema) },
  403: { description: "Decryption not allowed", ...json(ErrorSchema) },
  404: { description: "No such parameter or version", ...json(ErrorSchema) },
  409: {
    description: "The parameter exists (no overwrite) or the limit is reached",
    ...json(ErrorSchema),
  },
};
const ok = (description: string) => ({ 200: { description, ...json(z.unknown()) }, ...errors });
const Name = z.object({
  name: z.string().min(1).max(2048).openapi({ description: "The parameter name, URL-encoded" }),
});
const Type = z.enum(["String", "StringList", "SecureString"]);
const flag = z.enum(["true", "false"]).optional();
const PutBody = z
  .object({
    value: z.string(),
    type: Type.optional(),
    description: z.string().optional(),
    overwrite: z.boolean().optional(),
    allowedPattern: z.string().optional(),
    keyId: z.string().optional(),
    tier: z.enum(["Standard", "Advanced", "Intelligent-Tiering"]).optional(),
  })
  .strict()
  .openapi("PutParameter");
const page = {
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  nextToken: z.string().max(1024).optional(),
};

/** A parameter as the REST API shows it. */
function parameterBody(view: ParameterView) {
  return {
    name: view.name,
    type: view.type,
    value: view.type === "SecureString" && !view.decrypted ? REDACTED_VALUE : view.value,
    version: view.version,
    ...(view.selector !== undefined && { selector: view.selector }),
    lastModified: new Date(view.lastModified).toISOString(),
    lastModifiedUser: view.lastModifiedUser,
    arn: view.arn,
    tier: view.tier,
    dataType: view.dataType,
    ...(view.description !== undefined && { description: view.description }),
    ...(view.allowedPattern !== undefined && { allowedPattern: view.allowedPattern }),
    ...(view.keyId !== undefined && { keyId: view.keyId }),
  };
}

/** `withDecryption=true`, checked per parameter against the caller's ssm:DecryptParameter. */
function decryption(api: ApiContext, user: string, asked: string | undefined): Decryption {
  if (asked !== "true") return false;
  return async (arn) =>
    (await api.auth.authorizer.decide(user, DECRYPT_ACTION, [arn])).effect === "allow";
}

const items = (views: ParameterView[], nextToken: string | undefined) => ({
  items: views.map(parameterBody),
  ...(nextToken && { nextToken }),
});

/** The parameter routes over a parameter service. */
export function parameterRoutes(parameters: ParameterService): RouteSet {
  return (app: App, api: ApiContext) => {
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/parameters",
        summary: "List parameters (under a path; SecureString values read as ***)",
        request: {
          query: z.object({
            path: z.string().max(2048).optional(),
            recursive: flag,
            type: Type.optional(),
            ...page,
          }),
        },
        responses: ok("Parameters"),
      }),
      async (c) => {
        const { path, recursive, type, limit, nextToken } = c.req.valid("query");
        const filter: ParameterFilter = {
          ...(path !== undefined && { path, recursive: recursive === "true" }),
          ...(type !== undefined && { types: [type as ParameterType] }),
        };
        const found = await parameters.list(filter, false, {
          limit: limit ?? 100,
          ...(nextToken && { nextToken }),
        });
        return c.json(items(found.items, found.nextToken), 200);
      },
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/parameters/{name}",
        summary:
          "Show a parameter (version: a number; withDecryption=true needs ssm:DecryptParameter)",
        request: {
          params: Name,
          query: z.object({ version: z.string().regex(/^\d+$/).optional(), withDecryption: flag }),
        },
        responses: ok("The parameter"),
      }),
      async (c) => {
        const { name } = c.req.valid("param");
        const { version, withDecryption } = c.req.valid("query");
        const view = await parameters.get(
          version === undefined ? name : `${name}:${version}`,
          decryption(api, c.get("principal").user, withDecryption),
        );
        return c.json(parameterBody(view), 200);
      },
    );
    app.openapi(
      createRoute({
        method: "put",
        path: "/v1/parameters/{name}",
        summary: "Create a parameter, or its next version with overwrite: true",
        request: { params: Name, body: { required: true, ...json(PutBody) } },
        responses: ok("The version written"),
      }),
      async (c) => {
        const body = c.req.valid("json");
        const record = await parameters.put(
          { name: c.req.valid("param").name, ...body },
          c.get("principal").user,
        );
        return c.json({ name: record.name, version: record.version, tier: record.tier }, 200);
      },
    );
    app.openapi(
      createRoute({
        method: "delete",
        path: "/v1/parameters/{name}",
        summary: "Delete a parameter and its history",
        request: { params: Name },
        responses: ok("Deleted"),
      }),
      async (c) => {
        const { name } = c.req.valid("param");
        await parameters.delete(name);
        return c.json({ name, deleted: true }, 200);
      },
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/parameters/{name}/history",
        summary: "Every kept version of a parameter, oldest first",
        request: { params: Name, query: z.object({ withDecryption: flag, ...page }) },
        responses: ok("The versions"),
      }),
      async (c) => {
        const { withDecryption, limit, nextToken } = c.req.valid("query");
        const found = await parameters.history(
          c.req.valid("param").name,
          decryption(api, c.get("principal").user, withDecryption),
          { limit: limit ?? 100, ...(nextToken && { nextToken }) },
        );
        return c.json(items(found.items, found.nextToken), 200);
      },
    );
  };
}
