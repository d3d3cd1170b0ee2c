/** Executions: start, list, describe, history, stop, redrive. */
import { createRoute, z } from "@hono/zod-openapi";
import { executionArn } from "../arns.js";
import type { ApiContext, App } from "../context.js";
import {
  ErrorSchema,
  ExecutionSchema,
  executionView,
  HistoryEventSchema,
  historyView,
  PageQuery,
  StartExecutionBody,
  StopBody,
} from "./schemas.js";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid request", ...json(ErrorSchema) },
  404: { description: "Not found", ...json(ErrorSchema) },
  409: { description: "Conflict", ...json(ErrorSchema) },
};
const Arn = z.object({
  arn: z.string().min(1).max(2048).openapi({ description: "The execution ARN, URL-encoded" }),
});
const Statuses = z.enum([
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "TIMED_OUT",
  "ABORTED",
  "PENDING_REDRIVE",
]);

/** Registers the execution routes. */
export function executionRoutes(app: App, api: ApiContext): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/state-machines/{name}/executions",
      summary: "Start an execution (idempotent by name)",
      request: {
        params: z.object({ name: z.string() }),
        body: { required: false, ...json(StartExecutionBody) },
      },
      responses: { 201: { description: "Started", ...json(ExecutionSchema) }, ...errors },
    }),
    async (c) => {
      const body = c.req.valid("json") ?? {};
      const record = await api.executions.start({
        stateMachineArn: api.stateMachines.arnOf(c.req.valid("param").name),
        ...(body.name !== undefined && { name: body.name }),
        input: JSON.stringify(body.input ?? {}),
        caller: c.get("principal").user,
      });
      return c.json(executionView(record), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/state-machines/{name}/executions",
      summary: "List a state machine's executions, newest first",
      request: {
        params: z.object({ name: z.string() }),
        query: PageQuery.extend({ status: Statuses.optional() }),
      },
      responses: {
        200: {
          description: "A page",
          ...json(z.object({ items: z.array(ExecutionSchema), nextToken: z.string().optional() })),
        },
        ...errors,
      },
    }),
    async (c) => {
      const { status, ...page } = c.req.valid("query");
      const result = await api.executions.list(
        {
          stateMachineArn: api.stateMachines.arnOf(c.req.valid("param").name),
          ...(status && { status }),
        },
        page,
      );
      return c.json(
        {
          items: result.items.map(executionView),
          ...(result.nextToken && { nextToken: result.nextToken }),
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/executions/{arn}",
      summary: "Describe an execution",
      request: { params: Arn },
      responses: { 200: { description: "The execution", ...json(ExecutionSchema) }, ...errors },
    }),
    async (c) =>
      c.json(
        executionView(await api.executions.describe(executionArn(c.req.valid("param").arn))),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/executions/{arn}/history",
      summary: "An execution's event history",
      request: {
        params: Arn,
        query: PageQuery.extend({ reverse: z.enum(["true", "false"]).optional() }),
      },
      responses: {
        200: {
          description: "A page of events",
          ...json(
            z.object({ items: z.array(HistoryEventSchema), nextToken: z.string().optional() }),
          ),
        },
        ...errors,
      },
    }),
    async (c) => {
      const { reverse, ...page } = c.req.valid("query");
      const result = await api.executions.history(
        executionArn(c.req.valid("param").arn),
        page,
        reverse === "true",
      );
      return c.json(
        {
          items: result.items.map(historyView),
          ...(result.nextToken && { nextToken: result.nextToken }),
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/executions/{arn}/stop",
      summary: "Stop a running execution",
      request: { params: Arn, body: { required: false, ...json(StopBody) } },
      responses: { 200: { description: "Stopped", ...json(ExecutionSchema) }, ...errors },
    }),
    async (c) => {
      const body = c.req.valid("json") ?? {};
      return c.json(
        executionView(
          await api.executions.stop(executionArn(c.req.valid("param").arn), body.error, body.cause),
        ),
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/executions/{arn}/redrive",
      summary: "Redrive a failed, timed-out or aborted execution from where it stopped",
      request: { params: Arn },
      responses: { 200: { description: "Redriven", ...json(ExecutionSchema) }, ...errors },
    }),
    async (c) =>
      c.json(
        executionView(await api.executions.redrive(executionArn(c.req.valid("param").arn))),
        200,
      ),
  );
}
