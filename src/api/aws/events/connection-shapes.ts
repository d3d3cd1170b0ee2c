/** EventBridge wire shapes of connections and API destinations (never with secrets). */
import type { ConnectionView } from "../../../events/bus/connections.js";
import type { ApiDestinationRecord, ConnectionRecord } from "../../../store/events-port.js";
import { toAwsTimestamp } from "../timestamp.js";

const ts = (ms: number) => toAwsTimestamp(new Date(ms));

/** The ARN, state and times every connection operation answers with. */
export function connectionState(record: ConnectionRecord) {
  return {
    ConnectionArn: record.arn,
    ConnectionState: record.state ?? "AUTHORIZED",
    CreationTime: ts(record.createdAt),
    LastModifiedTime: ts(record.updatedAt ?? record.createdAt),
    LastAuthorizedTime: ts(record.updatedAt ?? record.createdAt),
  };
}

/** A connection as ListConnections lists it. */
export function connectionSummary({ record }: ConnectionView) {
  return {
    Name: record.name,
    AuthorizationType: record.authorizationType,
    ...connectionState(record),
  };
}

/** DescribeConnection's answer: AuthParameters without their secrets. */
export function connectionShape(view: ConnectionView) {
  return {
    ...connectionSummary(view),
    ...(view.record.description !== undefined && { Description: view.record.description }),
    AuthParameters: view.authParameters,
  };
}

/** The ARN, state and times every API destination operation answers with. */
export function destinationState(record: ApiDestinationRecord) {
  return {
    ApiDestinationArn: record.arn,
    ApiDestinationState: "ACTIVE",
    CreationTime: ts(record.createdAt),
    LastModifiedTime: ts(record.updatedAt ?? record.createdAt),
  };
}

/** DescribeApiDestination's answer (also an item of ListApiDestinations). */
export function destinationShape(record: ApiDestinationRecord) {
  return {
    Name: record.name,
    ...destinationState(record),
    ...(record.description !== undefined && { Description: record.description }),
    ConnectionArn: record.connectionArn,
    InvocationEndpoint: record.endpoint,
    HttpMethod: record.httpMethod,
    ...(record.rateLimitPerSecond !== undefined && {
      InvocationRateLimitPerSecond: record.rateLimitPerSecond,
    }),
  };
}
