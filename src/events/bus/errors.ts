/**
 * Typed errors of the event bus service, named with EventBridge's error codes so the AWS
 * endpoint and the REST API report the same thing.
 */
import { StoreConflictError } from "../../store/errors.js";

/** EventBridge error codes the bus raises. */
export type EventBusErrorCode =
  | "ResourceNotFoundException"
  | "ResourceAlreadyExistsException"
  | "ValidationException"
  | "InvalidEventPatternException"
  | "LimitExceededException"
  | "ConcurrentModificationException"
  | "IllegalStatusException";

/** A request the bus refuses; nothing was changed. */
export class EventBusError extends Error {
  constructor(
    readonly code: EventBusErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "EventBusError";
  }
}

/**
 * Runs `insert`; a store conflict (the name is taken) becomes EventBridge's
 * ResourceAlreadyExistsException "`what` already exists.".
 */
export async function inserting<T>(what: string, insert: () => Promise<T>): Promise<T> {
  try {
    return await insert();
  } catch (error) {
    if (error instanceof StoreConflictError)
      throw new EventBusError("ResourceAlreadyExistsException", `${what} already exists.`);
    throw error;
  }
}

/** Why a delivery attempt failed, and whether trying again can help. */
export class DeliveryError extends Error {
  constructor(
    /** A dead-letter error code, e.g. `RESOURCE_NOT_FOUND`, `HTTP_INVOCATION_FAILURE`. */
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}
