/**
 * Day-of-month field: 1-31 with `, - * ? / L W`.
 *
 * - `?` means "no constraint here; Day-of-week decides".
 * - `L` is the last day of the month, `LW` the last weekday (Mon-Fri) of the month.
 * - `nW` is the weekday nearest to day n without leaving the month (Quartz rule: a Saturday
 *   moves back to Friday unless that leaves the month, a Sunday moves on to Monday unless that
 *   leaves the month). When day n does not exist in a month, that month does not fire.
 *
 * `L` and `W` stand alone (no lists or ranges), as in Quartz.
 * Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 */
import { cronWeekday, daysInMonth } from "../calendar.js";
import { type FieldSpec, fieldError, parseList, parseValue } from "./common.js";

const SPEC: FieldSpec = { label: "Day-of-month", min: 1, max: 31, wrap: false };

/** A parsed Day-of-month field. */
export type DayOfMonth =
  | { readonly kind: "any" }
  | { readonly kind: "days"; readonly days: readonly number[] }
  | { readonly kind: "last" }
  | { readonly kind: "lastWeekday" }
  | { readonly kind: "nearestWeekday"; readonly day: number };

/** Parses the Day-of-month field. */
export function parseDayOfMonth(text: string): DayOfMonth {
  if (text === "?") return { kind: "any" };
  const upper = text.toUpperCase();
  if (upper === "L") return { kind: "last" };
  if (upper === "LW") return { kind: "lastWeekday" };
  const nearest = /^(\d+)W$/.exec(upper);
  if (nearest) return { kind: "nearestWeekday", day: parseValue(SPEC, nearest[1], text) };
  if (/[LW?]/i.test(text)) {
    fieldError(SPEC, text, "'L', 'W' and '?' cannot be combined with other values");
  }
  return { kind: "days", days: parseList(SPEC, text) };
}

/** The weekday nearest to `day` within the month, or undefined when the day does not exist. */
function nearestWeekday(year: number, month: number, day: number): number | undefined {
  const last = daysInMonth(year, month);
  if (day > last) return undefined;
  const weekday = cronWeekday(year, month, day);
  if (weekday === 7) return day === 1 ? 3 : day - 1; // Saturday
  if (weekday === 1) return day === last ? day - 2 : day + 1; // Sunday
  return day;
}

/** True when the civil date matches the field. */
export function matchesDayOfMonth(
  field: DayOfMonth,
  year: number,
  month: number,
  day: number,
): boolean {
  switch (field.kind) {
    case "any":
      return true;
    case "days":
      return field.days.includes(day);
    case "last":
      return day === daysInMonth(year, month);
    case "lastWeekday": {
      const last = daysInMonth(year, month);
      const weekday = cronWeekday(year, month, last);
      const target = weekday === 7 ? last - 1 : weekday === 1 ? last - 2 : last;
      return day === target;
    }
    case "nearestWeekday":
      return day === nearestWeekday(year, month, field.day);
  }
}
