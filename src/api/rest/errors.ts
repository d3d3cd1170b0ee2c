/**
 * How the native REST API reports errors: an HTTP status and `{ "error": { code, message } }`.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AuthError } from "../../auth/errors.js";
import { OpsError } from "../../ops/errors.js";
import { ParameterError } from "../../ops/parameters/errors.js";
import {
  QuotaExceededError,
  ServiceError,
  type ServiceErrorCode,
} from "../../runtime/durable/errors.js";
import { TaskFailure } from "../../runtime/task-dispatcher.js";
import { InvalidPageTokenError } from "../../store/paging.js";
import { FunctionNotFoundError, InvalidFunctionError } from "../../tasks/functions/index.js";
import { eventErrorResponse } from "./event-errors.js";

const STATUS: Record<ServiceErrorCode, ContentfulStatusCode> = {
  StateMachineDoesNotExist: 404,
  ExecutionDoesNotExist: 404,
  ActivityDoesNotExist: 404,
  TaskDoesNotExist: 404,
  ResourceNotFound: 404,
  StateMachineAlreadyExists: 409,
  ExecutionAlreadyExists: 409,
  ExecutionNotRedrivable: 409,
  ConflictException: 409,
  TaskTimedOut: 409,
  InvalidArn: 400,
  InvalidName: 400,
  InvalidDefinition: 400,
  InvalidExecutionInput: 400,
  InvalidOutput: 400,
  InvalidToken: 400,
  ValidationException: 400,
  ExecutionLimitExceeded: 429,
};

/** The JSON error body. */
export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * 429 with the quota in `details`; a per-day quota says in Retry-After when its UTC day ends.
 */
function quotaResponse(c: Context, error: QuotaExceededError) {
  const headers: Record<string, string> =
    error.retryAfterSeconds === undefined ? {} : { "Retry-After": String(error.retryAfterSeconds) };
  return c.json(errorBody(error.code, error.message, error.details), 429, headers);
}

/** Turns a thrown error into a response; unexpected errors are 500 without internals. */
export function errorResponse(c: Context, error: unknown) {
  const events = eventErrorResponse(c, error);
  if (events) return events;
  if (error instanceof QuotaExceededError) return quotaResponse(c, error);
  if (error instanceof ServiceError)
    return c.json(errorBody(error.code, error.message), STATUS[error.code]);
  if (error instanceof OpsError) return c.json(errorBody(error.code, error.message), error.status);
  if (error instanceof ParameterError)
    return c.json(errorBody(error.code, error.message), error.status);
  if (error instanceof AuthError) return c.json(errorBody(error.code, error.message), error.status);
  if (error instanceof InvalidPageTokenError)
    return c.json(errorBody("ValidationException", error.message), 400);
  if (error instanceof FunctionNotFoundError)
    return c.json(errorBody("ResourceNotFound", error.message), 404);
  if (error instanceof InvalidFunctionError)
    return c.json(errorBody("ValidationException", error.message), 400);
  // The dispatcher reports an unknown function as Lambda does, as a task failure; for the API
  // that is a missing resource (404), not a function that failed (502).
  if (error instanceof TaskFailure && error.error === "Lambda.ResourceNotFoundException")
    return c.json(errorBody("ResourceNotFound", error.cause ?? error.error), 404);
  // A function that failed when invoked through the API: its error as Lambda names it.
  if (error instanceof TaskFailure)
    return c.json(errorBody(error.error, error.cause ?? error.error), 502);
  // Hono's own rejections (an empty or malformed JSON body, a content type the route does not
  // take) were answered 500 before: they are the client's, with Hono's status.
  if (error instanceof HTTPException && error.status >= 400 && error.status < 500) {
    const code = error.status === 415 ? "UnsupportedMediaType" : "ValidationException";
    const hint =
      error.status === 415
        ? " (send Content-Type: application/json)"
        : " (an empty body is not JSON: send {} or no Content-Type)";
    return c.json(errorBody(code, `${error.message}${hint}`), error.status as 400);
  }
  console.error(error);
  return c.json(errorBody("InternalError", "Internal error; the server log has the details."), 500);
}
