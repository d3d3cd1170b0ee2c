/**
 * Text renderings of JSON values as Step Functions (a Java service using Jackson) produces
 * them, so States.Format and States.JsonToString give byte-identical strings.
 */
import type { Json } from "../json.js";

/** 2^63: below it an integral value prints as a Java long would (all digits). */
const LONG_LIMIT = 2 ** 63;

/**
 * A number as Java prints it. Integral values print as integers (Jackson reads integral JSON
 * numbers as int/long). Other values follow `Double.toString`: plain decimal in
 * [0.001, 10^7), otherwise `d.dddE±n` with at least one fractional digit (`1.0E-4`, `1.5E7`).
 * The digits are the shortest round-trip digits in both Java (JDK 19+) and JavaScript.
 */
export function javaNumber(n: number): string {
  // String() prints every integer below 2^63 (< 1e21) in plain digits, and -0 as "0".
  if (Number.isInteger(n) && Math.abs(n) < LONG_LIMIT) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) return String(n);
  const [mantissa, exponent] = n.toExponential().split("e");
  const digits = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  return `${digits}E${exponent.startsWith("+") ? exponent.slice(1) : exponent}`;
}

/** Compact JSON text (no spaces) with Java number formatting, as States.JsonToString gives. */
export function toJsonText(value: Json): string {
  if (typeof value === "number") return javaNumber(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(",")}]`;
  const members = Object.keys(value).map((k) => `${JSON.stringify(k)}:${toJsonText(value[k])}`);
  return `{${members.join(",")}}`;
}

/**
 * The text States.Format substitutes for a value: strings as they are, objects and arrays the
 * way Java's Map/List `toString` prints them (`{Arg1=1, Arg2=[]}`, recorded from AWS).
 */
export function toFormatText(value: Json): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return javaNumber(value);
  if (typeof value !== "object" || value === null) return String(value);
  if (Array.isArray(value)) return `[${value.map(toFormatText).join(", ")}]`;
  const members = Object.keys(value).map((k) => `${k}=${toFormatText(value[k])}`);
  return `{${members.join(", ")}}`;
}
