/**
 * Typed error of target input configuration, raised at PutTargets time.
 *
 * EventBridge answers these with ValidationException; where AWS's wording is known it is
 * used verbatim (recorded against AWS in LocalStack's snapshot tests,
 * tests/aws/services/events/test_events_inputs.snapshot.json):
 * `InputTemplate for target <id> contains invalid placeholder <name>.` and
 * `Only one of Input, InputPath, or InputTransformer must be provided for target <id>.`
 */

/** Where in the target configuration the problem is. */
export interface TargetInputLocation {
  /** JSON Pointer into the target, e.g. `/InputTransformer/InputPathsMap/instance`. */
  readonly pointer: string;
  /** 0-based character offset in the string at `pointer`, when known. */
  readonly offset?: number;
}

/** A target Input / InputPath / InputTransformer that EventBridge would refuse. */
export class InvalidTargetInputError extends Error {
  /** The AWS error code the API layer returns. */
  readonly code = "ValidationException";
  readonly location: TargetInputLocation;

  constructor(message: string, location: TargetInputLocation) {
    super(message);
    this.name = "InvalidTargetInputError";
    this.location = location;
  }
}
