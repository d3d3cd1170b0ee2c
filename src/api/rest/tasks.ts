/** Task tokens: success, failure, heartbeat. */
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiContext, App } from "../context.js";
import { ErrorSchema, TaskFailureBody, TaskSuccessBody } from "./schemas.js";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid request", ...json(ErrorSchema) },
  404: { description: "Unknown token", ...json(ErrorSchema) },
  409: { description: "Task already settled or timed out", ...json(ErrorSchema) },
};
const Token = z.object({ token: z.string().min(1).max(1024) });

/** Registers the task token routes. */
export function taskRoutes(app: App, api: ApiContext): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/tasks/{token}/success",
      summary: "Complete a task with output",
      request: { params: Token, body: { required: true, ...json(TaskSuccessBody) } },
      responses: { 204: { description: "Accepted" }, ...errors },
    }),
    async (c) => {
      await api.tasks.sendSuccess(
        c.req.valid("param").token,
        JSON.stringify(c.req.valid("json").output ?? null),
      );
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/tasks/{token}/failure",
      summary: "Fail a task",
      request: { params: Token, body: { required: false, ...json(TaskFailureBody) } },
      responses: { 204: { description: "Accepted" }, ...errors },
    }),
    async (c) => {
      const body = c.req.valid("json") ?? {};
      await api.tasks.sendFailure(c.req.valid("param").token, body.error, body.cause);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/tasks/{token}/heartbeat",
      summary: "Report that a task is still working",
      request: { params: Token },
      responses: { 204: { description: "Accepted" }, ...errors },
    }),
    async (c) => {
      await api.tasks.sendHeartbeat(c.req.valid("param").token);
      return c.body(null, 204);
    },
  );
}
