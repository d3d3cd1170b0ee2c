/**
 * Schedules: rate/cron/at parsing and validation with AWS's rules, nextFireTime on AWS's
 * documented examples, DST in America/New_York and Europe/Berlin, and properties (the next
 * fire time is later than its argument and matches every field of the expression).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  INVALID_SCHEDULE_MESSAGE,
  InvalidScheduleExpressionError,
  nextFireTime,
  parseSchedule,
  type Schedule,
  upcomingFireTimes,
} from "../../src/events/schedule/index.js";

const iso = (d: Date | undefined) => d?.toISOString();
const next = (expr: string, after: string, timeZone?: string) =>
  iso(nextFireTime(parseSchedule(expr, { timeZone }), new Date(after)));
const upcoming = (expr: string, after: string, n: number, timeZone?: string) =>
  upcomingFireTimes(parseSchedule(expr, { timeZone }), new Date(after), n).map((d) =>
    d.toISOString(),
  );

function rejects(expr: string, reason?: RegExp, timeZone?: string) {
  assert.throws(
    () => parseSchedule(expr, { timeZone }),
    (error: unknown) => {
      assert.ok(error instanceof InvalidScheduleExpressionError, `${expr}: ${String(error)}`);
      if (timeZone === undefined) assert.equal(error.message, INVALID_SCHEDULE_MESSAGE);
      assert.equal(error.code, "ValidationException");
      if (reason) assert.match(error.reason, reason);
      return true;
    },
    expr,
  );
}

describe("rate expressions", () => {
  test("singular with 1, plural above", () => {
    for (const ok of [
      "rate(1 minute)",
      "rate(5 minutes)",
      "rate(1 hour)",
      "rate(12 hours)",
      "rate(1 day)",
      "rate(7 days)",
    ]) {
      assert.equal(parseSchedule(ok).kind, "rate", ok);
    }
    rejects("rate(1 hours)", /singular/);
    rejects("rate(5 hour)", /plural/);
    rejects("rate(1 minutes)", /singular/);
    rejects("rate(2 day)", /plural/);
  });

  test("bad values and units", () => {
    rejects("rate(0 minutes)", /positive integer/);
    rejects("rate(-1 minutes)", /positive integer/);
    rejects("rate(1.5 hours)", /positive integer/);
    rejects("rate(5 seconds)", /unit/);
    rejects("rate(5 weeks)", /unit/);
    rejects("rate(5)", /rate\(value unit\)/);
    rejects("rate()", /rate\(value unit\)/);
    rejects("rate(5 minutes", /expected/);
    rejects("Rate(5 minutes)", /expected/);
    rejects("rate(99999999999999999999 days)", /too large/);
  });

  test("anchored at the rule's creation time, fixed durations", () => {
    const anchor = new Date("2024-01-01T10:07:13Z");
    const s = parseSchedule("rate(5 minutes)", { anchor });
    assert.equal(iso(nextFireTime(s, anchor)), "2024-01-01T10:12:13.000Z");
    assert.equal(
      iso(nextFireTime(s, new Date("2023-12-01T00:00:00Z"))),
      "2024-01-01T10:12:13.000Z",
    );
    assert.equal(
      iso(nextFireTime(s, new Date("2024-01-01T10:12:13Z"))),
      "2024-01-01T10:17:13.000Z",
    );
    assert.equal(
      iso(nextFireTime(s, new Date("2024-01-01T10:12:12.999Z"))),
      "2024-01-01T10:12:13.000Z",
    );
    // A day is 24 hours even across DST (rates ignore the zone).
    const daily = parseSchedule("rate(1 day)", {
      anchor: new Date("2024-03-09T12:00:00Z"),
      timeZone: "America/New_York",
    });
    assert.equal(
      iso(nextFireTime(daily, new Date("2024-03-09T12:00:00Z"))),
      "2024-03-10T12:00:00.000Z",
    );
    assert.equal(
      iso(nextFireTime(daily, new Date("2024-03-10T12:00:00Z"))),
      "2024-03-11T12:00:00.000Z",
    );
  });

  test("default anchor is the epoch", () => {
    assert.equal(next("rate(1 hour)", "2024-05-05T10:30:00Z"), "2024-05-05T11:00:00.000Z");
  });
});

describe("cron syntax", () => {
  test("AWS documentation examples parse", () => {
    for (const expr of [
      "cron(0 10 * * ? *)",
      "cron(15 12 * * ? *)",
      "cron(0 18 ? * MON-FRI *)",
      "cron(0 8 1 * ? *)",
      "cron(0/15 * * * ? *)",
      "cron(0/10 * ? * MON-FRI *)",
      "cron(0/5 8-17 ? * MON-FRI *)",
      "cron(0 9 ? * 2#1 *)",
      "cron(0 0 L * ? *)",
      "cron(0 0 ? * 6L *)",
      "cron(0 0 3W * ? *)",
      "cron(0 0 LW * ? *)",
      "cron(0 0 ? JAN,FEB,MAR L 2030-2035)",
      "cron(0 0 1 jan ? *)",
      "cron(0 0 ? * sun *)",
      "cron(1/10 * * * ? *)",
      "cron(0 22-2 * * ? *)",
      "cron(0 0 ? * FRI-MON *)",
      "cron(0 0 1 */3 ? 2024/2)",
    ]) {
      assert.equal(parseSchedule(expr).kind, "cron", expr);
    }
  });

  test("Day-of-month and Day-of-week: exactly one is ?", () => {
    rejects("cron(0 10 * * * *)", /one of them must be '\?'/);
    rejects("cron(0 10 1 * MON *)", /one of them must be '\?'/);
    rejects("cron(0 10 ? * ? *)", /both be '\?'/);
  });

  test("field counts, bounds and characters", () => {
    rejects("cron(0 10 * * ?)", /six fields/);
    rejects("cron(0 10 * * ? * *)", /six fields/);
    rejects("cron()", /six fields/);
    rejects("cron(60 * * * ? *)", /Minutes.*outside 0-59/);
    rejects("cron(0 24 * * ? *)", /Hours.*outside 0-23/);
    rejects("cron(0 0 0 * ? *)", /Day-of-month.*outside 1-31/);
    rejects("cron(0 0 32 * ? *)", /Day-of-month/);
    rejects("cron(0 0 1 13 ? *)", /Month.*outside 1-12/);
    rejects("cron(0 0 1 FOO ? *)", /Month.*'FOO'/);
    rejects("cron(0 0 ? * 8 *)", /Day-of-week.*outside 1-7/);
    rejects("cron(0 0 ? * 0 *)", /Day-of-week/);
    rejects("cron(0 0 1 * ? 1969)", /Year.*outside 1970-2199/);
    rejects("cron(0 0 1 * ? 2200)", /Year/);
    rejects("cron(0 0 1 * ? 2030-2020)", /ends before it starts/);
    rejects("cron(0/0 * * * ? *)", /increment/);
    rejects("cron(0/61 * * * ? *)", /increment/);
    rejects("cron(0 0 1,,2 * ? *)", /empty list item/);
    rejects("cron(0 0 1-2-3 * ? *)", /range/);
    rejects("cron(a * * * ? *)", /Minutes/);
    rejects("cron(0 0 L,1 * ? *)", /cannot be combined/);
    rejects("cron(0 0 ? * 3#1,6#3 *)", /only one '#'/);
    rejects("cron(0 0 ? * 3#6 *)", /outside 1-5/);
    rejects("cron(0 0 ? * 3#0 *)", /outside 1-5/);
    rejects("cron(0 0 ? * 6L,2 *)", /Day-of-week/);
    rejects("cron(0 0 1W,2 * ? *)", /cannot be combined/);
    rejects("cron(0 0 32W * ? *)", /outside 1-31/);
  });

  test("expressions that can never fire are refused", () => {
    rejects("cron(0 0 31 2 ? *)", /never fires/);
    rejects("cron(0 0 30 2 ? *)", /never fires/);
    rejects("cron(0 0 31 4,6,9,11 ? *)", /never fires/);
    rejects("cron(0 0 29 2 ? 2100)", /never fires/);
    rejects("cron(0 0 ? 2 2#5 2027)", /never fires/);
    // Rare but possible dates are accepted.
    assert.equal(parseSchedule("cron(0 0 29 2 ? *)").kind, "cron");
    assert.equal(parseSchedule("cron(0 0 ? 2 2#5 *)").kind, "cron");
  });

  test("time zones", () => {
    assert.equal(
      parseSchedule("cron(0 9 * * ? *)", { timeZone: "Europe/Berlin" }).timeZone,
      "Europe/Berlin",
    );
    rejects("cron(0 9 * * ? *)", /IANA/, "Mars/Olympus");
    assert.throws(
      () => parseSchedule("cron(0 9 * * ? *)", { timeZone: "Nowhere/City" }),
      (e: unknown) =>
        e instanceof InvalidScheduleExpressionError && e.parameter === "ScheduleExpressionTimezone",
    );
  });
});

describe("cron next fire times (UTC)", () => {
  const after = "2024-03-06T12:34:56Z"; // a Wednesday
  test("AWS documentation examples", () => {
    assert.deepEqual(upcoming("cron(0 10 * * ? *)", after, 2), [
      "2024-03-07T10:00:00.000Z",
      "2024-03-08T10:00:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(15 12 * * ? *)", after, 2), [
      "2024-03-07T12:15:00.000Z",
      "2024-03-08T12:15:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(0 18 ? * MON-FRI *)", "2024-03-08T19:00:00Z", 2), [
      "2024-03-11T18:00:00.000Z",
      "2024-03-12T18:00:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(0 8 1 * ? *)", after, 2), [
      "2024-04-01T08:00:00.000Z",
      "2024-05-01T08:00:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(0/15 * * * ? *)", after, 3), [
      "2024-03-06T12:45:00.000Z",
      "2024-03-06T13:00:00.000Z",
      "2024-03-06T13:15:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(0/10 * ? * MON-FRI *)", "2024-03-08T23:55:00Z", 2), [
      "2024-03-11T00:00:00.000Z",
      "2024-03-11T00:10:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(0/5 8-17 ? * MON-FRI *)", "2024-03-06T17:56:00Z", 2), [
      "2024-03-07T08:00:00.000Z",
      "2024-03-07T08:05:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(0 9 ? * 2#1 *)", after, 3), [
      "2024-04-01T09:00:00.000Z",
      "2024-05-06T09:00:00.000Z",
      "2024-06-03T09:00:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(0 0 L * ? *)", "2024-01-31T00:00:00Z", 3), [
      "2024-02-29T00:00:00.000Z",
      "2024-03-31T00:00:00.000Z",
      "2024-04-30T00:00:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(0 0 ? * 6L *)", after, 3), [
      "2024-03-29T00:00:00.000Z",
      "2024-04-26T00:00:00.000Z",
      "2024-05-31T00:00:00.000Z",
    ]);
  });

  test("strictly after, seconds ignored", () => {
    assert.equal(next("cron(0 10 * * ? *)", "2024-03-07T10:00:00Z"), "2024-03-08T10:00:00.000Z");
    assert.equal(
      next("cron(0 10 * * ? *)", "2024-03-07T09:59:59.999Z"),
      "2024-03-07T10:00:00.000Z",
    );
    assert.equal(next("cron(* * * * ? *)", "2024-03-07T10:00:30Z"), "2024-03-07T10:01:00.000Z");
  });

  test("W, LW, L in day-of-week, wrapping ranges, steps, years", () => {
    // 2024-06-01 is a Saturday: 1W is Monday the 3rd; 2024-09-15 is a Sunday: 15W is Monday the 16th.
    assert.equal(next("cron(0 0 1W * ? *)", "2024-05-15T00:00:00Z"), "2024-06-03T00:00:00.000Z");
    assert.equal(next("cron(0 0 15W * ? *)", "2024-09-01T00:00:00Z"), "2024-09-16T00:00:00.000Z");
    // 2024-06-15 is a Saturday: 15W is Friday the 14th.
    assert.equal(next("cron(0 0 15W * ? *)", "2024-06-01T00:00:00Z"), "2024-06-14T00:00:00.000Z");
    // 2024-03-31 is a Sunday: 31W stays in March, Friday the 29th; April has no 31st.
    assert.deepEqual(upcoming("cron(0 0 31W * ? *)", "2024-03-01T00:00:00Z", 2), [
      "2024-03-29T00:00:00.000Z",
      "2024-05-31T00:00:00.000Z",
    ]);
    // Last weekday: 2024-08-31 is a Saturday -> Friday 30th.
    assert.equal(next("cron(0 0 LW 8 ? *)", "2024-01-01T00:00:00Z"), "2024-08-30T00:00:00.000Z");
    // L alone in Day-of-week is Saturday.
    assert.equal(next("cron(0 0 ? * L *)", after), "2024-03-09T00:00:00.000Z");
    assert.deepEqual(upcoming("cron(0 22-1 * * ? *)", "2024-03-06T21:30:00Z", 4), [
      "2024-03-06T22:00:00.000Z",
      "2024-03-06T23:00:00.000Z",
      "2024-03-07T00:00:00.000Z",
      "2024-03-07T01:00:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(0 12 ? * FRI-MON *)", after, 4), [
      "2024-03-08T12:00:00.000Z",
      "2024-03-09T12:00:00.000Z",
      "2024-03-10T12:00:00.000Z",
      "2024-03-11T12:00:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(1/20 * * * ? *)", "2024-03-06T12:00:00Z", 3), [
      "2024-03-06T12:01:00.000Z",
      "2024-03-06T12:21:00.000Z",
      "2024-03-06T12:41:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(0 0 1 1 ? 2025/5)", after, 3), [
      "2025-01-01T00:00:00.000Z",
      "2030-01-01T00:00:00.000Z",
      "2035-01-01T00:00:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(0 0 29 2 ? *)", after, 2), [
      "2028-02-29T00:00:00.000Z",
      "2032-02-29T00:00:00.000Z",
    ]);
  });

  test("undefined once the Year range is over", () => {
    assert.equal(next("cron(0 0 1 1 ? 2020)", after), undefined);
    assert.equal(next("cron(0 0 1 1 ? 2020-2025)", "2025-01-01T00:00:00Z"), undefined);
    assert.equal(
      next("cron(59 23 31 12 ? 2199)", "2199-12-31T23:58:00Z"),
      "2199-12-31T23:59:00.000Z",
    );
    assert.equal(next("cron(59 23 31 12 ? 2199)", "2199-12-31T23:59:00Z"), undefined);
  });
});

describe("at() one-time schedules", () => {
  test("fires once, then never", () => {
    const s = parseSchedule("at(2024-07-01T09:30:15)");
    assert.equal(
      iso(nextFireTime(s, new Date("2024-01-01T00:00:00Z"))),
      "2024-07-01T09:30:15.000Z",
    );
    assert.equal(nextFireTime(s, new Date("2024-07-01T09:30:15Z")), undefined);
    assert.equal(nextFireTime(s, new Date("2025-01-01T00:00:00Z")), undefined);
  });

  test("in a time zone", () => {
    const ny = parseSchedule("at(2024-07-01T09:30:00)", { timeZone: "America/New_York" });
    assert.equal(iso(nextFireTime(ny, new Date(0))), "2024-07-01T13:30:00.000Z");
    const berlin = parseSchedule("at(2024-01-15T09:30:00)", { timeZone: "Europe/Berlin" });
    assert.equal(iso(nextFireTime(berlin, new Date(0))), "2024-01-15T08:30:00.000Z");
  });

  test("malformed", () => {
    rejects("at(2024-02-30T00:00:00)", /calendar/);
    rejects("at(2023-02-29T00:00:00)", /calendar/);
    rejects("at(2024-01-01T24:00:00)", /calendar/);
    rejects("at(2024-01-01T00:60:00)", /calendar/);
    rejects("at(2024-01-01 00:00:00)", /yyyy-mm-dd/);
    rejects("at(2024-01-01T00:00)", /yyyy-mm-dd/);
    rejects("at(2024-01-01T00:00:00Z)", /yyyy-mm-dd/);
    rejects("at()", /yyyy-mm-dd/);
  });

  test("DST: a time in the gap moves forward by the gap, a repeated time fires at its first occurrence", () => {
    const gap = parseSchedule("at(2024-03-10T02:30:00)", { timeZone: "America/New_York" });
    assert.equal(iso(nextFireTime(gap, new Date(0))), "2024-03-10T07:30:00.000Z"); // 03:30 EDT
    const overlap = parseSchedule("at(2024-11-03T01:30:00)", { timeZone: "America/New_York" });
    assert.equal(iso(nextFireTime(overlap, new Date(0))), "2024-11-03T05:30:00.000Z"); // 01:30 EDT
  });
});

describe("daylight saving time (cron)", () => {
  test("America/New_York spring forward: 02:30 does not exist on 2024-03-10 and is skipped", () => {
    assert.deepEqual(
      upcoming("cron(30 2 * * ? *)", "2024-03-08T12:00:00Z", 3, "America/New_York"),
      [
        "2024-03-09T07:30:00.000Z", // 02:30 EST
        "2024-03-11T06:30:00.000Z", // 02:30 EDT; the 10th has no 02:30
        "2024-03-12T06:30:00.000Z",
      ],
    );
  });

  test("America/New_York fall back: 01:30 occurs twice on 2024-11-03 and fires once", () => {
    assert.deepEqual(
      upcoming("cron(30 1 * * ? *)", "2024-11-02T12:00:00Z", 3, "America/New_York"),
      [
        "2024-11-03T05:30:00.000Z", // 01:30 EDT (first occurrence)
        "2024-11-04T06:30:00.000Z", // 01:30 EST
        "2024-11-05T06:30:00.000Z",
      ],
    );
    // Asked between the two occurrences: the second one does not fire.
    assert.equal(
      next("cron(30 1 * * ? *)", "2024-11-03T05:45:00Z", "America/New_York"),
      "2024-11-04T06:30:00.000Z",
    );
  });

  test("America/New_York every 30 minutes across the repeated hour", () => {
    assert.deepEqual(
      upcoming("cron(0/30 * * * ? *)", "2024-11-03T04:50:00Z", 6, "America/New_York"),
      [
        "2024-11-03T05:00:00.000Z", // 01:00 EDT
        "2024-11-03T05:30:00.000Z", // 01:30 EDT
        "2024-11-03T07:00:00.000Z", // 02:00 EST (01:00/01:30 EST are repeats)
        "2024-11-03T07:30:00.000Z",
        "2024-11-03T08:00:00.000Z",
        "2024-11-03T08:30:00.000Z",
      ],
    );
    assert.deepEqual(
      upcoming("cron(0/30 * * * ? *)", "2024-03-10T06:20:00Z", 3, "America/New_York"),
      [
        "2024-03-10T06:30:00.000Z", // 01:30 EST
        "2024-03-10T07:00:00.000Z", // 03:00 EDT (02:00 and 02:30 do not exist)
        "2024-03-10T07:30:00.000Z",
      ],
    );
  });

  test("Europe/Berlin: 02:30 skipped on 2024-03-31, 02:30 once on 2024-10-27", () => {
    assert.deepEqual(upcoming("cron(30 2 * * ? *)", "2024-03-29T12:00:00Z", 3, "Europe/Berlin"), [
      "2024-03-30T01:30:00.000Z", // 02:30 CET
      "2024-04-01T00:30:00.000Z", // 02:30 CEST
      "2024-04-02T00:30:00.000Z",
    ]);
    assert.deepEqual(upcoming("cron(30 2 * * ? *)", "2024-10-26T12:00:00Z", 3, "Europe/Berlin"), [
      "2024-10-27T00:30:00.000Z", // 02:30 CEST, first occurrence
      "2024-10-28T01:30:00.000Z", // 02:30 CET
      "2024-10-29T01:30:00.000Z",
    ]);
  });

  test("Europe/Berlin: a daily 09:00 keeps its wall-clock time across both transitions", () => {
    assert.deepEqual(
      upcoming("cron(0 9 ? * MON-FRI *)", "2024-03-29T10:00:00Z", 2, "Europe/Berlin"),
      ["2024-04-01T07:00:00.000Z", "2024-04-02T07:00:00.000Z"],
    );
    assert.equal(
      next("cron(0 9 * * ? *)", "2024-10-26T08:00:00Z", "Europe/Berlin"),
      "2024-10-27T08:00:00.000Z",
    );
  });

  test("a time that falls in the gap every year it matches still fires in years before the rule change", () => {
    // Second Sunday of March at 02:30 in New York has not existed since 2007.
    const s = parseSchedule("cron(30 2 ? 3 1#2 *)", { timeZone: "America/New_York" });
    assert.equal(
      iso(nextFireTime(s, new Date("2006-01-01T00:00:00Z"))),
      "2006-03-12T07:30:00.000Z",
    );
    assert.equal(nextFireTime(s, new Date("2007-01-01T00:00:00Z")), undefined);
  });
});

// ---------------------------------------------------------------- properties

const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const field = (lo: number, hi: number) =>
  fc.oneof(
    fc.constant("*"),
    fc.integer({ min: lo, max: hi }).map(String),
    fc
      .tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: hi }))
      .map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc
      .tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 1, max: hi - lo + 1 }))
      .map(([a, s]) => `${a}/${s}`),
    fc
      .uniqueArray(fc.integer({ min: lo, max: hi }), { minLength: 1, maxLength: 4 })
      .map((a) => a.join(",")),
  );
const dayPair = fc.oneof(
  fc.tuple(field(1, 31), fc.constant("?")),
  fc.tuple(fc.constantFrom("L", "LW", "1W", "15W", "28W"), fc.constant("?")),
  fc.tuple(fc.constant("?"), field(1, 7)),
  fc.tuple(
    fc.constant("?"),
    fc.constantFrom(...DAYS, "MON-FRI", "SAT,SUN", "L", "6L", "2#1", "5#3", "1#5"),
  ),
);
const cronExpr = fc
  .tuple(
    field(0, 59),
    field(0, 23),
    dayPair,
    field(1, 12),
    fc.constantFrom("*", "2024-2040", "2025/3"),
  )
  .map(([mi, h, [dom, dow], mo, y]) => `cron(${mi} ${h} ${dom} ${mo} ${dow} ${y})`);
const zone = fc.constantFrom(
  "UTC",
  "America/New_York",
  "Europe/Berlin",
  "Asia/Kolkata",
  "Australia/Lord_Howe",
);
const instant = fc.date({
  min: new Date("2023-06-01T00:00:00Z"),
  max: new Date("2031-01-01T00:00:00Z"),
  noInvalidDate: true,
});

function tryParse(expr: string, timeZone: string): Schedule | undefined {
  try {
    return parseSchedule(expr, { timeZone });
  } catch (error) {
    if (error instanceof InvalidScheduleExpressionError) return undefined;
    throw error;
  }
}

/** Wall-clock fields of an instant in a zone. */
function wall(date: Date, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: DAYS.indexOf(parts.weekday.toUpperCase()) + 1,
  };
}

test("property: nextFireTime(x) > x, and fires match the expression's fields", () => {
  fc.assert(
    fc.property(cronExpr, zone, instant, (expr, timeZone, after) => {
      const s = tryParse(expr, timeZone);
      if (s?.kind !== "cron") return;
      const fire = nextFireTime(s, after);
      if (!fire) return;
      assert.ok(fire.getTime() > after.getTime(), `${expr} ${timeZone}`);
      const w = wall(fire, timeZone);
      assert.equal(w.second, 0);
      assert.ok(s.minutes.includes(w.minute), `${expr}: minute ${w.minute}`);
      assert.ok(s.hours.includes(w.hour), `${expr}: hour ${w.hour}`);
      assert.ok(s.months.includes(w.month), `${expr}: month ${w.month}`);
      assert.ok(s.years.includes(w.year), `${expr}: year ${w.year}`);
      const lastDay = new Date(Date.UTC(w.year, w.month, 0)).getUTCDate();
      if (s.dayOfMonth.kind === "days") assert.ok(s.dayOfMonth.days.includes(w.day), expr);
      if (s.dayOfMonth.kind === "last") assert.equal(w.day, lastDay, expr);
      if (s.dayOfMonth.kind === "lastWeekday" || s.dayOfMonth.kind === "nearestWeekday") {
        assert.ok(w.weekday >= 2 && w.weekday <= 6, `${expr}: weekday ${w.weekday}`);
      }
      if (s.dayOfWeek.kind === "days") assert.ok(s.dayOfWeek.days.includes(w.weekday), expr);
      if (s.dayOfWeek.kind === "lastOfMonth") {
        assert.equal(w.weekday, s.dayOfWeek.weekday);
        assert.ok(w.day + 7 > lastDay, expr);
      }
      if (s.dayOfWeek.kind === "nth") {
        assert.equal(w.weekday, s.dayOfWeek.weekday);
        assert.equal(Math.ceil(w.day / 7), s.dayOfWeek.nth, expr);
      }
    }),
    { numRuns: 400 },
  );
});

test("property: no fire time is skipped (brute force over minutes, UTC)", () => {
  fc.assert(
    fc.property(cronExpr, instant, (expr, after) => {
      const s = tryParse(expr, "UTC");
      if (s?.kind !== "cron") return;
      const fire = nextFireTime(s, after);
      const start = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
      // Every minute strictly between `after` and the fire time (capped at 3 days) must not match.
      const end = Math.min(
        fire ? fire.getTime() : Number.POSITIVE_INFINITY,
        start + 3 * 86_400_000,
      );
      for (let t = start; t < end; t += 60_000) {
        const d = new Date(t);
        const matches =
          s.minutes.includes(d.getUTCMinutes()) &&
          s.hours.includes(d.getUTCHours()) &&
          nextFireTime(s, new Date(t - 1))?.getTime() === t;
        assert.ok(!matches, `${expr}: ${d.toISOString()} skipped`);
      }
    }),
    { numRuns: 60 },
  );
});

test("property: consecutive fire times are strictly increasing and rates are periodic", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 500 }),
      fc.constantFrom("minute", "hour", "day"),
      instant,
      instant,
      (value, unit, anchor, after) => {
        const expr = `rate(${value} ${unit}${value === 1 ? "" : "s"})`;
        const s = parseSchedule(expr, { anchor });
        const [a, b] = upcomingFireTimes(s, after, 2);
        assert.ok(a.getTime() > after.getTime());
        assert.ok(a.getTime() > anchor.getTime());
        const period = s.kind === "rate" ? s.periodMs : 0;
        assert.equal(b.getTime() - a.getTime(), period);
        assert.equal((a.getTime() - anchor.getTime()) % period, 0);
        if (after.getTime() >= anchor.getTime()) assert.ok(a.getTime() - after.getTime() <= period);
      },
    ),
  );
});
