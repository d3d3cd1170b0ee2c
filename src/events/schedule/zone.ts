/**
 * IANA time zones with `Intl` only: the offset of a zone at an instant, and the instants that
 * show a given wall-clock time. No clock is read.
 *
 * Wall-clock times are carried as "local milliseconds": the wall time encoded as if it were
 * UTC (`Date.UTC(y, m - 1, d, h, mi, s)`), which makes calendar arithmetic trivial.
 */
import { InvalidScheduleExpressionError } from "./errors.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * Checks an IANA zone name (e.g. `America/New_York`, `UTC`) and returns its canonical form.
 * Throws InvalidScheduleExpressionError for an unknown zone.
 */
export function checkTimeZone(zone: string): string {
  if (typeof zone !== "string" || zone === "") {
    throw new InvalidScheduleExpressionError(
      "the time zone must be a non-empty IANA name",
      "ScheduleExpressionTimezone",
    );
  }
  try {
    return formatter(zone).resolvedOptions().timeZone;
  } catch {
    throw new InvalidScheduleExpressionError(
      `'${zone}' is not a known IANA time zone`,
      "ScheduleExpressionTimezone",
    );
  }
}

/** The wall-clock time (as local milliseconds) that `zone` shows at `utcMs`. */
export function toLocalMs(zone: string, utcMs: number): number {
  if (zone === "UTC") return utcMs;
  const parts = formatter(zone).formatToParts(new Date(utcMs));
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of parts) {
    switch (part.type) {
      case "year":
        year = Number(part.value);
        break;
      case "month":
        month = Number(part.value);
        break;
      case "day":
        day = Number(part.value);
        break;
      case "hour":
        hour = Number(part.value);
        break;
      case "minute":
        minute = Number(part.value);
        break;
      case "second":
        second = Number(part.value);
        break;
      case "era":
        bc = part.value === "BC" || part.value === "B";
        break;
    }
  }
  if (bc) year = 1 - year;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, utcMs - Math.floor(utcMs / 1000) * 1000);
  return d.getTime();
}

/** Offset of `zone` from UTC at `utcMs`, in milliseconds (local = utc + offset). */
export function offsetAt(zone: string, utcMs: number): number {
  return toLocalMs(zone, utcMs) - utcMs;
}

const DAY = 86_400_000;

/**
 * Every instant at which `zone` shows the wall time `localMs`, earliest first: one normally,
 * none in a spring-forward gap, two in a fall-back overlap. Real zones change offset at most
 * once within a day either side, so the offsets a day before, at, and a day after cover all
 * candidates.
 */
export function instantsFor(zone: string, localMs: number): number[] {
  if (zone === "UTC") return [localMs];
  const offsets = new Set([
    offsetAt(zone, localMs - DAY),
    offsetAt(zone, localMs),
    offsetAt(zone, localMs + DAY),
  ]);
  const out: number[] = [];
  for (const offset of offsets) {
    const utc = localMs - offset;
    if (toLocalMs(zone, utc) === localMs && !out.includes(utc)) out.push(utc);
  }
  return out.sort((a, b) => a - b);
}
