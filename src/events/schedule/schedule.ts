/**
 * Parsed schedules and their next fire time.
 *
 * Daylight saving time (cron and at schedules in a zone other than UTC), as EventBridge
 * Scheduler documents it (https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst:
 * "When the time shifts forward in Spring, your schedule invocation gets skipped if the cron
 * expression falls on a non-existent date and time. When the time shifts back in the Fall,
 * your schedule runs only once and doesn't repeat its invocation"):
 * - a cron wall-clock time inside a spring-forward gap (02:30 on the night New York jumps from
 *   02:00 to 03:00) does not fire that day;
 * - a cron wall-clock time that occurs twice in a fall-back overlap (01:30 in New York on the
 *   first Sunday of November) fires once, at its first occurrence (the daylight-time one);
 * - an `at()` time inside a gap fires at the same wall-clock time shifted by the gap (02:30 →
 *   03:30 daylight time): a one-time schedule that silently never runs would be worse; an
 *   `at()` time in an overlap fires at its first occurrence.
 * Rates are fixed durations and ignore the zone.
 */
import { parseAtLocalMs } from "./at.js";
import { type CronFields, localMatches, parseCronFields } from "./cron.js";
import { InvalidScheduleExpressionError } from "./errors.js";
import { parseRateFields, type RateFields } from "./rate.js";
import { checkTimeZone, instantsFor, offsetAt, toLocalMs } from "./zone.js";

/** A `rate(value unit)` schedule, anchored at the rule's creation time. */
export interface RateSchedule extends RateFields {
  readonly kind: "rate";
  readonly expression: string;
  /** Fires at anchor + k × period for k ≥ 1. */
  readonly anchor: Date;
  readonly timeZone: string;
}

/** A `cron(...)` schedule evaluated in `timeZone`. */
export interface CronSchedule extends CronFields {
  readonly kind: "cron";
  readonly expression: string;
  readonly timeZone: string;
}

/** A one-time `at(...)` schedule evaluated in `timeZone`. */
export interface AtSchedule {
  readonly kind: "at";
  readonly expression: string;
  readonly timeZone: string;
  /** The instant it fires. */
  readonly fireAt: Date;
}

/** Any parsed schedule. */
export type Schedule = RateSchedule | CronSchedule | AtSchedule;

/** Options of parseSchedule. */
export interface ScheduleOptions {
  /** IANA time zone for cron and at expressions; `UTC` when omitted. */
  readonly timeZone?: string;
  /**
   * Anchor of rate schedules: the rule's creation time (EventBridge starts counting when the
   * rule is created). Defaults to the Unix epoch, which aligns rates on whole units.
   */
  readonly anchor?: Date;
}

/**
 * Parses and validates a schedule expression: `rate(value unit)`, `cron(fields)` or
 * `at(yyyy-mm-ddThh:mm:ss)`. Throws InvalidScheduleExpressionError (message
 * `Parameter ScheduleExpression is not valid.`, details in `reason`).
 */
export function parseSchedule(expression: string, options: ScheduleOptions = {}): Schedule {
  if (typeof expression !== "string") {
    throw new InvalidScheduleExpressionError("the schedule expression must be a string");
  }
  const timeZone = checkTimeZone(options.timeZone ?? "UTC");
  // AWS's ScheduleExpression is at most 256 characters (PutRule API reference).
  if (expression.length > 256) {
    throw new InvalidScheduleExpressionError("the expression is longer than 256 characters");
  }
  const match = /^(rate|cron|at)\((.*)\)$/s.exec(expression);
  if (!match) {
    throw new InvalidScheduleExpressionError(
      "expected rate(value unit), cron(fields) or at(yyyy-mm-ddThh:mm:ss)",
    );
  }
  const [, kind, body] = match;
  if (kind === "rate") {
    const anchor = options.anchor ?? new Date(0);
    if (Number.isNaN(anchor.getTime())) {
      throw new TypeError("the anchor of a rate schedule must be a valid Date");
    }
    return { kind, expression, timeZone, anchor, ...parseRateFields(body) };
  }
  if (kind === "cron") return { kind, expression, timeZone, ...parseCronFields(body) };
  const local = parseAtLocalMs(body);
  return { kind: "at", expression, timeZone, fireAt: new Date(atInstant(timeZone, local)) };
}

/** The instant an `at()` wall time designates (see the DST notes above). */
function atInstant(zone: string, localMs: number): number {
  const instants = instantsFor(zone, localMs);
  if (instants.length > 0) return instants[0];
  // In a gap: keep the wall time, using the offset in force before the gap.
  return localMs - offsetAt(zone, localMs - 86_400_000);
}

/**
 * Validates a schedule expression (and time zone) without keeping the result. Throws
 * InvalidScheduleExpressionError.
 */
export function validateScheduleExpression(expression: string, options: ScheduleOptions = {}) {
  parseSchedule(expression, options);
}

/**
 * The first time strictly after `after` at which the schedule fires, or undefined when it
 * never fires again (a past `at()`, a cron whose Year range is over).
 */
export function nextFireTime(schedule: Schedule, after: Date): Date | undefined {
  const afterMs = after.getTime();
  if (Number.isNaN(afterMs)) throw new TypeError("nextFireTime needs a valid Date");
  switch (schedule.kind) {
    case "at":
      return schedule.fireAt.getTime() > afterMs ? schedule.fireAt : undefined;
    case "rate": {
      const anchor = schedule.anchor.getTime();
      const k = Math.max(1, Math.floor((afterMs - anchor) / schedule.periodMs) + 1);
      return new Date(anchor + k * schedule.periodMs);
    }
    case "cron":
      return nextCron(schedule, afterMs);
  }
}

function nextCron(schedule: CronSchedule, afterMs: number): Date | undefined {
  const zone = schedule.timeZone;
  // Start at the wall-clock minute after `after`: an earlier wall time can never designate
  // an instant after `after` (its first occurrence is earlier still).
  const fromLocal = Math.floor(toLocalMs(zone, afterMs) / 60_000) * 60_000 + 60_000;
  for (const local of localMatches(schedule, fromLocal)) {
    const instants = instantsFor(zone, local);
    // Gap: no instant, skipped. Overlap: only the first occurrence fires.
    if (instants.length > 0 && instants[0] > afterMs) return new Date(instants[0]);
  }
  return undefined;
}

/** The next `count` fire times after `after` (fewer when the schedule ends). */
export function upcomingFireTimes(schedule: Schedule, after: Date, count: number): Date[] {
  const out: Date[] = [];
  let cursor = after;
  while (out.length < count) {
    const next = nextFireTime(schedule, cursor);
    if (!next) break;
    out.push(next);
    cursor = next;
  }
  return out;
}
