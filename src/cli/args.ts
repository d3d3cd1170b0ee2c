/** Argument helpers every command uses: JSON given inline or as @FILE, and positionals. */
import { readFileSync } from "node:fs";
import { UsageError } from "./command.js";

/** JSON text from a flag value: inline, `@FILE`, or `@-` for standard input. */
export function jsonText(flag: string, value: string): string {
  const text = value.startsWith("@")
    ? readFileSync(value === "@-" ? 0 : value.slice(1), "utf8")
    : value;
  try {
    JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} is not valid JSON: ${(error as Error).message}`);
  }
  return text;
}

/** Exactly one positional argument. */
export function one(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected the ${what}`);
  return positionals[0];
}

/** A JSON value from a flag value (inline, `@FILE` or `@-`). */
export function jsonValue(flag: string, value: string): unknown {
  return JSON.parse(jsonText(flag, value)) as unknown;
}
