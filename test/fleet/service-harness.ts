/**
 * The fleet in-process for service tests: built with buildFleet over a real store, on a manual
 * clock, publishing into a recorder. Nodes register through the fleet's own activations and
 * are driven through `fleet.agentCalls`, the server's agent API.
 */
import { generateKeyPairSync } from "node:crypto";
import type { PutEventsRequestEntry } from "../../src/events/envelope.js";
import type { CommandPublisher } from "../../src/fleet/command-events.js";
import { buildFleet, type Fleet } from "../../src/fleet/index.js";
import type { FleetStore, ManagedNodeRecord, NodeInfo, Tag } from "../../src/store/fleet-port.js";
import { ManualClock } from "./ssh/run-helpers.js";

export const REGION = "eu-west-1";
export const ACCOUNT = "123456789012";
/** 2026-01-01T00:00:00Z: where the manual clock starts. */
export const START = Date.UTC(2026, 0, 1);

/** Background loops each fleet sleeps in when idle: invocation expiry, node status, SSH runner and SSH health. */
export const LOOPS_PER_FLEET = 4;

/** An event as published, Detail parsed. */
export interface PublishedEvent {
  source: string;
  detailType: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** A CommandPublisher that keeps what it was given. */
export class RecordedEvents implements CommandPublisher {
  readonly events: PublishedEvent[] = [];

  async putEvents(entries: PutEventsRequestEntry[]): Promise<unknown> {
    for (const entry of entries)
      this.events.push({
        source: entry.Source ?? "",
        detailType: entry.DetailType ?? "",
        resources: entry.Resources ?? [],
        detail: JSON.parse(entry.Detail ?? "{}"),
      });
    return {};
  }

  /** Events of one detail-type, in the order published. */
  of(detailType: string): PublishedEvent[] {
    return this.events.filter((event) => event.detailType === detailType);
  }

  /** The statuses of one node's status-change events, in order. */
  nodeStatuses(instanceId: string): unknown[] {
    return this.of("Managed Node Status-change Notification")
      .filter((event) => event.detail["instance-id"] === instanceId)
      .map((event) => event.detail.status);
  }
}

/** A clock that moves when the test says, and a way to wait until the fleet is idle. */
export class TestClock extends ManualClock {
  constructor(private readonly sleepersWhenIdle: number) {
    super();
    this.advance(START);
  }

  /**
   * Resolves once `sleepersWhenIdle` waits (plus `extra`, e.g. held long polls) are pending
   * on the clock: every loop finished the round the last change started and sleeps again.
   */
  async idle(extra = 0): Promise<void> {
    for (let turn = 0; turn < 100_000; turn++) {
      if (this.pending >= this.sleepersWhenIdle + extra) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`the fleet never went idle: ${this.pending} sleepers`);
  }

  /** Moves time on by `ms`, then waits until the loops it woke are idle again. */
  async tick(ms: number, extra = 0): Promise<void> {
    await this.idle(extra);
    this.advance(ms);
    await this.idle(extra);
  }
}

/** Builds and starts a fleet over `store`; what it logs (failed rounds) goes to `logs`. */
export async function startFleet(
  store: FleetStore,
  clock: TestClock,
  events: RecordedEvents,
  logs: string[],
  owner = "server-1",
): Promise<Fleet> {
  const secrets = new Map<string, string>();
  const fleet = buildFleet({
    store,
    clock,
    region: REGION,
    account: ACCOUNT,
    publisher: events,
    references: async (_kind, name) => {
      throw new Error(`no parameter ${name} in these tests`);
    },
    secrets: {
      put: async (name, value) => {
        secrets.set(name, value);
      },
      get: async (name) => secrets.get(name) ?? "",
    },
    owner,
    log: (message) => {
      logs.push(message);
    },
  });
  await fleet.start();
  return fleet;
}

export const INFO: NodeInfo = {
  platformType: "Linux",
  platformName: "Ubuntu",
  platformVersion: "24.04",
  computerName: "web-1.internal",
  ipAddress: "10.0.0.7",
  agentVersion: "1.0.0",
};

/** Registers `count` nodes through one new activation; their records as stored. */
export async function registerNodes(
  fleet: Fleet,
  count: number,
  options: { name?: string; tags?: Tag[]; info?: NodeInfo } = {},
): Promise<ManagedNodeRecord[]> {
  const activation = await fleet.activations.create({
    iamRole: "opsflow-node",
    registrationLimit: count,
    ...(options.name !== undefined && { defaultInstanceName: options.name }),
    ...(options.tags && { tags: options.tags }),
  });
  const nodes: ManagedNodeRecord[] = [];
  for (let i = 0; i < count; i++) {
    const { publicKey } = generateKeyPairSync("ed25519");
    const registered = await fleet.activations.register({
      activationId: activation.id,
      activationCode: activation.code,
      publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
      info: options.info ?? INFO,
    });
    const node = await fleet.nodes.get(registered.instanceId);
    nodes.push(node);
  }
  return nodes;
}
