/**
 * The EventBridge operations of the AWS endpoint (`X-Amz-Target: AWSEvents.*`), in one table:
 * each reads its request members, calls the event bus services and returns the wire shape.
 */
import { EventBusError } from "../../../events/bus/errors.js";
import type { PutEventsRequestEntry } from "../../../events/envelope.js";
import { testEventPattern } from "../../../events/pattern/index.js";
import type { RuleState } from "../../../store/events-port.js";
import type { EventsApi } from "../../context.js";
import {
  arrayOf,
  bool,
  int,
  type Members,
  optional,
  record,
  required,
  str,
} from "../sfn/members.js";
import { toAwsTimestamp } from "../timestamp.js";
import { busShape, ruleShape } from "./shapes.js";

type Operation = (request: Members, events: EventsApi, account: string) => Promise<unknown>;

const page = (request: Members) => ({
  limit: int(request, "Limit", { min: 0, max: 100 }) || 100,
  ...(optional(request, "NextToken", str) !== undefined && {
    nextToken: str(request, "NextToken"),
  }),
});
const next = (token: string | undefined) => (token ? { NextToken: token } : {});
const busOf = (request: Members) => optional(request, "EventBusName", str);
const ts = (ms: number) => toAwsTimestamp(new Date(ms));

/** Operation name → implementation. */
export const eventBridgeOperations: Record<string, Operation> = {
  async PutEvents(request, events) {
    const entries = required(request, "Entries", arrayOf) as PutEventsRequestEntry[];
    return events.bus.putEvents(entries);
  },
  async PutRule(request, events) {
    const RuleArn = await events.bus.putRule({
      Name: required(request, "Name", str),
      EventBusName: busOf(request),
      EventPattern: optional(request, "EventPattern", str),
      ScheduleExpression: optional(request, "ScheduleExpression", str),
      State: optional(request, "State", str) as RuleState | undefined,
      Description: optional(request, "Description", str),
      RoleArn: optional(request, "RoleArn", str),
    });
    return { RuleArn };
  },
  async DescribeRule(request, events, account) {
    return ruleShape(
      await events.bus.describeRule(required(request, "Name", str), busOf(request)),
      account,
    );
  },
  async ListRules(request, events, account) {
    const result = await events.bus.listRules(
      busOf(request),
      optional(request, "NamePrefix", str),
      page(request),
    );
    return {
      Rules: result.items.map((rule) => ruleShape(rule, account)),
      ...next(result.nextToken),
    };
  },
  async DeleteRule(request, events) {
    await events.bus.deleteRule(
      required(request, "Name", str),
      busOf(request),
      optional(request, "Force", bool) ?? false,
    );
    return {};
  },
  async EnableRule(request, events) {
    await events.bus.setRuleState(required(request, "Name", str), busOf(request), "ENABLED");
    return {};
  },
  async DisableRule(request, events) {
    await events.bus.setRuleState(required(request, "Name", str), busOf(request), "DISABLED");
    return {};
  },
  async PutTargets(request, events) {
    await events.bus.putTargets(
      required(request, "Rule", str),
      busOf(request),
      required(request, "Targets", arrayOf),
    );
    return { FailedEntryCount: 0, FailedEntries: [] };
  },
  async RemoveTargets(request, events) {
    const ids = required(request, "Ids", arrayOf).map((id) => String(id));
    await events.bus.removeTargets(required(request, "Rule", str), busOf(request), ids);
    return { FailedEntryCount: 0, FailedEntries: [] };
  },
  async ListTargetsByRule(request, events) {
    return {
      Targets: await events.bus.listTargets(required(request, "Rule", str), busOf(request)),
    };
  },
  async TestEventPattern(request) {
    const pattern = required(request, "EventPattern", str);
    const event = required(request, "Event", str);
    return { Result: testEventPattern(pattern, event) };
  },
  async CreateEventBus(request, events) {
    const bus = await events.bus.createEventBus(
      required(request, "Name", str),
      optional(request, "Description", str),
    );
    return { EventBusArn: bus.arn };
  },
  async DescribeEventBus(request, events) {
    return busShape(await events.bus.describeEventBus(optional(request, "Name", str)));
  },
  async ListEventBuses(request, events) {
    const result = await events.bus.listEventBuses(
      optional(request, "NamePrefix", str),
      page(request),
    );
    return { EventBuses: result.items.map(busShape), ...next(result.nextToken) };
  },
  async DeleteEventBus(request, events) {
    await events.bus.deleteEventBus(required(request, "Name", str));
    return {};
  },
  async CreateConnection(request, events) {
    const type = required(request, "AuthorizationType", str);
    const params = required(request, "AuthParameters", record);
    let connection: Awaited<ReturnType<EventsApi["connections"]["createConnection"]>>;
    const name = required(request, "Name", str);
    const description = optional(request, "Description", str);
    if (type === "BASIC") {
      const basic = required(params, "BasicAuthParameters", record);
      connection = await events.connections.createConnection(
        name,
        { type, username: str(basic, "Username"), password: str(basic, "Password") },
        description,
      );
    } else if (type === "API_KEY") {
      const key = required(params, "ApiKeyAuthParameters", record);
      connection = await events.connections.createConnection(
        name,
        { type, apiKeyName: str(key, "ApiKeyName"), apiKeyValue: str(key, "ApiKeyValue") },
        description,
      );
    } else {
      throw new EventBusError(
        "ValidationException",
        `AuthorizationType ${type} is not supported by opsflow yet (BASIC and API_KEY are).`,
      );
    }
    return {
      ConnectionArn: connection.arn,
      ConnectionState: "AUTHORIZED",
      CreationTime: ts(connection.createdAt),
      LastModifiedTime: ts(connection.createdAt),
    };
  },
  async CreateApiDestination(request, events) {
    const destination = await events.connections.createApiDestination(
      required(request, "Name", str),
      required(request, "ConnectionArn", str),
      required(request, "InvocationEndpoint", str),
      required(request, "HttpMethod", str),
      optional(request, "Description", str),
    );
    return {
      ApiDestinationArn: destination.arn,
      ApiDestinationState: "ACTIVE",
      CreationTime: ts(destination.createdAt),
      LastModifiedTime: ts(destination.createdAt),
    };
  },
};
