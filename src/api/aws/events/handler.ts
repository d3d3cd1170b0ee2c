/**
 * EventBridge on the AWS endpoint: JSON 1.1, `X-Amz-Target: AWSEvents.<Operation>`, errors
 * as bare `__type` codes (EventBridge sends no namespace).
 */
import { EventBusError } from "../../../events/bus/errors.js";
import { type PutEventsRequestEntry, PutEventsRequestError } from "../../../events/envelope.js";
import { InvalidEventError, InvalidEventPatternError } from "../../../events/pattern/index.js";
import { ServiceError } from "../../../runtime/durable/errors.js";
import { InvalidPageTokenError } from "../../../store/paging.js";
import { apiPutEventsOptions } from "../../authz/reserved-sources.js";
import type { AwsServiceHandler } from "../../aws-endpoint.js";
import { AwsError, commonError } from "../errors.js";
import { EVENTBRIDGE } from "../services.js";
import { arrayOf, required } from "../sfn/members.js";
import { eventBridgeOperations } from "./operations.js";

/** Maps the bus's errors to EventBridge's. */
function toEventBridgeError(error: unknown): AwsError | undefined {
  if (error instanceof EventBusError) return new AwsError(error.code, error.message);
  if (error instanceof InvalidEventPatternError)
    return new AwsError("InvalidEventPatternException", error.message);
  if (error instanceof PutEventsRequestError || error instanceof InvalidEventError)
    return new AwsError("ValidationException", error.message);
  if (error instanceof InvalidPageTokenError)
    return new AwsError("ValidationException", error.message);
  if (error instanceof ServiceError && error.code === "ValidationException")
    return new AwsError("ValidationException", error.message);
  return undefined;
}

/** The EventBridge handler for the given account (rules report it as CreatedBy). */
export function eventBridgeHandler(account: string): AwsServiceHandler {
  const operations: AwsServiceHandler["operations"] = {};
  for (const [name, operation] of Object.entries(eventBridgeOperations)) {
    operations[name] = async (request, api) => {
      if (!api.events)
        throw commonError("UnknownOperationException", "The event bus is not running.");
      return operation(request, api.events, account);
    };
  }
  operations.PutEvents = async (request, api, principal) => {
    if (!api.events)
      throw commonError("UnknownOperationException", "The event bus is not running.");
    const entries = required(request, "Entries", arrayOf) as PutEventsRequestEntry[];
    return api.events.bus.putEvents(entries, await apiPutEventsOptions(api, principal, entries));
  };
  return { service: EVENTBRIDGE, operations, toAwsError: toEventBridgeError };
}
