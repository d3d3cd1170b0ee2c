/**
 * Values that are usually ready at once and only sometimes a promise (JSONata is async; JSONPath
 * and the pure states are not). Staying synchronous where possible keeps pure states free of
 * promise allocations, which dominate an interpreter's cost otherwise.
 */

/** A value, or a promise of it when computing it needed to wait. */
export type MaybePromise<T> = T | Promise<T>;

/** The value of a computation the caller knows is synchronous (JSONPath-mode templates). */
export function ready<T>(value: MaybePromise<T>): T {
  if (value instanceof Promise) throw new Error("internal: expected a synchronous value");
  return value;
}
