/**
 * Timestamp comparisons (TimestampEquals, ...LessThan, ...GreaterThan, ...LessThanEquals,
 * ...GreaterThanEquals and their Path forms) and the timestamp grammar IsTimestamp shares.
 *
 * A timestamp is RFC 3339 as AWS restricts it: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with
 * an uppercase `T` and `Z`, a real calendar date, seconds 00-59 (no leap second) and 1 to 9
 * fraction digits (nanosecond precision, as AWS's Java time parser), offsets up to ±18:00.
 * Timestamps with different offsets compare as instants, to the nanosecond. A value that is not
 * a string in this form makes the comparison false, never an error.
 *
 * The parser (`src/asl/timestamp.ts`, shared with Wait) writes into a caller-provided scratch
 * array instead of returning an object, so the evaluation path allocates nothing.
 */
import type { Json } from "../json.js";
import { type InstantScratch, newInstantScratch, parseTimestamp } from "../timestamp.js";
import { type BinaryTest, type Order, orderHolds, type UnaryTest } from "./types.js";

/** True when `value` is a string AWS accepts as a timestamp. */
export function isTimestamp(value: Json | undefined): boolean {
  return typeof value === "string" && parseTimestamp(value, checkScratch);
}

const checkScratch = newInstantScratch();
// Evaluation is synchronous and never re-entrant, so one pair of scratches serves every
// Path-form comparison.
const leftScratch = newInstantScratch();
const rightScratch = newInstantScratch();

/** Sign of a - b for two parsed instants. */
function compareInstants(a: InstantScratch, b: InstantScratch): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

/**
 * The test against a literal timestamp, parsed once here. The caller has checked the literal
 * (checkChoiceRule); an unparsable one makes the rule always false rather than throwing.
 */
export function timestampLiteral(order: Order): (operand: Json) => UnaryTest {
  return (operand) => {
    const literal = newInstantScratch();
    if (typeof operand !== "string" || !parseTimestamp(operand, literal)) return () => false;
    return (value) =>
      typeof value === "string" &&
      parseTimestamp(value, leftScratch) &&
      orderHolds(order, compareInstants(leftScratch, literal));
  };
}

/** The test between two timestamps read at run time. */
export function timestampPath(order: Order): BinaryTest {
  return (value, other) =>
    typeof value === "string" &&
    typeof other === "string" &&
    parseTimestamp(value, leftScratch) &&
    parseTimestamp(other, rightScratch) &&
    orderHolds(order, compareInstants(leftScratch, rightScratch));
}
