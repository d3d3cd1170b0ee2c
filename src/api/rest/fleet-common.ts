/**
 * What the fleet's REST route modules share: FleetError codes as HTTP statuses, the tag and
 * page schemas, and repeated query parameters.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { FleetError, type FleetErrorCode } from "../../fleet/errors.js";
import type { AppEnv } from "../context.js";
import { errorBody } from "./errors.js";

/** The errors that name something that does not exist; every other refusal is bad input. */
const NOT_FOUND = new Set<FleetErrorCode>([
  "InvalidActivationId",
  "InvalidInstanceId",
  "InvalidCommandId",
  "InvalidResourceId",
  "InvalidDocument",
  "InvalidDocumentVersion",
  "InvocationDoesNotExist",
]);
const CONFLICT = new Set<FleetErrorCode>([
  "DocumentAlreadyExists",
  "DuplicateDocumentContent",
  "DuplicateDocumentVersionName",
]);

/** The HTTP status of a fleet refusal. */
export function fleetStatus(code: FleetErrorCode): ContentfulStatusCode {
  if (NOT_FOUND.has(code)) return 404;
  if (CONFLICT.has(code)) return 409;
  if (code === "AgentUnauthorized") return 401;
  if (code === "AgentForbidden" || code === "AccessDeniedException") return 403;
  return 400;
}

/**
 * Runs a route's work, answering a FleetError with its status and `{error: {code, message}}`
 * (the app's error handler knows the other services' errors, not the fleet's); anything else
 * goes on to that handler.
 */
export async function fleetAnswer<T>(c: Context<AppEnv>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof FleetError)) throw error;
    // The route's typed answers all carry JSON; the error status is one the route documents.
    return c.json(errorBody(error.code, error.message), fleetStatus(error.code)) as T;
  }
}

/** A tag as SSM writes them. */
export const TagSchema = z
  .object({ Key: z.string().min(1).max(128), Value: z.string().max(256) })
  .strict()
  .openapi("Tag");

/** A query parameter that may be given once or repeated (`?tag=a&tag=b`). */
export const repeated = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));

/** Paging query members: at most `max` items a page, and the previous page's token. */
export const pageQuery = (max = 100) => ({
  limit: z.coerce.number().int().min(1).max(max).optional(),
  nextToken: z.string().max(2048).optional(),
});

/** The PageRequest of a paging query. */
export const pageRequest = (query: { limit?: number; nextToken?: string }, fallback = 50) => ({
  limit: query.limit ?? fallback,
  ...(query.nextToken && { nextToken: query.nextToken }),
});

/** An optional store time (ms) as ISO 8601, under `key`. */
export const isoMember = <K extends string>(key: K, ms: number | undefined) =>
  (ms === undefined ? {} : { [key]: new Date(ms).toISOString() }) as Partial<Record<K, string>>;
