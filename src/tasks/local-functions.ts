/**
 * Task handlers supplied by the caller as plain functions (the `--functions` module of
 * `opsflow run`, tests, embedded use): Lambda resources call the handler named like the
 * function; any other resource calls the handler keyed by the full resource string.
 */
import type { Json } from "../asl/json.js";
import {
  type TaskDispatcher,
  TaskFailure,
  type TaskInvocation,
} from "../runtime/task-dispatcher.js";
import { functionNotFound, handlerError, invokeEnvelope, resolveFunctionCall } from "./lambda.js";

/** What a handler receives besides its event: a subset of Lambda's context object. */
export interface HandlerContext {
  functionName: string;
  awsRequestId: string;
  /** Stable across retries of the same scheduled task after a crash: use it to deduplicate. */
  idempotencyKey: string;
  /** The invoking state's name. */
  stateName: string;
  /** The Task's token for `.waitForTaskToken` resources. */
  taskToken?: string;
  signal: AbortSignal;
}

/** A task handler: Lambda's `handler(event, context)` signature. */
export type TaskHandler = (event: Json, context: HandlerContext) => unknown;

/** Builds a dispatcher over a table of handlers (e.g. a module's exports). */
export function localFunctions(handlers: Record<string, unknown>): TaskDispatcher {
  const table = { ...(isTable(handlers.default) ? handlers.default : {}), ...handlers };
  return {
    async invoke(invocation: TaskInvocation, signal: AbortSignal): Promise<Json> {
      const call = resolveFunctionCall(invocation.resource, invocation.parameters);
      const key = call ? call.functionName : invocation.resource;
      const requestId = crypto.randomUUID();
      const handler = table[key];
      if (typeof handler !== "function") {
        if (call)
          throw functionNotFound(
            `arn:aws:lambda:us-east-1:000000000000:function:${key}`,
            requestId,
          );
        throw new TaskFailure(
          "States.TaskFailed",
          `No handler for resource '${invocation.resource}': export one under that name from the --functions module.`,
        );
      }
      const context: HandlerContext = {
        functionName: key,
        awsRequestId: requestId,
        idempotencyKey: invocation.idempotencyKey,
        stateName: invocation.stateName,
        signal,
      };
      if (invocation.taskToken !== undefined) context.taskToken = invocation.taskToken;
      let result: unknown;
      try {
        result = await (handler as TaskHandler)(call ? call.event : invocation.parameters, context);
      } catch (error) {
        throw asTaskFailure(error, requestId);
      }
      const json = toJson(result);
      return call?.envelope ? invokeEnvelope(json, requestId) : json;
    },
  };
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** A thrown value as Lambda reports it: the error's name (or class) and message. */
function asTaskFailure(error: unknown, requestId: string): TaskFailure {
  if (error instanceof TaskFailure) return error;
  if (error instanceof Error) {
    const type = error.name !== "Error" ? error.name : error.constructor.name;
    const stack = (error.stack ?? "")
      .split("\n")
      .slice(1)
      .map((line) => line.trim());
    return handlerError(type, error.message, requestId, stack);
  }
  return handlerError("Error", String(error), requestId);
}

/** `undefined` (a handler that returns nothing) becomes null, as Lambda's JSON would. */
function toJson(value: unknown): Json {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as Json;
}
