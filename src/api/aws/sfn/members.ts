/**
 * Reading request members with the checks AWS's service framework applies: a wrong type or a
 * missing required member is a ValidationException naming the member.
 */
import { ServiceError } from "../../../runtime/durable/errors.js";

/** A request body. */
export type Members = Record<string, unknown>;

function invalid(name: string, what: string): never {
  throw new ServiceError(
    "ValidationException",
    `1 validation error detected: Value at '${name}' failed to satisfy constraint: ${what}`,
  );
}

/** A string member. */
export function str(members: Members, name: string, limits: { max?: number } = {}): string {
  const value = members[name];
  if (typeof value !== "string")
    invalid(name, value === undefined ? "Member must not be null" : "Member must be a string");
  if (limits.max !== undefined && value.length > limits.max)
    invalid(name, `Member must have length less than or equal to ${limits.max}`);
  return value;
}

/** A boolean member. */
export function bool(members: Members, name: string): boolean {
  const value = members[name];
  if (typeof value !== "boolean") invalid(name, "Member must be a boolean");
  return value;
}

/** An integer member within bounds. */
export function int(members: Members, name: string, bounds: { min: number; max: number }): number {
  const value = members[name] ?? 0;
  if (typeof value !== "number" || !Number.isInteger(value))
    invalid(name, "Member must be an integer");
  if (value < bounds.min || value > bounds.max)
    invalid(name, `Member must be between ${bounds.min} and ${bounds.max}`);
  return value;
}

/** A list member. */
export function arrayOf(members: Members, name: string): unknown[] {
  const value = members[name];
  if (!Array.isArray(value)) invalid(name, "Member must be a list");
  return value;
}

/** A list member whose items are structures (AWS numbers them from 1 in its messages). */
export function structures(members: Members, name: string): Members[] {
  return arrayOf(members, name).map((item, index) => {
    if (typeof item !== "object" || item === null || Array.isArray(item))
      invalid(`${name}.${index + 1}.member`, "Member must be a structure");
    return item as Members;
  });
}

/** An object member. */
export function record(members: Members, name: string): Members {
  const value = members[name];
  if (typeof value !== "object" || value === null || Array.isArray(value))
    invalid(name, "Member must be a structure");
  return value as Members;
}

/** A required member read with `read`. */
export function required<T>(members: Members, name: string, read: (m: Members, n: string) => T): T {
  if (members[name] === undefined || members[name] === null)
    invalid(name, "Member must not be null");
  return read(members, name);
}

/** An optional member: undefined when absent or null. */
export function optional<T>(
  members: Members,
  name: string,
  read: (m: Members, n: string) => T,
): T | undefined {
  return members[name] === undefined || members[name] === null ? undefined : read(members, name);
}
