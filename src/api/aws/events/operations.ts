/**
 * The EventBridge operations of the AWS endpoint (`X-Amz-Target: AWSEvents.*`), in one table:
 * each reads its request members, calls the event bus services and returns the wire shape.
 * Archives and replays, connections and API destinations have their own tables.
 */
import { testEventPattern } from "../../../events/pattern/index.js";
import type { RuleState } from "../../../store/events-port.js";
import { arrayOf, bool, type Members, optional, required, str } from "../sfn/members.js";
import { archiveOperations } from "./archive-operations.js";
import { connectionOperations } from "./connection-operations.js";
import { next, type Operation, page } from "./request.js";
import { busShape, ruleShape } from "./shapes.js";

const busOf = (request: Members) => optional(request, "EventBusName", str);

/** Operation name → implementation. */
export const eventBridgeOperations: Record<string, Operation> = {
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
    return events.bus.putTargets(
      required(request, "Rule", str),
      busOf(request),
      required(request, "Targets", arrayOf),
    );
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
  ...archiveOperations,
  ...connectionOperations,
};
