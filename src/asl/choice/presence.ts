/**
 * IsPresent: the one operator for which a Variable that selects nothing is an answer (false)
 * rather than a States.Runtime failure. The registry marks it `acceptsMissing`.
 */
import type { Json } from "../json.js";
import type { UnaryTest } from "./types.js";

/** IsPresent with a boolean operand; `value` is undefined when the path selected nothing. */
export function isPresent(operand: Json): UnaryTest {
  return operand === false ? (value) => value === undefined : (value) => value !== undefined;
}
