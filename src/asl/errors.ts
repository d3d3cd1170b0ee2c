/**
 * Errors of the Amazon States Language as typed values.
 *
 * Runtime failures carry the spec's error name (`States.Runtime`, `States.TaskFailed`, a
 * function's own error type...) and a cause; definition problems carry located diagnostics.
 * Nothing here is meant to be parsed back out of a message string.
 */

/** The predefined error names of the spec (States.*). */
export const StatesErrorName = {
  All: "States.ALL",
  HeartbeatTimeout: "States.HeartbeatTimeout",
  Timeout: "States.Timeout",
  TaskFailed: "States.TaskFailed",
  Permissions: "States.Permissions",
  ResultPathMatchFailure: "States.ResultPathMatchFailure",
  ParameterPathFailure: "States.ParameterPathFailure",
  QueryEvaluationError: "States.QueryEvaluationError",
  BranchFailed: "States.BranchFailed",
  NoChoiceMatched: "States.NoChoiceMatched",
  IntrinsicFailure: "States.IntrinsicFailure",
  ExceedToleratedFailureThreshold: "States.ExceedToleratedFailureThreshold",
  ItemReaderFailed: "States.ItemReaderFailed",
  ResultWriterFailed: "States.ResultWriterFailed",
  Runtime: "States.Runtime",
  DataLimitExceeded: "States.DataLimitExceeded",
} as const;

/**
 * A runtime failure with a States Language error name. Thrown inside the language core and
 * caught by the evaluator, which turns it into a state failure that Retry/Catch can handle.
 */
export class StatesError extends Error {
  /** The error name as Retry/Catch `ErrorEquals` see it, e.g. `States.Runtime`. */
  readonly error: string;
  /** The human-readable cause; undefined when the failure has none. */
  override readonly cause: string | undefined;

  constructor(error: string, cause?: string) {
    super(cause === undefined ? error : `${error}: ${cause}`);
    this.name = "StatesError";
    this.error = error;
    this.cause = cause;
  }
}

/** Diagnostic codes, as AWS's ValidateStateMachineDefinition reports them. */
export type DiagnosticCode =
  | "SCHEMA_VALIDATION_FAILED"
  | "INVALID_JSON_DESCRIPTION"
  | "MISSING_TRANSITION_TARGET"
  | "MISSING_END_STATE"
  | "UNREACHABLE_STATE"
  | "DUPLICATE_STATE_NAME"
  | "INVALID_JSON_PATH"
  | "INVALID_INTRINSIC_FUNCTION"
  | "INVALID_JSONATA"
  | "INVALID_RESOURCE"
  | "TOO_DEEPLY_NESTED";

/** One located problem in a definition. */
export interface Diagnostic {
  /** AWS's diagnostic code. */
  readonly code: DiagnosticCode;
  /** JSON Pointer into the definition, e.g. `/States/WaitUntil/Timestamp`. */
  readonly location: string;
  /** What is wrong and what was expected. */
  readonly message: string;
  readonly severity: "ERROR" | "WARNING";
}

/** A definition that cannot be run, with every problem found. */
export class DefinitionError extends Error {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => `${d.code}: ${d.message} at ${d.location}`).join("\n"));
    this.name = "DefinitionError";
    this.diagnostics = diagnostics;
  }
}
