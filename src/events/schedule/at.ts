/**
 * One-time schedules, EventBridge Scheduler syntax: `at(yyyy-mm-ddThh:mm:ss)`, a wall-clock
 * time in the schedule's time zone
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#one-time).
 */
import { daysInMonth } from "./calendar.js";
import { InvalidScheduleExpressionError } from "./errors.js";

/** Parses the text between `at(` and `)` into local milliseconds (see zone.ts). */
export function parseAtLocalMs(body: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!match) {
    throw new InvalidScheduleExpressionError(
      `'${body}' is not a date-time of the form yyyy-mm-ddThh:mm:ss`,
    );
  }
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    throw new InvalidScheduleExpressionError(`'${body}' is not a valid calendar date and time`);
  }
  return Date.UTC(y, mo - 1, d, h, mi, s);
}
