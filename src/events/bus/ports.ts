/**
 * The delivery ports of the running server: executions through ExecutionService, functions
 * through the function dispatcher, API destinations through ApiDestinationCaller (the bus
 * itself delivers to other buses).
 * Each maps the callee's failures to DeliveryErrors: missing resources and bad input are not
 * retried; transient failures are.
 */
import type { Json } from "../../asl/json.js";
import { ServiceError } from "../../runtime/durable/errors.js";
import type { ExecutionService } from "../../runtime/durable/service/executions.js";
import { TaskFailure } from "../../runtime/task-dispatcher.js";
import type { EventStore } from "../../store/events-port.js";
import { ApiDestinationCaller } from "./api-destinations-call.js";
import type { ConnectionService } from "./connections.js";
import type { DeliveryPorts, NotificationPublisher } from "./deliver.js";
import { DeliveryError } from "./errors.js";

/** What the ports are built from. */
export interface PortDependencies {
  executions: ExecutionService;
  invokeFunction: (name: string, event: Json) => Promise<unknown>;
  store: EventStore;
  connections: ConnectionService;
  topics?: NotificationPublisher;
  /** API destinations time out after 5 seconds in EventBridge. */
  httpTimeoutMs?: number;
  /** The clock OAuth tokens expire by. */
  now?: () => number;
}

/** Builds the delivery ports (the bus forwards to other buses itself). */
export function deliveryPorts(deps: PortDependencies): Omit<DeliveryPorts, "forwardToBus"> {
  const api = new ApiDestinationCaller({
    store: deps.store,
    connections: deps.connections,
    now: deps.now ?? Date.now,
    ...(deps.httpTimeoutMs !== undefined && { timeoutMs: deps.httpTimeoutMs }),
  });
  return {
    async startExecution(stateMachineArn, name, input) {
      try {
        await deps.executions.start({ stateMachineArn, name, input });
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        // Started by an earlier attempt of this same delivery (names are per delivery).
        if (error.code === "ExecutionAlreadyExists") return;
        const missing =
          error.code === "StateMachineDoesNotExist" || error.code === "ResourceNotFound";
        throw new DeliveryError(
          missing ? "RESOURCE_NOT_FOUND" : "SDK_CLIENT_ERROR",
          error.message,
          false,
        );
      }
    },
    async prepareExecution(stateMachineArn, name, input) {
      return deps.executions.prepare({ stateMachineArn, name, input });
    },
    executionsStarted(executions) {
      for (const execution of executions) deps.executions.started(execution);
    },
    async invokeFunction(name, event) {
      try {
        await deps.invokeFunction(name, event);
      } catch (error) {
        if (error instanceof TaskFailure && error.error === "Lambda.ResourceNotFoundException")
          throw new DeliveryError("RESOURCE_NOT_FOUND", error.cause ?? error.message, false);
        throw new DeliveryError("FUNCTION_ERROR", (error as Error).message, true);
      }
    },
    callApiDestination: (arn, body) => api.call(arn, body),
    ...(deps.topics && { topics: deps.topics }),
  };
}
