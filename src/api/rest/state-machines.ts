/** `/v1/state-machines`: create, list, describe, update, delete. */
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiContext, App } from "../context.js";
import {
  CreateStateMachineBody,
  ErrorSchema,
  PageQuery,
  StateMachineSchema,
  stateMachineView,
  UpdateStateMachineBody,
} from "./schemas.js";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid request", ...json(ErrorSchema) },
  404: { description: "Not found", ...json(ErrorSchema) },
};
const Name = z.object({ name: z.string().min(1).max(80) });
const definitionText = (definition: string | Record<string, unknown>) =>
  typeof definition === "string" ? definition : JSON.stringify(definition);

/** Registers the state machine routes. */
export function stateMachineRoutes(app: App, api: ApiContext): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/state-machines",
      summary: "Create a state machine",
      request: { body: { required: true, ...json(CreateStateMachineBody) } },
      responses: {
        201: { description: "Created", ...json(StateMachineSchema) },
        409: { description: "Exists", ...json(ErrorSchema) },
        ...errors,
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const { record } = await api.stateMachines.create({
        ...body,
        definition: definitionText(body.definition),
      });
      return c.json(stateMachineView(record), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/state-machines",
      summary: "List state machines",
      request: { query: PageQuery },
      responses: {
        200: {
          description: "A page",
          ...json(
            z.object({ items: z.array(StateMachineSchema), nextToken: z.string().optional() }),
          ),
        },
        ...errors,
      },
    }),
    async (c) => {
      const page = await api.stateMachines.list(c.req.valid("query"));
      return c.json(
        {
          items: page.items.map(stateMachineView),
          ...(page.nextToken && { nextToken: page.nextToken }),
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/state-machines/{name}",
      summary: "Describe a state machine",
      request: { params: Name },
      responses: {
        200: { description: "The state machine", ...json(StateMachineSchema) },
        ...errors,
      },
    }),
    async (c) => {
      const record = await api.stateMachines.describe(
        api.stateMachines.arnOf(c.req.valid("param").name),
      );
      return c.json(stateMachineView(record), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/state-machines/{name}",
      summary: "Update a state machine's definition, role or description",
      request: { params: Name, body: { required: true, ...json(UpdateStateMachineBody) } },
      responses: { 200: { description: "Updated", ...json(StateMachineSchema) }, ...errors },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const changes = {
        ...body,
        definition: body.definition === undefined ? undefined : definitionText(body.definition),
      };
      const { record } = await api.stateMachines.update(
        api.stateMachines.arnOf(c.req.valid("param").name),
        changes,
      );
      return c.json(stateMachineView(record), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/state-machines/{name}",
      summary: "Delete a state machine (running executions finish)",
      request: { params: Name },
      responses: { 204: { description: "Deleted" }, ...errors },
    }),
    async (c) => {
      await api.stateMachines.delete(api.stateMachines.arnOf(c.req.valid("param").name));
      return c.body(null, 204);
    },
  );
}
