/**
 * EventBridge cron expressions: `cron(Minutes Hours Day-of-month Month Day-of-week Year)`.
 *
 * Rules enforced (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html):
 * six fields separated by white space; exactly one of Day-of-month and Day-of-week is `?`
 * ("If you specify a value or a * in one of the fields, you must use a ? in the other");
 * one `#` expression at most. Expressions that match no date at all within their Year field
 * (at most 1970-2199), such as `cron(0 0 31 2 ? *)`, are refused: AWS accepts some of them but
 * they would sit forever without firing, which is always a mistake.
 */
import { daysInMonth } from "./calendar.js";
import { InvalidScheduleExpressionError } from "./errors.js";
import { type DayOfMonth, matchesDayOfMonth, parseDayOfMonth } from "./fields/day-of-month.js";
import { type DayOfWeek, matchesDayOfWeek, parseDayOfWeek } from "./fields/day-of-week.js";
import { parseHours } from "./fields/hours.js";
import { parseMinutes } from "./fields/minutes.js";
import { parseMonths } from "./fields/month.js";
import { parseYears } from "./fields/year.js";

/** The parsed fields of a cron expression. */
export interface CronFields {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly dayOfMonth: DayOfMonth;
  readonly months: readonly number[];
  readonly dayOfWeek: DayOfWeek;
  readonly years: readonly number[];
}

/** Parses the text between `cron(` and `)`. Throws InvalidScheduleExpressionError. */
export function parseCronFields(body: string): CronFields {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6 || parts[0] === "") {
    throw new InvalidScheduleExpressionError(
      `a cron expression has six fields (Minutes Hours Day-of-month Month Day-of-week Year), got ${parts[0] === "" ? 0 : parts.length}`,
    );
  }
  const [min, hour, dom, month, dow, year] = parts;
  const domQ = dom === "?";
  const dowQ = dow === "?";
  if (domQ === dowQ) {
    throw new InvalidScheduleExpressionError(
      domQ
        ? "Day-of-month and Day-of-week cannot both be '?'"
        : "Day-of-month and Day-of-week cannot both be specified: one of them must be '?'",
    );
  }
  const fields: CronFields = {
    minutes: parseMinutes(min),
    hours: parseHours(hour),
    dayOfMonth: parseDayOfMonth(dom),
    months: parseMonths(month),
    dayOfWeek: parseDayOfWeek(dow),
    years: parseYears(year),
  };
  if (firstMatchingDay(fields, fields.years[0], 1, 1) === undefined) {
    throw new InvalidScheduleExpressionError(
      `cron(${body.trim()}) never fires: no date in its Year range matches its day and month fields`,
    );
  }
  return fields;
}

/** True when the civil date satisfies the day and month fields. */
export function matchesDate(fields: CronFields, year: number, month: number, day: number): boolean {
  return (
    fields.months.includes(month) &&
    matchesDayOfMonth(fields.dayOfMonth, year, month, day) &&
    matchesDayOfWeek(fields.dayOfWeek, year, month, day)
  );
}

/**
 * The first civil date on or after (year, month, day) matching the day, month and year fields,
 * as [y, m, d], or undefined when there is none before the end of the Year field. Walks only
 * the years and months the expression allows, so the search is bounded by 230 years × 12
 * months × 31 days in the worst case.
 */
export function firstMatchingDay(
  fields: CronFields,
  year: number,
  month: number,
  day: number,
): [number, number, number] | undefined {
  for (const y of fields.years) {
    if (y < year) continue;
    for (const m of fields.months) {
      if (y === year && m < month) continue;
      const first = y === year && m === month ? day : 1;
      const last = daysInMonth(y, m);
      for (let d = first; d <= last; d++) {
        if (matchesDate(fields, y, m, d)) return [y, m, d];
      }
    }
  }
  return undefined;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Matching wall-clock minutes (as local milliseconds, see zone.ts) from `fromLocalMs`
 * (inclusive, rounded up to a whole minute) in ascending order.
 */
export function* localMatches(fields: CronFields, fromLocalMs: number): Generator<number> {
  let from = Math.ceil(fromLocalMs / MINUTE) * MINUTE;
  for (;;) {
    const start = new Date(from);
    const found = firstMatchingDay(
      fields,
      start.getUTCFullYear(),
      start.getUTCMonth() + 1,
      start.getUTCDate(),
    );
    if (!found) return;
    const [y, m, d] = found;
    const dayStart = Date.UTC(y, m - 1, d);
    const sameDay =
      dayStart === Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
    const minOfDay = sameDay ? start.getUTCHours() * 60 + start.getUTCMinutes() : 0;
    for (const h of fields.hours) {
      if (h * 60 + 59 < minOfDay) continue;
      for (const mi of fields.minutes) {
        if (h * 60 + mi < minOfDay) continue;
        yield dayStart + (h * 60 + mi) * MINUTE;
      }
    }
    from = dayStart + DAY;
  }
}
