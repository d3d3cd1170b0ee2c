/**
 * Pieces the REST route modules of named resources share: OpenAPI response sets, the `{name}`
 * path parameter, and the shapes of pages and times in answers.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../context.js";
import { ErrorSchema } from "./schemas.js";

/** A JSON body of `schema`, for a request or a response. */
export const json = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
});

/** The error answers of a route on named resources: bad input, no such name, a conflict. */
export const errors = {
  400: { description: "Invalid request", ...json(ErrorSchema) },
  404: { description: "Not found", ...json(ErrorSchema) },
  409: { description: "Conflict", ...json(ErrorSchema) },
};

/** The success answers of any JSON (`ok`: 200, `created`: 201), each with `errorSet`. */
export function answers<E extends object>(errorSet: E) {
  return {
    ok: (description: string) => ({ 200: { description, ...json(z.unknown()) }, ...errorSet }),
    created: (description: string) => ({
      201: { description, ...json(z.unknown()) },
      ...errorSet,
    }),
  };
}

/** A 200 or 201 answer described so, and the errors above. */
export const { ok, created } = answers(errors);

/** A 204 answer (deleted), and the errors. */
export const deleted = { 204: { description: "Deleted" }, ...errors };

/** The `{name}` path parameter of a resource named as EventBridge names them. */
export const NameParam = z.object({ name: z.string().min(1).max(64) });

/** The query of a list the EventBridge way: a name prefix, and pages of up to 100. */
export const PrefixPageQuery = {
  prefix: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
  nextToken: z.string().optional(),
};

/** A page of an answer: its items, and the token of the next page when there is one. */
export const page = <T>(items: T[], nextToken: string | undefined) => ({
  items,
  ...(nextToken && { nextToken }),
});

/** A time of the store (ms since the epoch) as the API shows it: ISO 8601. */
export const iso = (ms: number) => new Date(ms).toISOString();

/** A route on one named resource: its path (ending in `{name}`) and what the OpenAPI says. */
export interface NamedRoute {
  path: string;
  summary: string;
}

/** Registers GET `route.path`: the resource `find` gives for the name, as `view` shows it. */
export function describeRoute<R>(
  app: App,
  route: NamedRoute & { answer: string },
  find: (name: string) => Promise<R>,
  view: (resource: R) => object,
): void {
  app.openapi(
    createRoute({
      method: "get",
      path: route.path,
      summary: route.summary,
      request: { params: NameParam },
      responses: ok(route.answer),
    }),
    async (c) => c.json(view(await find(c.req.valid("param").name)), 200),
  );
}

/** Registers DELETE `route.path`: `remove` deletes the named resource; 204. */
export function deleteRoute(
  app: App,
  route: NamedRoute,
  remove: (name: string) => Promise<unknown>,
): void {
  app.openapi(
    createRoute({
      method: "delete",
      path: route.path,
      summary: route.summary,
      request: { params: NameParam },
      responses: deleted,
    }),
    async (c) => {
      await remove(c.req.valid("param").name);
      return c.body(null, 204);
    },
  );
}
