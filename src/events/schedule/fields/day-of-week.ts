/**
 * Day-of-week field: 1-7 or SUN-SAT (1 = Sunday) with `, - * ? L #`.
 *
 * - `?` means "no constraint here; Day-of-month decides".
 * - `L` alone is the last day of the week (7, Saturday); `nL` is the last weekday n of the
 *   month (`6L` = last Friday).
 * - `n#k` is the k-th weekday n of the month (`2#1` = first Monday); months without a k-th
 *   one do not fire. AWS allows only one `#` expression in the field ("3#1,6#3" is invalid).
 *
 * Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 */
import { cronWeekday, daysInMonth } from "../calendar.js";
import { type FieldSpec, fieldError, parseList, parseValue } from "./common.js";

const NAMES = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };

const SPEC: FieldSpec = { label: "Day-of-week", min: 1, max: 7, names: NAMES, wrap: true };

/** A parsed Day-of-week field. */
export type DayOfWeek =
  | { readonly kind: "any" }
  | { readonly kind: "days"; readonly days: readonly number[] }
  | { readonly kind: "lastOfMonth"; readonly weekday: number }
  | { readonly kind: "nth"; readonly weekday: number; readonly nth: number };

/** Parses the Day-of-week field. */
export function parseDayOfWeek(text: string): DayOfWeek {
  if (text === "?") return { kind: "any" };
  const upper = text.toUpperCase();
  if (upper === "L") return { kind: "days", days: [7] };
  if (upper.includes("#")) {
    if (upper.includes(",")) {
      fieldError(SPEC, text, "only one '#' expression is allowed in the field");
    }
    const match = /^([A-Z0-9]+)#(\d+)$/.exec(upper);
    if (!match) fieldError(SPEC, text, "expected weekday#n, e.g. 2#1");
    const nth = Number(match[2]);
    if (nth < 1 || nth > 5) fieldError(SPEC, text, `occurrence ${nth} is outside 1-5`);
    return { kind: "nth", weekday: parseValue(SPEC, match[1], text), nth };
  }
  const last = /^([A-Z0-9]+)L$/.exec(upper);
  if (last) return { kind: "lastOfMonth", weekday: parseValue(SPEC, last[1], text) };
  if (upper.includes("?") || /L$|L,|L-|L\//.test(upper)) {
    fieldError(SPEC, text, "'L' and '?' cannot be combined with other values");
  }
  return { kind: "days", days: parseList(SPEC, text) };
}

/** True when the civil date matches the field. */
export function matchesDayOfWeek(
  field: DayOfWeek,
  year: number,
  month: number,
  day: number,
): boolean {
  if (field.kind === "any") return true;
  const weekday = cronWeekday(year, month, day);
  switch (field.kind) {
    case "days":
      return field.days.includes(weekday);
    case "lastOfMonth":
      return weekday === field.weekday && day + 7 > daysInMonth(year, month);
    case "nth":
      return weekday === field.weekday && Math.ceil(day / 7) === field.nth;
  }
}
