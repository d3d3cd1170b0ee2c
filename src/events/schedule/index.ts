/**
 * Schedules of scheduled rules: `rate(...)`, EventBridge `cron(...)` and EventBridge Scheduler
 * `at(...)`, each with an optional IANA time zone, and their next fire times. Pure: the
 * current time is always passed in.
 *
 * Files: schedule.ts (parse dispatch, nextFireTime, DST rules), rate.ts, cron.ts, at.ts,
 * fields/ (one file per cron field kind), zone.ts (Intl time zones), calendar.ts, errors.ts.
 */
export { INVALID_SCHEDULE_MESSAGE, InvalidScheduleExpressionError } from "./errors.js";
export {
  type AtSchedule,
  type CronSchedule,
  nextFireTime,
  parseSchedule,
  type RateSchedule,
  type Schedule,
  type ScheduleOptions,
  upcomingFireTimes,
  validateScheduleExpression,
} from "./schedule.js";
