/**
 * Errors the function registry raises. They are plain errors (not TaskFailure): the API turns
 * them into HTTP answers, the dispatcher into Lambda's error names.
 */

/** The named function (or version) does not exist. */
export class FunctionNotFoundError extends Error {
  readonly functionName: string;

  constructor(functionName: string, version?: number) {
    super(
      version === undefined
        ? `Function not found: ${functionName}`
        : `Function not found: ${functionName} version ${version}`,
    );
    this.name = "FunctionNotFoundError";
    this.functionName = functionName;
  }
}

/** A deployment was refused; the message says which field is wrong and how to fix it. */
export class InvalidFunctionError extends Error {
  /** The offending field, e.g. `name`, `handler`, `files["../x"]`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "InvalidFunctionError";
    this.field = field;
  }
}
