/** How the REST API reports the event bus's errors (status and EventBridge's code). */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { EventBusError, type EventBusErrorCode } from "../../events/bus/errors.js";
import { PutEventsRequestError } from "../../events/envelope.js";
import { InvalidEventError, InvalidEventPatternError } from "../../events/pattern/index.js";
import { SourcePayloadError } from "../../events/sources/errors.js";

const STATUS: Record<EventBusErrorCode, ContentfulStatusCode> = {
  ResourceNotFoundException: 404,
  ResourceAlreadyExistsException: 409,
  ConcurrentModificationException: 409,
  IllegalStatusException: 409,
  LimitExceededException: 400,
  ValidationException: 400,
  InvalidEventPatternException: 400,
};

/** The response for an event bus error, or undefined when `error` is not one. */
export function eventErrorResponse(c: Context, error: unknown): Response | undefined {
  const body = (code: string, message: string) => ({ error: { code, message } });
  if (error instanceof EventBusError)
    return c.json(body(error.code, error.message), STATUS[error.code]);
  if (error instanceof InvalidEventPatternError)
    return c.json(body("InvalidEventPatternException", error.message), 400);
  if (
    error instanceof PutEventsRequestError ||
    error instanceof InvalidEventError ||
    error instanceof SourcePayloadError
  )
    return c.json(body("ValidationException", error.message), 400);
  return undefined;
}
