/**
 * Connections and API destinations on the native REST API. `authParameters` keep
 * EventBridge's AuthParameters shape (BasicAuthParameters, ApiKeyAuthParameters,
 * OAuthParameters, InvocationHttpParameters); secrets go in and never come back out.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { ConnectionView } from "../../events/bus/connections.js";
import type { ApiDestinationRecord } from "../../store/events-port.js";
import type { ApiContext, App } from "../context.js";
import {
  created,
  deleteRoute,
  describeRoute,
  iso,
  json,
  NameParam,
  ok,
  PrefixPageQuery,
  page,
} from "./route-parts.js";

const ListQuery = z.object(PrefixPageQuery);
const AuthType = z.enum(["BASIC", "API_KEY", "OAUTH_CLIENT_CREDENTIALS"]);
const AuthParameters = z.record(z.string(), z.unknown()).openapi({
  description:
    "EventBridge AuthParameters: BasicAuthParameters, ApiKeyAuthParameters or OAuthParameters, and InvocationHttpParameters",
});
const CreateConnectionBody = z
  .object({
    name: z.string().min(1).max(64),
    authorizationType: AuthType,
    authParameters: AuthParameters,
    description: z.string().max(512).optional(),
  })
  .strict()
  .openapi("CreateConnection");
const UpdateConnectionBody = z
  .object({
    authorizationType: AuthType.optional(),
    authParameters: AuthParameters.optional(),
    description: z.string().max(512).optional(),
  })
  .strict()
  .openapi("UpdateConnection");
const Method = z.enum(["POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]);
const CreateDestinationBody = z
  .object({
    name: z.string().min(1).max(64),
    connection: z.string().min(1).max(1600).openapi({ description: "Connection name or ARN" }),
    endpoint: z.string().min(1).max(2048),
    httpMethod: Method,
    rateLimitPerSecond: z.number().int().min(1).optional(),
    description: z.string().max(512).optional(),
  })
  .strict()
  .openapi("CreateApiDestination");
const UpdateDestinationBody = CreateDestinationBody.omit({ name: true })
  .partial()
  .strict()
  .openapi("UpdateApiDestination");

/** A connection as the REST API shows it (no secrets). */
function connectionBody({ record, authParameters }: ConnectionView) {
  return {
    name: record.name,
    arn: record.arn,
    authorizationType: record.authorizationType,
    state: record.state ?? "AUTHORIZED",
    ...(record.description !== undefined && { description: record.description }),
    authParameters,
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt ?? record.createdAt),
  };
}

/** An API destination as the REST API shows it. */
function destinationBody(record: ApiDestinationRecord) {
  return {
    name: record.name,
    arn: record.arn,
    connectionArn: record.connectionArn,
    endpoint: record.endpoint,
    httpMethod: record.httpMethod,
    ...(record.rateLimitPerSecond !== undefined && {
      rateLimitPerSecond: record.rateLimitPerSecond,
    }),
    ...(record.description !== undefined && { description: record.description }),
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt ?? record.createdAt),
  };
}

/** Registers the connection and API destination routes. */
export function connectionRoutes(app: App, api: ApiContext): void {
  const events = api.events;
  if (!events) return;
  const { connections } = events;
  const destinations = connections.apiDestinations;
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/connections",
      summary: "Create a connection (the authorization of API destinations)",
      request: { body: { required: true, ...json(CreateConnectionBody) } },
      responses: created("The connection, without its secrets"),
    }),
    async (c) => {
      const body = c.req.valid("json");
      const view = await connections.createConnection({
        Name: body.name,
        AuthorizationType: body.authorizationType,
        AuthParameters: body.authParameters,
        ...(body.description !== undefined && { Description: body.description }),
      });
      return c.json(connectionBody(view), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/connections",
      summary: "List connections",
      request: { query: ListQuery },
      responses: ok("Connections"),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const result = await connections.listConnections(
        { ...(q.prefix !== undefined && { namePrefix: q.prefix }) },
        { limit: q.limit, ...(q.nextToken && { nextToken: q.nextToken }) },
      );
      return c.json(page(result.items.map(connectionBody), result.nextToken), 200);
    },
  );
  describeRoute(
    app,
    {
      path: "/v1/connections/{name}",
      summary: "Describe a connection (without its secrets)",
      answer: "The connection",
    },
    (name) => connections.describeConnection(name),
    connectionBody,
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/connections/{name}",
      summary: "Update a connection; members given replace those stored",
      request: { params: NameParam, body: { required: true, ...json(UpdateConnectionBody) } },
      responses: ok("The connection"),
    }),
    async (c) => {
      const body = c.req.valid("json");
      const view = await connections.updateConnection({
        Name: c.req.valid("param").name,
        ...(body.authorizationType !== undefined && { AuthorizationType: body.authorizationType }),
        ...(body.authParameters !== undefined && { AuthParameters: body.authParameters }),
        ...(body.description !== undefined && { Description: body.description }),
      });
      return c.json(connectionBody(view), 200);
    },
  );
  deleteRoute(
    app,
    { path: "/v1/connections/{name}", summary: "Delete a connection no API destination uses" },
    (name) => connections.deleteConnection(name),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/api-destinations",
      summary: "Create an API destination (an HTTP endpoint called through a connection)",
      request: { body: { required: true, ...json(CreateDestinationBody) } },
      responses: created("The API destination"),
    }),
    async (c) => {
      const body = c.req.valid("json");
      const record = await destinations.create({
        Name: body.name,
        ConnectionArn: body.connection,
        InvocationEndpoint: body.endpoint,
        HttpMethod: body.httpMethod,
        ...(body.rateLimitPerSecond !== undefined && {
          InvocationRateLimitPerSecond: body.rateLimitPerSecond,
        }),
        ...(body.description !== undefined && { Description: body.description }),
      });
      return c.json(destinationBody(record), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/api-destinations",
      summary: "List API destinations",
      request: { query: ListQuery },
      responses: ok("API destinations"),
    }),
    async (c) => {
      const q = c.req.valid("query");
      const result = await destinations.list(
        { ...(q.prefix !== undefined && { namePrefix: q.prefix }) },
        { limit: q.limit, ...(q.nextToken && { nextToken: q.nextToken }) },
      );
      return c.json(page(result.items.map(destinationBody), result.nextToken), 200);
    },
  );
  describeRoute(
    app,
    {
      path: "/v1/api-destinations/{name}",
      summary: "Describe an API destination",
      answer: "The API destination",
    },
    (name) => destinations.describe(name),
    destinationBody,
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/api-destinations/{name}",
      summary: "Update an API destination; members given replace those stored",
      request: { params: NameParam, body: { required: true, ...json(UpdateDestinationBody) } },
      responses: ok("The API destination"),
    }),
    async (c) => {
      const body = c.req.valid("json");
      const record = await destinations.update({
        Name: c.req.valid("param").name,
        ...(body.connection !== undefined && { ConnectionArn: body.connection }),
        ...(body.endpoint !== undefined && { InvocationEndpoint: body.endpoint }),
        ...(body.httpMethod !== undefined && { HttpMethod: body.httpMethod }),
        ...(body.rateLimitPerSecond !== undefined && {
          InvocationRateLimitPerSecond: body.rateLimitPerSecond,
        }),
        ...(body.description !== undefined && { Description: body.description }),
      });
      return c.json(destinationBody(record), 200);
    },
  );
  deleteRoute(
    app,
    { path: "/v1/api-destinations/{name}", summary: "Delete an API destination" },
    (name) => destinations.delete(name),
  );
}
