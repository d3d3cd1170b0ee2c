/** Schemas and helpers shared by the identity routes. */
import { z } from "@hono/zod-openapi";
import { ROLE_NAMES } from "../../auth/roles.js";
import { answers, json } from "./route-parts.js";
import { ErrorSchema } from "./schemas.js";

export { json };

/** The error responses of the identity routes. */
export const errors = {
  400: { description: "Invalid request", ...json(ErrorSchema) },
  403: { description: "Not allowed", ...json(ErrorSchema) },
  404: { description: "Not found", ...json(ErrorSchema) },
  409: { description: "Conflict", ...json(ErrorSchema) },
};

/** A user, group or policy name (IAM's characters). */
export const Name = z.string().regex(/^[A-Za-z0-9_+=,.@-]{1,64}$/);
/** A built-in role. */
export const Role = z.enum(ROLE_NAMES);
/** An access key id or token id. */
export const CredentialId = z.string().regex(/^[A-Za-z0-9-]{1,128}$/);

/** A 200 or 201 response with any JSON, and the error responses. */
export const { ok, created } = answers(errors);

/** Milliseconds as ISO 8601, or undefined. */
export const iso = (ms: number | undefined) =>
  ms === undefined ? undefined : new Date(ms).toISOString();
