/**
 * Webhook sources. Management (`/v1/sources`) uses the API's bearer tokens; the webhook
 * endpoints (`POST /v1/sources/alertmanager/{name}`, `POST /v1/sources/cloudevents/{name}`)
 * take the source's own token (`Authorization: Bearer <token>`, or `?token=` for senders
 * that cannot set headers) and are exempt from API authentication.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { PutEventsRequestEntry } from "../../events/envelope.js";
import { alertmanagerEntries } from "../../events/sources/alertmanager.js";
import { cloudEventEntry } from "../../events/sources/cloudevents.js";
import { SourcePayloadError } from "../../events/sources/errors.js";
import { SOURCE_KINDS } from "../../events/sources/service.js";
import type { EventSourceKind } from "../../store/events-port.js";
import type { ApiContext, App, AppEnv, EventsApi } from "../context.js";
import { ErrorSchema } from "./schemas.js";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid request", ...json(ErrorSchema) },
  404: { description: "Not found", ...json(ErrorSchema) },
};
const Kind = z.enum(["alertmanager", "cloudevents"]);
const CreateSourceBody = z
  .object({ kind: Kind, name: z.string().min(1).max(64), eventBusName: z.string().optional() })
  .strict()
  .openapi("CreateSource");

/** Registers source management and the webhook endpoints. */
export function sourceRoutes(app: App, api: ApiContext): void {
  const events = api.events;
  if (!events) return;
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/sources",
      summary: "Create a webhook source; its token is in the answer, only this once",
      request: { body: { required: true, ...json(CreateSourceBody) } },
      responses: { 201: { description: "Created", ...json(z.unknown()) }, ...errors },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const created = await events.sources.create(body.kind, body.name, body.eventBusName);
      const url = new URL(`/v1/sources/${body.kind}/${body.name}`, c.req.url).toString();
      return c.json({ ...created, createdAt: new Date(created.createdAt).toISOString(), url }, 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/sources",
      summary: "List webhook sources",
      responses: { 200: { description: "Sources", ...json(z.unknown()) } },
    }),
    async (c) => c.json({ items: await events.sources.list() }, 200),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/sources/{kind}/{name}",
      summary: "Delete a webhook source",
      request: { params: z.object({ kind: Kind, name: z.string() }) },
      responses: { 204: { description: "Deleted" }, ...errors },
    }),
    async (c) => {
      const { kind, name } = c.req.valid("param");
      if (!(await events.sources.delete(kind, name)))
        return c.json(
          {
            error: {
              code: "ResourceNotFoundException",
              message: `Source ${kind}/${name} does not exist.`,
            },
          },
          404,
        );
      return c.body(null, 204);
    },
  );
  for (const kind of SOURCE_KINDS)
    app.post(`/v1/sources/${kind}/:name`, (c) => receive(c, events, kind));
}

async function receive(c: Context<AppEnv>, events: EventsApi, kind: EventSourceKind) {
  const name = c.req.param("name") ?? "";
  const header = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  const source = await events.sources.authenticate(kind, name, header ?? c.req.query("token"));
  if (!source)
    return c.json(
      {
        error: {
          code: "Unauthorized",
          message: `Send this source's token: 'Authorization: Bearer <token>'.`,
        },
      },
      401,
    );
  const body = new Uint8Array(await c.req.arrayBuffer());
  let entries: PutEventsRequestEntry[];
  if (kind === "alertmanager") {
    let payload: unknown;
    try {
      payload = JSON.parse(new TextDecoder().decode(body));
    } catch (error) {
      throw new SourcePayloadError(`The body is not JSON: ${(error as Error).message}`);
    }
    entries = alertmanagerEntries(payload, name, source.eventBusName);
  } else {
    entries = [cloudEventEntry({ headers: c.req.raw.headers, body }, name, source.eventBusName)];
  }
  const eventIds: string[] = [];
  const failures: unknown[] = [];
  // PutEvents takes 10 entries at a time; an Alertmanager group may hold more alerts.
  for (let i = 0; i < entries.length; i += 10) {
    const result = await events.bus.putEvents(entries.slice(i, i + 10));
    for (const entry of result.Entries) {
      if ("EventId" in entry) eventIds.push(entry.EventId);
      else failures.push(entry);
    }
  }
  if (failures.length > 0 && eventIds.length === 0)
    return c.json(
      {
        error: {
          code: "ValidationException",
          message: "No event was accepted.",
          details: failures,
        },
      },
      400,
    );
  return c.json({ eventIds, ...(failures.length > 0 && { failures }) }, 202);
}
