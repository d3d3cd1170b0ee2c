/**
 * Timestamps in the AWS JSON protocols: epoch seconds as a JSON number, with milliseconds
 * as a fraction (`1714979289.123`). SDKs also parse ISO 8601 strings in responses, and a
 * few clients send them in requests, so both are read.
 */

/** Epoch seconds with a fractional part, as AWS JSON services serialise dates. */
export function toAwsTimestamp(date: Date): number {
  return date.getTime() / 1000;
}

/**
 * Reads a timestamp from a request: epoch seconds (number or numeric string) or an ISO
 * 8601 string. Undefined when the value is neither or out of the Date range.
 */
export function fromAwsTimestamp(value: unknown): Date | undefined {
  let ms: number;
  if (typeof value === "number") ms = value * 1000;
  else if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim()))
    ms = Number(value) * 1000;
  else if (typeof value === "string") ms = Date.parse(value);
  else return undefined;
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(Math.round(ms));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
