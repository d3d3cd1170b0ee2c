/**
 * Event buses on the native REST API: create, list, describe and delete. Deleting follows
 * EventBridge: the default bus cannot go, and a bus that still has rules or archives is
 * refused (ValidationException, 400) naming them.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { EventBusRecord } from "../../store/events-port.js";
import type { ApiContext, App } from "../context.js";
import { created, deleted, iso, json, ok, PrefixPageQuery, page } from "./route-parts.js";

/** Bus names are longer than other resources' and may hold `/` (URL-encode it as %2F). */
const BusParam = z.object({ name: z.string().min(1).max(256) });
const CreateBusBody = z
  .object({ name: z.string().min(1).max(256), description: z.string().max(512).optional() })
  .strict()
  .openapi("CreateEventBus");

/** A bus as the REST API shows it. */
function busBody(bus: EventBusRecord) {
  return {
    name: bus.name,
    arn: bus.arn,
    ...(bus.description !== undefined && { description: bus.description }),
    createdAt: iso(bus.createdAt),
  };
}

/** Registers the event bus routes. */
export function eventBusRoutes(app: App, api: ApiContext): void {
  const events = api.events;
  if (!events) return;
  const { bus } = events;
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/event-buses",
      summary: "Create an event bus",
      request: { body: { required: true, ...json(CreateBusBody) } },
      responses: created("The bus"),
    }),
    async (c) => {
      const body = c.req.valid("json");
      return c.json(busBody(await bus.createEventBus(body.name, body.description)), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/event-buses",
      summary: "List event buses",
      request: {
        query: z.object(PrefixPageQuery),
      },
      responses: ok("Event buses"),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const result = await bus.listEventBuses(q.prefix, {
        limit: q.limit,
        ...(q.nextToken && { nextToken: q.nextToken }),
      });
      return c.json(page(result.items.map(busBody), result.nextToken), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/event-buses/{name}",
      summary: "Describe an event bus",
      request: { params: BusParam },
      responses: ok("The bus"),
    }),
    async (c) => c.json(busBody(await bus.describeEventBus(c.req.valid("param").name)), 200),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/event-buses/{name}",
      summary: "Delete an event bus (refused while rules or archives use it, as in EventBridge)",
      request: { params: BusParam },
      responses: deleted,
    }),
    async (c) => {
      const name = c.req.valid("param").name;
      // REST answers an unknown bus with 404 (EventBridge's DeleteEventBus ignores it).
      await bus.describeEventBus(name);
      await bus.deleteEventBus(name);
      return c.body(null, 204);
    },
  );
}
