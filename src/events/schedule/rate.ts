/**
 * Rate expressions: `rate(value unit)`.
 *
 * AWS rules (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html):
 * value is a positive integer; unit is minute | minutes | hour | hours | day | days; "If the
 * value is equal to 1, then the unit must be singular. If the value is greater than 1, the
 * unit must be plural. For example, rate(1 hours) and rate(5 hour) are not valid."
 *
 * A rate is a fixed duration: AWS says a day in a rate is 24 hours even when daylight saving
 * time makes a calendar day 23 or 25 hours
 * (https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst), so time zones do not
 * apply to rates.
 */
import { InvalidScheduleExpressionError } from "./errors.js";

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** A parsed rate: its period and unit as written. */
export interface RateFields {
  readonly value: number;
  readonly unit: "minute" | "hour" | "day";
  readonly periodMs: number;
}

/** Parses the text between `rate(` and `)`. Throws InvalidScheduleExpressionError. */
export function parseRateFields(body: string): RateFields {
  const match = /^(\S+) +(\S+)$/.exec(body);
  if (!match) {
    throw new InvalidScheduleExpressionError("a rate expression is rate(value unit)");
  }
  const [, valueText, unitText] = match;
  if (!/^[0-9]+$/.test(valueText) || Number(valueText) < 1) {
    throw new InvalidScheduleExpressionError(
      `rate value '${valueText}' must be a positive integer`,
    );
  }
  const value = Number(valueText);
  if (!Number.isSafeInteger(value)) {
    throw new InvalidScheduleExpressionError(`rate value '${valueText}' is too large`);
  }
  const singular = unitText.replace(/s$/, "");
  if (!(singular in UNIT_MS)) {
    throw new InvalidScheduleExpressionError(
      `rate unit '${unitText}' must be minute(s), hour(s) or day(s)`,
    );
  }
  const plural = unitText.endsWith("s");
  if (value === 1 && plural) {
    throw new InvalidScheduleExpressionError(
      `with a value of 1 the unit must be singular ('${singular}')`,
    );
  }
  if (value > 1 && !plural) {
    throw new InvalidScheduleExpressionError(
      `with a value above 1 the unit must be plural ('${singular}s')`,
    );
  }
  const unit = singular as keyof typeof UNIT_MS;
  return { value, unit, periodMs: value * UNIT_MS[unit] };
}
