/**
 * Timestamps as AWS accepts them at run time (Wait's Timestamp/TimestampPath, Choice's
 * Timestamp* operators and IsTimestamp): RFC 3339 with an uppercase `T` and `Z`, a real calendar
 * date, seconds 00-59, 1 to 9 fraction digits (nanoseconds, as AWS's Java parser) and offsets up
 * to ±18:00.
 */

/** `[epochSeconds, nanoseconds]`; reused across evaluations. */
export type InstantScratch = Float64Array;

/** A fresh scratch for `parseTimestamp`. */
export function newInstantScratch(): InstantScratch {
  return new Float64Array(2);
}

const ZERO = 48;

/** The digit at `i` as a number, or -1 when it is not an ASCII digit. */
function digit(text: string, i: number): number {
  const c = text.charCodeAt(i) - ZERO;
  return c >= 0 && c <= 9 ? c : -1;
}

/** The `width`-digit number at `i`, or -1 when any of those characters is not a digit. */
function digits(text: string, i: number, width: number): number {
  let value = 0;
  for (let k = 0; k < width; k++) {
    const d = digit(text, i + k);
    if (d < 0) return -1;
    value = value * 10 + d;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Parses `text` as a timestamp into `out` (`[epochSeconds, nanos]`). Returns false, leaving
 * `out` unspecified, when it is not one.
 */
export function parseTimestamp(text: string, out: InstantScratch): boolean {
  // Fixed part: YYYY-MM-DDTHH:MM:SS is 19 characters; the shortest full form adds "Z".
  if (text.length < 20) return false;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (
    year < 0 ||
    text.charCodeAt(4) !== 45 || // '-'
    month < 1 ||
    month > 12 ||
    text.charCodeAt(7) !== 45 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    text.charCodeAt(10) !== 84 || // 'T'
    hour < 0 ||
    hour > 23 ||
    text.charCodeAt(13) !== 58 || // ':'
    minute < 0 ||
    minute > 59 ||
    text.charCodeAt(16) !== 58 ||
    second < 0 ||
    second > 59
  ) {
    return false;
  }
  let i = 19;
  let nanos = 0;
  if (text.charCodeAt(i) === 46) {
    // '.': 1 to 9 fraction digits, scaled to nanoseconds.
    i++;
    let count = 0;
    for (let d = digit(text, i); d >= 0; d = digit(text, i)) {
      if (++count > 9) return false;
      nanos = nanos * 10 + d;
      i++;
    }
    if (count === 0) return false;
    for (let k = count; k < 9; k++) nanos *= 10;
  }
  let offsetSeconds = 0;
  const zone = text.charCodeAt(i);
  if (zone === 90) {
    // 'Z'
    i++;
  } else if (zone === 43 || zone === 45) {
    // '+' or '-' HH:MM
    const offsetHour = digits(text, i + 1, 2);
    const offsetMinute = digits(text, i + 4, 2);
    if (
      offsetHour < 0 ||
      text.charCodeAt(i + 3) !== 58 ||
      offsetMinute < 0 ||
      offsetMinute > 59 ||
      // Java's ZoneOffset (behind AWS's parser) stops at ±18:00.
      offsetHour * 60 + offsetMinute > 18 * 60
    ) {
      return false;
    }
    offsetSeconds = (offsetHour * 3600 + offsetMinute * 60) * (zone === 43 ? 1 : -1);
    i += 6;
  } else {
    return false;
  }
  if (i !== text.length) return false;
  out[0] =
    daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
  out[1] = nanos;
  return true;
}

/** Epoch milliseconds of a valid timestamp, or undefined when the text is not one. */
export function timestampMillis(text: string): number | undefined {
  const instant = newInstantScratch();
  if (!parseTimestamp(text, instant)) return undefined;
  return instant[0] * 1000 + Math.floor(instant[1] / 1_000_000);
}
