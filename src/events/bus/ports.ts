/**
 * The delivery ports of the running server: executions through ExecutionService, functions
 * through the function dispatcher, API destinations over fetch, other buses through the bus.
 * Each maps the callee's failures to DeliveryErrors: missing resources and bad input are not
 * retried; transient failures are.
 */
import type { Json } from "../../asl/json.js";
import { ServiceError } from "../../runtime/durable/errors.js";
import type { ExecutionService } from "../../runtime/durable/service/executions.js";
import type { Store } from "../../store/port.js";
import { staticAuthHeader } from "../../tasks/http/connection.js";
import { TaskFailure } from "../../tasks/types.js";
import type { ConnectionService } from "./connections.js";
import type { DeliveryPorts, NotificationPublisher } from "./deliver.js";
import { DeliveryError } from "./errors.js";

/** What the ports are built from. */
export interface PortDependencies {
  executions: ExecutionService;
  invokeFunction: (name: string, event: Json) => Promise<unknown>;
  store: Store;
  connections: ConnectionService;
  forward: (busName: string, envelope: string) => Promise<void>;
  topics?: NotificationPublisher;
  /** API destinations time out after 5 seconds in EventBridge. */
  httpTimeoutMs?: number;
}

/** Statuses EventBridge retries for API destinations; other failures are final. */
const RETRIED_STATUSES = new Set([401, 407, 409, 429]);

/** Builds the delivery ports. */
export function deliveryPorts(deps: PortDependencies): DeliveryPorts {
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
    async invokeFunction(name, event) {
      try {
        await deps.invokeFunction(name, event);
      } catch (error) {
        if (error instanceof TaskFailure && error.error === "Lambda.ResourceNotFoundException")
          throw new DeliveryError("RESOURCE_NOT_FOUND", error.cause ?? error.message, false);
        throw new DeliveryError("FUNCTION_ERROR", (error as Error).message, true);
      }
    },
    async callApiDestination(arn, body) {
      const destination = await deps.store.getApiDestination(arn);
      if (!destination)
        throw new DeliveryError(
          "RESOURCE_NOT_FOUND",
          `API destination '${arn}' does not exist.`,
          false,
        );
      const connection = await deps.connections.resolve(destination.connectionArn);
      if (!connection)
        throw new DeliveryError(
          "RESOURCE_NOT_FOUND",
          `Connection '${destination.connectionArn}' does not exist.`,
          false,
        );
      const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
      const auth = staticAuthHeader(connection);
      if (auth) headers.set(auth[0], auth[1]);
      const hasBody = destination.httpMethod !== "GET" && destination.httpMethod !== "HEAD";
      let response: Response;
      try {
        response = await fetch(destination.endpoint, {
          method: destination.httpMethod,
          headers,
          ...(hasBody && { body }),
          redirect: "manual",
          signal: AbortSignal.timeout(deps.httpTimeoutMs ?? 5000),
        });
      } catch (error) {
        const reason = (error as Error).cause ?? (error as Error).message;
        throw new DeliveryError(
          "HTTP_INVOCATION_FAILURE",
          `${destination.endpoint}: ${reason}`,
          true,
        );
      }
      await response.body?.cancel();
      if (response.ok) return;
      const retryable = response.status >= 500 || RETRIED_STATUSES.has(response.status);
      throw new DeliveryError(
        "HTTP_INVOCATION_FAILURE",
        `${destination.httpMethod} ${destination.endpoint} answered ${response.status}`,
        retryable,
      );
    },
    async forwardToBus(busName, envelope) {
      try {
        await deps.forward(busName, envelope);
      } catch (error) {
        if (error instanceof DeliveryError) throw error;
        throw new DeliveryError("SDK_CLIENT_ERROR", (error as Error).message, true);
      }
    },
    ...(deps.topics && { topics: deps.topics }),
  };
}
