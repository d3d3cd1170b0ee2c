/** What the event bus tests on a real store share: a clock moved by hand and a bus on it. */
import type { DeliveryPorts } from "../../src/events/bus/deliver.js";
import { type EventBusOptions, EventBusService } from "../../src/events/bus/service.js";
import type { Clock } from "../../src/kernel/clock.js";
import type { Store } from "../../src/store/port.js";

/** A clock that moves only when told; sleepers never wake (the tests drive the bus's loops). */
export function manualClock(start: number): Clock & { set(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    sleepUntil: () => new Promise(() => undefined),
  };
}

/** Delivery ports that deliver nowhere: the tests read the delivery queue instead. */
export const noDeliveries: DeliveryPorts = {
  startExecution: async () => undefined,
  invokeFunction: async () => undefined,
  callApiDestination: async () => undefined,
  forwardToBus: async () => undefined,
};

/** Starts a bus of us-east-1/123456789012 on `store` without its loops; `options` add to it. */
export async function startBus(
  store: Store,
  clock: Clock,
  options: Partial<EventBusOptions> = {},
): Promise<EventBusService> {
  const service = new EventBusService({
    store,
    clock,
    ports: noDeliveries,
    region: "us-east-1",
    account: "123456789012",
    ...options,
  });
  await service.start({ loops: false });
  return service;
}
