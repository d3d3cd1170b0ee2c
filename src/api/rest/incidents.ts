/**
 * Incidents on the native REST API: list with filters, show, open, acknowledge, resolve,
 * close, add a note, assign. The actor of each change is the authenticated principal.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { checkChange, checkOpen } from "../../ops/incidents/requests.js";
import type { IncidentService } from "../../ops/incidents/service.js";
import { SEVERITIES, STATUSES } from "../../ops/incidents/transitions.js";
import { incidentBody } from "../../ops/incidents/view.js";
import type { IncidentSeverity, IncidentStatus } from "../../store/incidents-port.js";
import type { RouteSet } from "../app.js";
import type { App } from "../context.js";
import { ErrorSchema } from "./schemas.js";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid request", ...json(ErrorSchema) },
  404: { description: "Not found", ...json(ErrorSchema) },
  409: { description: "Not allowed in the incident's status", ...json(ErrorSchema) },
};
const ok = (description: string) => ({ 200: { description, ...json(z.unknown()) }, ...errors });
const created = (description: string) => ({
  201: { description, ...json(z.unknown()) },
  ...errors,
});
const Id = z.object({ id: z.string().min(1).max(64) });
const Severity = z.enum(SEVERITIES as [IncidentSeverity, ...IncidentSeverity[]]);
const Status = z.enum(STATUSES as [IncidentStatus, ...IncidentStatus[]]);
const OpenBody = z
  .object({
    title: z.string(),
    severity: Severity.optional(),
    dedupKey: z.string().optional(),
    sourceEvent: z.unknown().optional(),
    assignee: z.string().optional(),
    description: z.string().optional(),
  })
  .strict()
  .openapi("OpenIncident");
const NoteBody = z.object({ note: z.string().optional() }).strict().openapi("IncidentNote");
const ResolveBody = z
  .object({ resolution: z.string(), note: z.string().optional() })
  .strict()
  .openapi("ResolveIncident");
const TextBody = z.object({ text: z.string() }).strict().openapi("AddIncidentNote");
const AssignBody = z.object({ assignee: z.string() }).strict().openapi("AssignIncident");
const ListQuery = z.object({
  status: Status.optional(),
  severity: Severity.optional(),
  assignee: z.string().max(256).optional(),
  dedupKey: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  nextToken: z.string().max(1024).optional(),
});

/** The incident routes over an incident service. */
export function incidentRoutes(incidents: IncidentService): RouteSet {
  return (app: App) => {
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/incidents",
        summary: "List incidents (filters: status, severity, assignee, dedupKey)",
        request: { query: ListQuery },
        responses: ok("Incidents"),
      }),
      async (c) => {
        const { limit, nextToken, ...filter } = c.req.valid("query");
        const page = await incidents.list(filter, {
          limit: limit ?? 100,
          ...(nextToken && { nextToken }),
        });
        return c.json(
          {
            items: page.items.map(incidentBody),
            ...(page.nextToken && { nextToken: page.nextToken }),
          },
          200,
        );
      },
    );
    app.openapi(
      createRoute({
        method: "post",
        path: "/v1/incidents",
        summary: "Open an incident (or add to the open one with the same dedupKey)",
        request: { body: { required: true, ...json(OpenBody) } },
        responses: created("The incident"),
      }),
      async (c) => {
        const request = checkOpen(c.req.valid("json") as Record<string, unknown>);
        const incident = await incidents.open(request, { actor: c.get("principal").user });
        return c.json(incidentBody(incident), 201);
      },
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/incidents/{id}",
        summary: "Show an incident with its timeline",
        request: { params: Id },
        responses: ok("The incident"),
      }),
      async (c) => c.json(incidentBody(await incidents.get(c.req.valid("param").id)), 200),
    );
    const change = (
      path: string,
      summary: string,
      body: z.ZodType,
      fields: (body: Record<string, unknown>) => Record<string, unknown>,
    ) =>
      app.openapi(
        createRoute({
          method: "post",
          path: `/v1/incidents/{id}/${path}`,
          summary,
          request: { params: Id, body: { required: false, ...json(body) } },
          responses: ok("The incident after the change"),
        }),
        async (c) => {
          const input = (c.req.valid("json") ?? {}) as Record<string, unknown>;
          const incident = await incidents.change(
            c.req.valid("param").id,
            checkChange(fields(input)),
            { actor: c.get("principal").user },
          );
          return c.json(incidentBody(incident), 200);
        },
      );
    change("acknowledge", "Acknowledge an open incident", NoteBody, (b) => ({
      ...b,
      status: "acknowledged",
    }));
    change("resolve", "Resolve an incident, with its resolution", ResolveBody, (b) => ({
      ...b,
      status: "resolved",
    }));
    change("close", "Close a resolved incident", NoteBody, (b) => ({ ...b, status: "closed" }));
    change("notes", "Add a note to the timeline", TextBody, (b) => ({ note: b.text }));
    change("assign", "Assign an incident to a user", AssignBody, (b) => ({ assignee: b.assignee }));
  };
}
