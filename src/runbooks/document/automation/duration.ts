/** ISO 8601 durations (`PT10M`, `P1DT2H`) as aws:sleep reads them. */

const DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Seconds per unit, in the regular expression's group order (years and months as 365 and 30 days). */
const UNIT_SECONDS = [365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1];

/** The duration in seconds, or undefined when `text` is not an ISO 8601 duration. */
export function durationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match || text === "P" || text.endsWith("T")) return undefined;
  if (match.slice(1).every((group) => group === undefined)) return undefined;
  return match
    .slice(1)
    .reduce(
      (sum, group, index) => sum + (group === undefined ? 0 : Number(group) * UNIT_SECONDS[index]),
      0,
    );
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** True for an ISO 8601 date-time with a zone (aws:sleep's Timestamp). */
export function isTimestamp(text: string): boolean {
  return TIMESTAMP.test(text) && !Number.isNaN(Date.parse(text));
}
