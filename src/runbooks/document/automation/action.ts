/** What an Automation action is to the validator: its inputs' check, its outputs, its limits. */
import type { AutomationOutputType, JsonObject, JsonValue } from "../types.js";

/** A step another field of the step names (aws:branch's NextStep and Default). */
export interface StepTarget {
  /** JSON Pointer of the name. */
  at: string;
  name: string;
}

/** What an action's check may ask of the document around it. */
export interface ActionContext {
  /** Validates a nested step list (aws:loop's Steps) as the step's body. */
  body(value: JsonValue | undefined, at: string): void;
}

/** One Automation action. */
export interface AutomationActionDefinition {
  /** The outputs the action always has, by name. */
  readonly outputs: Readonly<Record<string, AutomationOutputType>>;
  /** The longest `timeoutSeconds` the reference allows for the action, where it gives one. */
  readonly maxTimeoutSeconds?: number;
  /** False for the actions `onCancel` may not jump to. */
  readonly cancelTarget?: false;
  /** Inputs that are code, not interpolated text (their `{{` are not references). */
  readonly verbatimInputs?: readonly string[];
  /**
   * Checks the inputs as written (throws a located DocumentError): required inputs present,
   * literal values of the right type; a `{{ }}` reference may stand for any type.
   */
  check(inputs: JsonObject, at: string, context: ActionContext): void;
  /** The step names the inputs jump to, checked against the step list. */
  targets?(inputs: JsonObject, at: string): StepTarget[];
}
