/**
 * The event bus on the native REST API: PutEvents, rules, targets, pattern tests and dead
 * letters. Targets keep EventBridge's `Target` shape (Id, Arn, InputTransformer, ...), so
 * what works with the AWS API works here unchanged.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { testEventPattern } from "../../events/pattern/index.js";
import type { EventRuleRecord } from "../../store/events-port.js";
import { apiPutEventsOptions } from "../authz/reserved-sources.js";
import type { ApiContext, App, EventsApi } from "../context.js";
import { PrefixPageQuery } from "./route-parts.js";
import { ErrorSchema } from "./schemas.js";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: { description: "Invalid request", ...json(ErrorSchema) },
  404: { description: "Not found", ...json(ErrorSchema) },
};
const ok = (description: string) => ({ 200: { description, ...json(z.unknown()) }, ...errors });
const BusQuery = z.object({ eventBusName: z.string().max(1600).optional() });
const RuleParam = z.object({ name: z.string().min(1).max(64) });

const EventEntry = z
  .object({
    source: z.string(),
    detailType: z.string(),
    detail: z.union([z.string(), z.record(z.string(), z.unknown())]).openapi({
      description: "A JSON object, or its text",
    }),
    resources: z.array(z.string()).optional(),
    time: z.string().optional(),
    eventBusName: z.string().optional(),
  })
  .strict();
const PutEventsBody = z
  .object({ entries: z.array(EventEntry).min(1).max(10) })
  .strict()
  .openapi("PutEvents");
const PutRuleBody = z
  .object({
    eventBusName: z.string().optional(),
    eventPattern: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    scheduleExpression: z.string().optional(),
    state: z.enum(["ENABLED", "DISABLED"]).optional(),
    description: z.string().max(512).optional(),
    roleArn: z.string().optional(),
  })
  .strict()
  .openapi("PutRule");
const TestPatternBody = z
  .object({
    eventPattern: z.union([z.string(), z.record(z.string(), z.unknown())]),
    event: z.union([z.string(), z.record(z.string(), z.unknown())]),
  })
  .strict();
const TargetsBody = z
  .object({
    eventBusName: z.string().optional(),
    targets: z.array(z.record(z.string(), z.unknown())).min(1).max(10).openapi({
      description:
        "EventBridge Target objects (Id, Arn, Input, InputPath, InputTransformer, RetryPolicy, DeadLetterConfig)",
    }),
  })
  .strict();
const RedriveBody = z.object({ ids: z.array(z.number().int()).min(1).max(1000) }).strict();

const text = (value: string | Record<string, unknown>) =>
  typeof value === "string" ? value : JSON.stringify(value);

/** A rule as the REST API shows it. */
function ruleBody(rule: EventRuleRecord) {
  return {
    name: rule.name,
    arn: rule.arn,
    eventBusName: rule.eventBusName,
    state: rule.state,
    ...(rule.eventPattern !== undefined && { eventPattern: rule.eventPattern }),
    ...(rule.scheduleExpression !== undefined && { scheduleExpression: rule.scheduleExpression }),
    ...(rule.nextFireAt !== undefined && { nextFireTime: new Date(rule.nextFireAt).toISOString() }),
    ...(rule.description !== undefined && { description: rule.description }),
  };
}

function need(api: ApiContext): EventsApi {
  if (!api.events) throw new Error("The event bus is not running.");
  return api.events;
}

/** Registers the event bus routes. */
export function eventRoutes(app: App, api: ApiContext): void {
  if (!api.events) return;
  const events = need(api);
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/events",
      summary: "Put events on buses (PutEvents); answered once they are stored",
      request: { body: { required: true, ...json(PutEventsBody) } },
      responses: ok("Per-entry results (failedEntryCount, entries)"),
    }),
    async (c) => {
      const entries = c.req.valid("json").entries.map((e) => ({
        Source: e.source,
        DetailType: e.detailType,
        Detail: text(e.detail),
        ...(e.resources && { Resources: e.resources }),
        ...(e.time && { Time: e.time }),
        ...(e.eventBusName && { EventBusName: e.eventBusName }),
      }));
      const result = await events.bus.putEvents(
        entries,
        await apiPutEventsOptions(api, c.get("principal"), entries),
      );
      return c.json(
        {
          failedEntryCount: result.FailedEntryCount,
          entries: result.Entries.map((e) =>
            "EventId" in e
              ? { eventId: e.EventId }
              : { errorCode: e.ErrorCode, errorMessage: e.ErrorMessage },
          ),
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/rules/{name}",
      summary: "Create or update a rule (event pattern and/or schedule)",
      request: { params: RuleParam, body: { required: true, ...json(PutRuleBody) } },
      responses: ok("The rule"),
    }),
    async (c) => {
      const body = c.req.valid("json");
      const { name } = c.req.valid("param");
      await events.bus.putRule({
        Name: name,
        EventBusName: body.eventBusName,
        ...(body.eventPattern !== undefined && { EventPattern: text(body.eventPattern) }),
        ScheduleExpression: body.scheduleExpression,
        State: body.state,
        Description: body.description,
        RoleArn: body.roleArn,
      });
      return c.json(ruleBody(await events.bus.describeRule(name, body.eventBusName)), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/rules",
      summary: "List the rules of a bus",
      request: {
        query: BusQuery.extend(PrefixPageQuery),
      },
      responses: ok("Rules"),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = await events.bus.listRules(q.eventBusName, q.prefix, {
        limit: q.limit,
        ...(q.nextToken && { nextToken: q.nextToken }),
      });
      return c.json(
        { items: page.items.map(ruleBody), ...(page.nextToken && { nextToken: page.nextToken }) },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/rules/{name}",
      summary: "Describe a rule",
      request: { params: RuleParam, query: BusQuery },
      responses: ok("The rule"),
    }),
    async (c) =>
      c.json(
        ruleBody(
          await events.bus.describeRule(
            c.req.valid("param").name,
            c.req.valid("query").eventBusName,
          ),
        ),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/rules/{name}",
      summary: "Delete a rule (force: with its targets)",
      request: {
        params: RuleParam,
        query: BusQuery.extend({ force: z.enum(["true", "false"]).optional() }),
      },
      responses: { 204: { description: "Deleted" }, ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      await events.bus.deleteRule(c.req.valid("param").name, q.eventBusName, q.force === "true");
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/rules/test-pattern",
      summary: "Test an event pattern against an event (TestEventPattern)",
      request: { body: { required: true, ...json(TestPatternBody) } },
      responses: ok("{ result: boolean }"),
    }),
    async (c) => {
      const body = c.req.valid("json");
      return c.json({ result: testEventPattern(text(body.eventPattern), text(body.event)) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/rules/{name}/targets",
      summary:
        "Add or replace targets of a rule; invalid ones are listed in failedEntries (as EventBridge's FailedEntries) and the others stored",
      request: { params: RuleParam, body: { required: true, ...json(TargetsBody) } },
      responses: ok("The rule's targets, and the refused ones with their reason"),
    }),
    async (c) => {
      const body = c.req.valid("json");
      const { name } = c.req.valid("param");
      const result = await events.bus.putTargets(name, body.eventBusName, body.targets);
      return c.json(
        {
          items: await events.bus.listTargets(name, body.eventBusName),
          failedEntryCount: result.FailedEntryCount,
          failedEntries: result.FailedEntries.map((f) => ({
            targetId: f.TargetId,
            errorCode: f.ErrorCode,
            errorMessage: f.ErrorMessage,
          })),
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/rules/{name}/targets",
      summary: "List a rule's targets",
      request: { params: RuleParam, query: BusQuery },
      responses: ok("Targets"),
    }),
    async (c) =>
      c.json(
        {
          items: await events.bus.listTargets(
            c.req.valid("param").name,
            c.req.valid("query").eventBusName,
          ),
        },
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/rules/{name}/targets/{id}",
      summary: "Remove a target",
      request: { params: RuleParam.extend({ id: z.string().min(1).max(64) }), query: BusQuery },
      responses: { 204: { description: "Removed" }, ...errors },
    }),
    async (c) => {
      const { name, id } = c.req.valid("param");
      const missing = await events.bus.removeTargets(name, c.req.valid("query").eventBusName, [id]);
      if (missing.length > 0)
        return c.json(
          { error: { code: "ResourceNotFoundException", message: `Target ${id} does not exist.` } },
          404,
        );
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/dead-letters",
      summary: "Deliveries that gave up, with the reason",
      request: {
        query: BusQuery.extend({
          ruleName: z.string().optional(),
          deadLetterArn: z.string().max(1600).optional().openapi({
            description: "Only those of targets whose DeadLetterConfig.Arn is this",
          }),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          nextToken: z.string().optional(),
        }),
      },
      responses: ok("Dead letters"),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = await events.bus.listDeadLetters(
        {
          ...(q.eventBusName && { eventBusName: q.eventBusName }),
          ...(q.ruleName && { ruleName: q.ruleName }),
          ...(q.deadLetterArn && { deadLetterArn: q.deadLetterArn }),
        },
        { limit: q.limit, ...(q.nextToken && { nextToken: q.nextToken }) },
      );
      const items = page.items.map((d) => ({
        id: d.id,
        eventBusName: d.event.eventBusName,
        ruleName: d.ruleName,
        targetId: d.target.Id,
        targetArn: d.target.Arn,
        ...(d.target.DeadLetterConfig?.Arn !== undefined && {
          deadLetterArn: d.target.DeadLetterConfig.Arn,
        }),
        attempts: d.attempts,
        errorCode: d.errorCode,
        errorMessage: d.errorMessage,
        failedAt: new Date(d.failedAt).toISOString(),
        event: JSON.parse(d.event.envelope) as unknown,
      }));
      return c.json({ items, ...(page.nextToken && { nextToken: page.nextToken }) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/dead-letters/redrive",
      summary: "Deliver dead letters again (attempts and event age start over)",
      request: { body: { required: true, ...json(RedriveBody) } },
      responses: ok("{ redriven: number }"),
    }),
    async (c) =>
      c.json({ redriven: await events.bus.redriveDeadLetters(c.req.valid("json").ids) }, 200),
  );
}
