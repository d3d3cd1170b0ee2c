/**
 * PutRule validation: the name, EventPattern or ScheduleExpression (at least one), the
 * pattern compiled as the matcher will run it, a schedule that fires at least once more.
 */

import type { EventRuleRecord, RuleState } from "../../store/events-port.js";
import { compilePattern, InvalidEventPatternError } from "../pattern/index.js";
import { InvalidScheduleExpressionError } from "../schedule/index.js";
import { EventBusError } from "./errors.js";
import { nextFireOf } from "./schedule-loop.js";

/** What PutRule takes. */
export interface PutRuleInput {
  Name: string;
  EventBusName?: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State?: RuleState;
  Description?: string;
  RoleArn?: string;
}

const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const invalid = (message: string) => new EventBusError("ValidationException", message);

/** A rule name as AWS accepts it. */
export function checkRuleName(name: unknown): string {
  if (typeof name !== "string" || !NAME.test(name))
    throw invalid("Rule name must be 1-64 characters of A-Z, a-z, 0-9, '.', '-' and '_'.");
  return name;
}

/**
 * Validates a PutRule request and builds the record (the caller fills arn and times).
 * `previous` is the rule being replaced, whose schedule position is kept when unchanged.
 */
export function buildRule(
  input: PutRuleInput,
  busName: string,
  arn: string,
  now: number,
  previous: EventRuleRecord | undefined,
): EventRuleRecord {
  const name = checkRuleName(input.Name);
  if (input.EventPattern === undefined && input.ScheduleExpression === undefined)
    throw invalid("Parameter(s) EventPattern or ScheduleExpression must be specified.");
  if (input.State !== undefined && input.State !== "ENABLED" && input.State !== "DISABLED")
    throw invalid("State must be ENABLED or DISABLED.");
  if (input.Description !== undefined && input.Description.length > 512)
    throw invalid("Description must be at most 512 characters.");
  if (input.EventPattern !== undefined) {
    if (typeof input.EventPattern !== "string" || input.EventPattern.length > 4096)
      throw new EventBusError(
        "InvalidEventPatternException",
        "Event pattern is not valid. Reason: EventPattern must be a JSON string of at most 4096 characters.",
      );
    try {
      compilePattern(input.EventPattern);
    } catch (error) {
      if (error instanceof InvalidEventPatternError)
        throw new EventBusError("InvalidEventPatternException", error.message);
      throw error;
    }
  }
  const record: EventRuleRecord = {
    eventBusName: busName,
    name,
    arn,
    state: input.State ?? "ENABLED",
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
  if (input.EventPattern !== undefined) record.eventPattern = input.EventPattern;
  if (input.Description !== undefined) record.description = input.Description;
  if (input.RoleArn !== undefined) record.roleArn = input.RoleArn;
  if (input.ScheduleExpression !== undefined) {
    if (busName !== "default")
      throw invalid("ScheduleExpression is supported only on the default event bus.");
    record.scheduleExpression = input.ScheduleExpression;
    record.nextFireAt = scheduleStart(record, now, previous);
  }
  return record;
}

/** The first fire time of a (new or changed) schedule; an unchanged one keeps its place. */
function scheduleStart(
  record: EventRuleRecord,
  now: number,
  previous: EventRuleRecord | undefined,
): number {
  if (
    previous !== undefined &&
    previous.scheduleExpression === record.scheduleExpression &&
    previous.state === "ENABLED" &&
    previous.nextFireAt !== undefined
  )
    return previous.nextFireAt;
  let next: number | undefined;
  try {
    next = nextFireOf(record, now);
  } catch (error) {
    if (error instanceof InvalidScheduleExpressionError) throw invalid(error.detailedMessage);
    throw error;
  }
  if (next === undefined)
    throw invalid(
      `Parameter ScheduleExpression is not valid. Reason: '${record.scheduleExpression}' never fires after ${new Date(now).toISOString()}.`,
    );
  return next;
}
