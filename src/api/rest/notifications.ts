/**
 * Notification topics on the native REST API: topics, subscriptions (email, http, https,
 * slack), publishing with SNS's parameters, and the record of every delivery (delivered,
 * failed and why, attempts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { NotificationService } from "../../ops/notifications/service.js";
import { subscriptionView } from "../../ops/notifications/service.js";
import type { NotificationDeliveryRecord, TopicRecord } from "../../store/ops-port.js";
import type { RouteSet } from "../app.js";
import type { App } from "../context.js";
import { created, deleted, iso, json, ok } from "./route-parts.js";

const TopicName = z.object({ name: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/) });

const CreateTopicBody = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/),
    displayName: z.string().max(100).optional(),
  })
  .strict()
  .openapi("CreateTopic");
const SubscribeBody = z
  .object({
    protocol: z.enum(["email", "http", "https", "slack"]),
    endpoint: z.string().min(1).max(2048),
  })
  .strict()
  .openapi("Subscribe");
const Attribute = z
  .object({
    DataType: z.string().min(1).max(256),
    StringValue: z.string().optional(),
    BinaryValue: z.string().optional(),
  })
  .strict();
const PublishBody = z
  .object({
    message: z.string().min(1).max(262_144),
    subject: z.string().min(1).max(100).optional(),
    messageStructure: z.enum(["json"]).optional(),
    messageAttributes: z.record(z.string(), Attribute).optional(),
  })
  .strict()
  .openapi("Publish");
const DeliveryQuery = z.object({
  topic: z.string().max(1024).optional(),
  messageId: z.string().max(64).optional(),
  status: z.enum(["pending", "delivered", "failed"]).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  nextToken: z.string().max(1024).optional(),
});

const topicBody = (t: TopicRecord) => ({
  name: t.name,
  arn: t.arn,
  ...(t.displayName !== undefined && { displayName: t.displayName }),
  createdAt: iso(t.createdAt),
});
const deliveryBody = (d: NotificationDeliveryRecord) => ({
  id: d.id,
  messageId: d.messageId,
  ...(d.topicArn !== undefined && { topicArn: d.topicArn }),
  ...(d.subscriptionId !== undefined && { subscriptionId: d.subscriptionId }),
  protocol: d.protocol,
  endpoint: d.endpoint,
  status: d.status,
  attempts: d.attempts,
  ...(d.status === "pending" && { nextAttemptAt: iso(d.nextAttemptAt) }),
  ...(d.lastError !== undefined && { lastError: d.lastError }),
  createdAt: iso(d.createdAt),
  updatedAt: iso(d.updatedAt),
});

/** The notification routes over a notification service. */
export function notificationRoutes(notifications: NotificationService): RouteSet {
  return (app: App) => {
    app.openapi(
      createRoute({
        method: "post",
        path: "/v1/topics",
        summary: "Create a notification topic",
        request: { body: { required: true, ...json(CreateTopicBody) } },
        responses: created("Created"),
      }),
      async (c) => {
        const body = c.req.valid("json");
        return c.json(topicBody(await notifications.createTopic(body.name, body.displayName)), 201);
      },
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/topics",
        summary: "List topics",
        responses: ok("Topics"),
      }),
      async (c) => c.json({ items: (await notifications.listTopics()).map(topicBody) }, 200),
    );
    app.openapi(
      createRoute({
        method: "delete",
        path: "/v1/topics/{name}",
        summary: "Delete a topic and its subscriptions",
        request: { params: TopicName },
        responses: deleted,
      }),
      async (c) => {
        await notifications.deleteTopic(c.req.valid("param").name);
        return c.body(null, 204);
      },
    );
    app.openapi(
      createRoute({
        method: "post",
        path: "/v1/topics/{name}/subscriptions",
        summary:
          "Subscribe an endpoint; email waits for confirmation, webhooks get their HMAC secret (shown once)",
        request: { params: TopicName, body: { required: true, ...json(SubscribeBody) } },
        responses: created("Subscribed"),
      }),
      async (c) => {
        const body = c.req.valid("json");
        const { subscription, secret } = await notifications.subscribe(
          c.req.valid("param").name,
          body.protocol,
          body.endpoint,
        );
        return c.json({ ...subscriptionView(subscription), ...(secret && { secret }) }, 201);
      },
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/topics/{name}/subscriptions",
        summary: "List a topic's subscriptions",
        request: { params: TopicName },
        responses: ok("Subscriptions"),
      }),
      async (c) => {
        const items = await notifications.subscriptions(c.req.valid("param").name);
        return c.json({ items: items.map(subscriptionView) }, 200);
      },
    );
    app.openapi(
      createRoute({
        method: "delete",
        path: "/v1/subscriptions/{id}",
        summary: "Unsubscribe",
        request: { params: z.object({ id: z.string().min(1).max(64) }) },
        responses: deleted,
      }),
      async (c) => {
        await notifications.unsubscribe(c.req.valid("param").id);
        return c.body(null, 204);
      },
    );
    app.openapi(
      createRoute({
        method: "post",
        path: "/v1/topics/{name}/messages",
        summary:
          "Publish a message (SNS Publish parameters); delivered durably to every confirmed subscription",
        request: { params: TopicName, body: { required: true, ...json(PublishBody) } },
        responses: ok("Published"),
      }),
      async (c) => {
        const body = c.req.valid("json");
        const messageId = await notifications.publish(c.req.valid("param").name, {
          Message: body.message,
          Subject: body.subject,
          MessageStructure: body.messageStructure,
          MessageAttributes: body.messageAttributes,
        });
        return c.json({ messageId }, 200);
      },
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v1/notification-deliveries",
        summary: "List notification deliveries: status, attempts and the last error",
        request: { query: DeliveryQuery },
        responses: ok("Deliveries"),
      }),
      async (c) => {
        const q = c.req.valid("query");
        const topic = q.topic === undefined ? undefined : (await notifications.topic(q.topic)).arn;
        const page = await notifications.deliveries(
          {
            ...(topic && { topicArn: topic }),
            ...(q.messageId && { messageId: q.messageId }),
            ...(q.status && { status: q.status }),
          },
          { limit: q.limit ?? 100, ...(q.nextToken && { nextToken: q.nextToken }) },
        );
        return c.json(
          {
            items: page.items.map(deliveryBody),
            ...(page.nextToken && { nextToken: page.nextToken }),
          },
          200,
        );
      },
    );
  };
}
