/**
 * The connection and API destination operations of EventBridge: Create/Describe/List/Update/
 * DeleteConnection and Create/Describe/List/Update/DeleteApiDestination. Secrets go in, never
 * out.
 */
import { int, optional, required, str } from "../sfn/members.js";
import {
  connectionShape,
  connectionState,
  connectionSummary,
  destinationShape,
  destinationState,
} from "./connection-shapes.js";
import { next, type Operation, page } from "./request.js";

const rate = (request: Record<string, unknown>) =>
  optional(request, "InvocationRateLimitPerSecond", (m, n) =>
    int(m, n, { min: 1, max: 2_147_483_647 }),
  );

/** Operation name → implementation. */
export const connectionOperations: Record<string, Operation> = {
  async CreateConnection(request, events) {
    const { record } = await events.connections.createConnection({
      Name: required(request, "Name", str),
      Description: optional(request, "Description", str),
      AuthorizationType: required(request, "AuthorizationType", str),
      AuthParameters: required(request, "AuthParameters", (m, n) => m[n]),
    });
    const { LastAuthorizedTime: _, ...answer } = connectionState(record);
    return answer;
  },
  async DescribeConnection(request, events) {
    return connectionShape(
      await events.connections.describeConnection(required(request, "Name", str)),
    );
  },
  async ListConnections(request, events) {
    const result = await events.connections.listConnections(
      {
        namePrefix: optional(request, "NamePrefix", str),
        state: optional(request, "ConnectionState", str),
      },
      page(request),
    );
    return { Connections: result.items.map(connectionSummary), ...next(result.nextToken) };
  },
  async UpdateConnection(request, events) {
    const { record } = await events.connections.updateConnection({
      Name: required(request, "Name", str),
      Description: optional(request, "Description", str),
      AuthorizationType: optional(request, "AuthorizationType", str),
      AuthParameters: optional(request, "AuthParameters", (m, n) => m[n]),
    });
    return connectionState(record);
  },
  async DeleteConnection(request, events) {
    return connectionState(
      await events.connections.deleteConnection(required(request, "Name", str)),
    );
  },
  async CreateApiDestination(request, events) {
    const destination = await events.connections.apiDestinations.create({
      Name: required(request, "Name", str),
      Description: optional(request, "Description", str),
      ConnectionArn: required(request, "ConnectionArn", str),
      InvocationEndpoint: required(request, "InvocationEndpoint", str),
      HttpMethod: required(request, "HttpMethod", str),
      InvocationRateLimitPerSecond: rate(request),
    });
    return destinationState(destination);
  },
  async DescribeApiDestination(request, events) {
    return destinationShape(
      await events.connections.apiDestinations.describe(required(request, "Name", str)),
    );
  },
  async ListApiDestinations(request, events) {
    const result = await events.connections.apiDestinations.list(
      {
        namePrefix: optional(request, "NamePrefix", str),
        connectionArn: optional(request, "ConnectionArn", str),
      },
      page(request),
    );
    return { ApiDestinations: result.items.map(destinationShape), ...next(result.nextToken) };
  },
  async UpdateApiDestination(request, events) {
    const destination = await events.connections.apiDestinations.update({
      Name: required(request, "Name", str),
      Description: optional(request, "Description", str),
      ConnectionArn: optional(request, "ConnectionArn", str),
      InvocationEndpoint: optional(request, "InvocationEndpoint", str),
      HttpMethod: optional(request, "HttpMethod", str),
      InvocationRateLimitPerSecond: rate(request),
    });
    return destinationState(destination);
  },
  async DeleteApiDestination(request, events) {
    await events.connections.apiDestinations.delete(required(request, "Name", str));
    return {};
  },
};
