/** EventBridge wire shapes of rules and buses. */
import type { EventBusRecord, EventRuleRecord } from "../../../store/events-port.js";
import { toAwsTimestamp } from "../timestamp.js";

/** DescribeRule's answer (also an item of ListRules). */
export function ruleShape(rule: EventRuleRecord, account: string) {
  return {
    Name: rule.name,
    Arn: rule.arn,
    ...(rule.eventPattern !== undefined && { EventPattern: rule.eventPattern }),
    ...(rule.scheduleExpression !== undefined && { ScheduleExpression: rule.scheduleExpression }),
    State: rule.state,
    ...(rule.description !== undefined && { Description: rule.description }),
    ...(rule.roleArn !== undefined && { RoleArn: rule.roleArn }),
    EventBusName: rule.eventBusName,
    CreatedBy: account,
  };
}

/** An event bus as DescribeEventBus / ListEventBuses answer it. */
export function busShape(bus: EventBusRecord) {
  return {
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.description !== undefined && { Description: bus.description }),
    CreationTime: toAwsTimestamp(new Date(bus.createdAt)),
    LastModifiedTime: toAwsTimestamp(new Date(bus.createdAt)),
  };
}
