/**
 * Intrinsic functions (`States.*`) of the States Language in JSONPath mode.
 *
 * `compileIntrinsic` parses once into a closure tree evaluated per state execution;
 * `checkIntrinsic` gives the validator the definition-time problems; `isIntrinsicCall` lets
 * payload templates tell an intrinsic from a path without parsing.
 */
import { CALL_PREFIX } from "./parser.js";

export { checkIntrinsic } from "./check.js";
export type { CompiledIntrinsic } from "./compile.js";
export { compileIntrinsic } from "./compile.js";
export type { CallContext, IntrinsicFunction } from "./function.js";
export { type IntrinsicName, intrinsicFunctions, isIntrinsicName } from "./registry.js";
export { IntrinsicSyntaxError } from "./syntax-error.js";

/**
 * True when a `.$` value is meant as an intrinsic call rather than a path: it starts with
 * `States.`. It does not validate; a malformed call still goes to the intrinsic parser, whose
 * error says what is wrong.
 */
export function isIntrinsicCall(text: string): boolean {
  return text.startsWith(CALL_PREFIX);
}
