/**
 * `GET /v1/audit/events`: the audit trail, newest first, filtered like CloudTrail's
 * LookupEvents. There is no route that changes or deletes an event.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { AuditEventRecord } from "../../store/audit-port.js";
import type { ApiContext, App } from "../context.js";
import { errors, json } from "./identity-shared.js";

const Time = z
  .string()
  .max(64)
  .refine((value) => !Number.isNaN(Date.parse(value)), "an ISO 8601 time")
  .optional();
const LookupQuery = z.object({
  user: z.string().max(64).optional(),
  accessKeyId: z.string().max(128).optional().openapi({ description: "Any credential id" }),
  action: z.string().max(128).optional(),
  resource: z.string().max(2048).optional(),
  startTime: Time,
  endTime: Time,
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  nextToken: z.string().max(2048).optional(),
});

/** An event as the API shows it. */
export function auditView(event: AuditEventRecord) {
  const { at, parameters, ...rest } = event;
  return {
    ...rest,
    time: new Date(at).toISOString(),
    ...(parameters !== undefined && { parameters: JSON.parse(parameters) as unknown }),
  };
}

/** Registers the audit route. */
export function auditRoutes(app: App, api: ApiContext): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/audit/events",
      summary: "Look up audit events (by user, credential, action, resource, time), newest first",
      request: { query: LookupQuery },
      responses: {
        200: { description: "A page of events", ...json(z.unknown()) },
        ...errors,
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = await api.auth.audit.lookup(
        {
          ...(q.user && { user: q.user }),
          ...(q.accessKeyId && { credentialId: q.accessKeyId }),
          ...(q.action && { action: q.action }),
          ...(q.resource && { resource: q.resource }),
          ...(q.startTime && { startTime: Date.parse(q.startTime) }),
          ...(q.endTime && { endTime: Date.parse(q.endTime) }),
        },
        { limit: q.limit, ...(q.nextToken && { nextToken: q.nextToken }) },
      );
      return c.json(
        { items: page.items.map(auditView), ...(page.nextToken && { nextToken: page.nextToken }) },
        200,
      );
    },
  );
}
