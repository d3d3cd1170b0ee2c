/**
 * The task dispatcher for deployed functions: Lambda resources (a function ARN, or
 * `arn:aws:states:::lambda:invoke`) run the named function from the registry in the pool.
 * Other resources belong to other dispatchers; `handles` lets the server route to them.
 */
import type { Json } from "../../asl/json.js";
import {
  type TaskDispatcher,
  TaskFailure,
  type TaskInvocation,
} from "../../runtime/task-dispatcher.js";
import { functionNotFound, invokeEnvelope, resolveFunctionCall } from "../lambda.js";
import type { FunctionPool, InvokeOptions, InvokeResult } from "./pool.js";
import type { FunctionRegistry } from "./registry.js";
import { functionArn, type RuntimeOptions } from "./runtimes.js";

/** True when `resource` calls a function (so this dispatcher should get the task). */
export function handles(resource: string): boolean {
  return resolveFunctionCall(resource, {}) !== undefined;
}

/** Options of the dispatcher: the region and account of the ARNs in error messages. */
export type FunctionDispatcherOptions = Pick<RuntimeOptions, "region" | "account">;

/** A TaskDispatcher for Lambda resources, plus direct calls for the API. */
export interface FunctionDispatcher extends TaskDispatcher {
  /** True when `resource` is a Lambda resource. */
  handles(resource: string): boolean;
  /**
   * Calls the latest version of function `name` directly (`opsflow functions invoke`).
   * Rejects with `Lambda.ResourceNotFoundException` for an unknown name, else as `invoke`.
   */
  invokeFunction(name: string, event: Json, options?: InvokeOptions): Promise<InvokeResult>;
}

/** Builds the dispatcher over a registry and a pool. */
export function createFunctionDispatcher(
  registry: FunctionRegistry,
  pool: FunctionPool,
  options: FunctionDispatcherOptions = {},
): FunctionDispatcher {
  async function invokeFunction(
    name: string,
    event: Json,
    callOptions: InvokeOptions = {},
  ): Promise<InvokeResult> {
    const requestId = callOptions.requestId ?? crypto.randomUUID();
    const fn = await registry.find(name);
    if (!fn) throw functionNotFound(functionArn(name, options), requestId);
    return pool.invoke(fn, event, { ...callOptions, requestId });
  }

  return {
    handles,
    invokeFunction,
    async invoke(invocation: TaskInvocation, signal: AbortSignal): Promise<Json> {
      const call = resolveFunctionCall(invocation.resource, invocation.parameters);
      if (!call)
        throw new TaskFailure(
          "States.TaskFailed",
          `'${invocation.resource}' is not a Lambda resource; route it to another dispatcher (check handles() first).`,
        );
      const result = await invokeFunction(call.functionName, call.event, {
        idempotencyKey: invocation.idempotencyKey,
        signal,
      });
      return call.envelope
        ? invokeEnvelope(result.payload, result.requestId, call.tailLog ? result.log : undefined)
        : result.payload;
    },
  };
}
