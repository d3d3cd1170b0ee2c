/**
 * Errors of the operations services (notifications, approvals): a code the API reports and the
 * HTTP status it maps to. Raised before anything is changed.
 */

/** Codes and their HTTP statuses. */
export const OPS_ERROR_STATUS = {
  ValidationException: 400,
  Unauthorized: 401,
  Forbidden: 403,
  ResourceNotFound: 404,
  ResourceAlreadyExists: 409,
  Conflict: 409,
  Expired: 410,
} as const;

/** An operations error code. */
export type OpsErrorCode = keyof typeof OPS_ERROR_STATUS;

/** A request the operations services refuse; nothing was changed. */
export class OpsError extends Error {
  constructor(
    readonly code: OpsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "OpsError";
  }

  /** The HTTP status of this error. */
  get status(): (typeof OPS_ERROR_STATUS)[OpsErrorCode] {
    return OPS_ERROR_STATUS[this.code];
  }
}

/** Shorthand for a 400. */
export const invalid = (message: string) => new OpsError("ValidationException", message);
