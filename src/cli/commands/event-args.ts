/** Argument helpers shared by the event bus commands: JSON values given inline or as @FILE. */
import { readFileSync } from "node:fs";
import { UsageError } from "../command.js";

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

/** `?eventBusName=...` when a bus is given. */
export function busQuery(bus: string | undefined, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ ...(bus && { eventBusName: bus }), ...extra }).toString();
  return query ? `?${query}` : "";
}

export const busOption = { bus: { type: "string" as const } };
export const busHelp = "  --bus NAME       the event bus (default: default)\n";
