/** The errors of the identity layer, with the HTTP status and code the API answers. */
import { StoreConflictError } from "../store/errors.js";

/** The codes, with their statuses. */
export const AUTH_ERROR_STATUS = {
  AccessDeniedException: 403,
  Unauthorized: 401,
  ResourceNotFound: 404,
  ConflictException: 409,
  ValidationException: 400,
} as const;

/** A code of {@link AUTH_ERROR_STATUS}. */
export type AuthErrorCode = keyof typeof AUTH_ERROR_STATUS;

/** A refused or invalid identity operation. */
export class AuthError extends Error {
  readonly status: (typeof AUTH_ERROR_STATUS)[AuthErrorCode];

  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AuthError";
    this.status = AUTH_ERROR_STATUS[code];
  }
}

/** Runs `insert`; a store conflict (the name is taken) becomes a ConflictException. */
export async function inserting<T>(insert: () => Promise<T>): Promise<T> {
  try {
    return await insert();
  } catch (error) {
    if (error instanceof StoreConflictError)
      throw new AuthError("ConflictException", error.message);
    throw error;
  }
}
