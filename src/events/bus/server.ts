/**
 * The event bus as the server runs it: the bus service wired to the engine (execution targets,
 * status change events), to functions, to the connections of API destinations and to topics.
 * Called by the composition root, which builds the connections first (HTTP tasks use them too);
 * the bus's loops start with `bus.start()`.
 */
import type { Json } from "../../asl/json.js";
import type { Clock } from "../../kernel/clock.js";
import { timeOrderedId } from "../../kernel/time-ordered-id.js";
import type { DurableEngine } from "../../runtime/durable/engine.js";
import type { ExecutionService } from "../../runtime/durable/service/executions.js";
import type { EventStore } from "../../store/events-port.js";
import type { WorkflowStore } from "../../store/workflows-port.js";
import type { ConnectionService } from "./connections.js";
import type { NotificationPublisher } from "./deliver.js";
import { deliveryPorts } from "./ports.js";
import { EventBusService } from "./service.js";
import { recordStatusChanges, STATUS_PROBE } from "./status-events.js";

/** What the bus is built from. */
export interface EventBusDependencies {
  /** The prefix of this process's lease owners (its node's; see the engine's). */
  leaseOwnerPrefix?: string;
  store: WorkflowStore & EventStore;
  clock: Clock;
  engine: DurableEngine;
  executions: ExecutionService;
  invokeFunction: (name: string, event: Json) => Promise<unknown>;
  /** The connections API destinations authorize with. */
  connections: ConnectionService;
  region: string;
  account: string;
  log?: (message: string) => void;
  /** Publishes to notification topics (topic targets). */
  topics?: NotificationPublisher;
  /** How long accepted events are kept once no delivery needs them. */
  eventRetentionMs?: number;
  /** Holds status events back this long before publishing them (crash tests only). */
  statusEventDelayMs?: number;
}

/** Builds the event bus (not started) and has it record the engine's status changes. */
export function buildEventBus(deps: EventBusDependencies): EventBusService {
  const log = deps.log ?? ((text: string) => process.stderr.write(`${text}\n`));
  const now = () => deps.clock.now();
  const bus = new EventBusService({
    region: deps.region,
    account: deps.account,
    store: deps.store,
    clock: deps.clock,
    ports: deliveryPorts({
      executions: deps.executions,
      invokeFunction: deps.invokeFunction,
      store: deps.store,
      connections: deps.connections,
      now,
      ...(deps.topics && { topics: deps.topics }),
    }),
    log,
    ...(deps.leaseOwnerPrefix !== undefined && { leaseOwnerPrefix: deps.leaseOwnerPrefix }),
    ...(deps.eventRetentionMs !== undefined && { eventRetentionMs: deps.eventRetentionMs }),
    ...(deps.statusEventDelayMs !== undefined && { statusEventDelayMs: deps.statusEventDelayMs }),
  });
  recordStatusChanges(deps.engine, {
    wanted: () => bus.wantsEvents("default", STATUS_PROBE),
    newId: () => timeOrderedId(now()),
    now,
    committed: () => bus.statusEventsCommitted(),
  });
  return bus;
}
