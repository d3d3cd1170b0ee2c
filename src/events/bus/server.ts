/**
 * The event bus as the server runs it: connections, sources and the bus service wired to the
 * engine (execution targets, status change events) and to functions. Called by the
 * composition root; the bus's loops start with `bus.start()`.
 */
import type { EventsApi } from "../../api/context.js";
import type { Json } from "../../asl/json.js";
import type { Clock } from "../../runtime/clock.js";
import type { DurableEngine } from "../../runtime/durable/engine.js";
import type { ExecutionService } from "../../runtime/durable/service/executions.js";
import type { Store } from "../../store/port.js";
import { timeOrderedId } from "../../store/time-ordered-id.js";
import { SourceService } from "../sources/service.js";
import { ConnectionService } from "./connections.js";
import type { NotificationPublisher } from "./deliver.js";
import { deliveryPorts } from "./ports.js";
import { EventBusService } from "./service.js";
import { recordStatusChanges, STATUS_PROBE } from "./status-events.js";

/** What the bus is built from. */
export interface EventBusDependencies {
  store: Store;
  clock: Clock;
  engine: DurableEngine;
  executions: ExecutionService;
  invokeFunction: (name: string, event: Json) => Promise<unknown>;
  masterKey: Buffer;
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

/** Builds the event bus services (not started). */
export async function buildEventBus(deps: EventBusDependencies): Promise<{ api: EventsApi }> {
  const log = deps.log ?? ((text: string) => process.stderr.write(`${text}\n`));
  const now = () => deps.clock.now();
  const scope = { region: deps.region, account: deps.account };
  const connections = new ConnectionService(deps.store, deps.masterKey, scope, now);
  let bus: EventBusService | undefined;
  const ports = deliveryPorts({
    executions: deps.executions,
    invokeFunction: deps.invokeFunction,
    store: deps.store,
    connections,
    now,
    forward: (name, envelope) => (bus as EventBusService).forward(name, envelope),
    ...(deps.topics && { topics: deps.topics }),
  });
  bus = new EventBusService({
    ...scope,
    store: deps.store,
    clock: deps.clock,
    ports,
    log,
    ...(deps.eventRetentionMs !== undefined && { eventRetentionMs: deps.eventRetentionMs }),
    ...(deps.statusEventDelayMs !== undefined && { statusEventDelayMs: deps.statusEventDelayMs }),
  });
  const service = bus;
  recordStatusChanges(deps.engine, {
    wanted: () => service.wantsEvents("default", STATUS_PROBE),
    newId: () => timeOrderedId(now()),
    now,
    committed: () => service.statusEventsCommitted(),
  });
  return { api: { bus, connections, sources: new SourceService(deps.store, now) } };
}
