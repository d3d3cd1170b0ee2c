/**
 * Static validation of state machine definitions: everything Step Functions checks at
 * CreateStateMachine / ValidateStateMachineDefinition time, with AWS's diagnostic codes,
 * JSON Pointer locations and, where known, AWS's messages.
 */
import type { MachineDefinition } from "../definition.js";
import { DefinitionError, type Diagnostic } from "../errors.js";
import { ValidationContext, type ValidationOptions } from "./context.js";
import { setTopLanguage, TOP_LEVEL_FIELDS, validateMachine } from "./machine.js";

export type { ValidationOptions } from "./context.js";

/**
 * Validates a parsed definition (any value) and returns every problem found; the list is
 * empty when the definition is valid. Never throws for any input, however malformed or deep.
 */
export function validateDefinition(raw: unknown, options: ValidationOptions = {}): Diagnostic[] {
  const ctx = new ValidationContext(options);
  try {
    setTopLanguage(ctx, raw);
    validateMachine(ctx, raw, "/", TOP_LEVEL_FIELDS, 0);
  } catch (error) {
    // Depth limits keep recursion shallow; this only guards against a stack exhausted by the
    // caller's own frames, which must not turn into a crash.
    if (!(error instanceof RangeError)) throw error;
    ctx.error("TOO_DEEPLY_NESTED", "/", "The definition is nested too deeply to validate");
  }
  return ctx.diagnostics;
}

/**
 * Validates and returns the definition typed, or throws a DefinitionError carrying every
 * diagnostic.
 */
export function assertValidDefinition(
  raw: unknown,
  options: ValidationOptions = {},
): MachineDefinition {
  const diagnostics = validateDefinition(raw, options);
  if (diagnostics.length > 0) throw new DefinitionError(diagnostics);
  return raw as MachineDefinition;
}

/**
 * The message of CreateStateMachine's InvalidDefinition error, as AWS formats it:
 * `Invalid State Machine Definition: '<CODE>: <message> at <location>'`; several diagnostics
 * are each quoted and joined with ", " inside the outer quotes (a Java list's rendering).
 */
export function formatInvalidDefinitionMessage(diagnostics: readonly Diagnostic[]): string {
  const items = diagnostics.map((d) => `${d.code}: ${d.message} at ${d.location}`);
  const body = items.length === 1 ? items[0] : items.map((item) => `'${item}'`).join(", ");
  return `Invalid State Machine Definition: '${body}'`;
}
