/**
 * The errors of the parameter service, named as Systems Manager names them so the SSM API
 * answers them unchanged (and SDKs raise their modelled exceptions). Raised before anything
 * is changed.
 */

/** Error code → HTTP status on the native REST API (the SSM API answers 400 for all). */
export const PARAMETER_ERROR_STATUS = {
  ValidationException: 400,
  ParameterNotFound: 404,
  ParameterVersionNotFound: 404,
  ParameterAlreadyExists: 409,
  ParameterLimitExceeded: 409,
  HierarchyLevelLimitExceededException: 400,
  UnsupportedParameterType: 400,
  InvalidKeyId: 400,
  InvalidAllowedPatternException: 400,
  ParameterPatternMismatchException: 400,
  InvalidFilterKey: 400,
  InvalidFilterValue: 400,
  InvalidFilterOption: 400,
  /** Decrypting a SecureString needs `ssm:DecryptParameter` on it. */
  AccessDeniedException: 403,
} as const;

/** A parameter error code. */
export type ParameterErrorCode = keyof typeof PARAMETER_ERROR_STATUS;

/** A request the parameter service refuses; nothing was changed. */
export class ParameterError extends Error {
  constructor(
    readonly code: ParameterErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }

  /** The status of this error on the native REST API. */
  get status(): (typeof PARAMETER_ERROR_STATUS)[ParameterErrorCode] {
    return PARAMETER_ERROR_STATUS[this.code];
  }
}

/** Shorthand for a ValidationException. */
export const invalidParameter = (message: string) =>
  new ParameterError("ValidationException", message);
