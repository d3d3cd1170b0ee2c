/**
 * What the fleet tells the world about managed nodes: a "Managed Node Status-change
 * Notification" on the bus (source opsflow.fleet) when a node registers, is deregistered, loses
 * its connection (no heartbeat for ONLINE_WINDOW_MS) and comes back Online. Registration and
 * deregistration publish where they happen; connection changes are found by a loop on every
 * server node, and the store hands each flip to one of them, so each transition is one event.
 */
import type { PutEventsRequestEntry } from "../events/envelope.js";
import type { Clock } from "../kernel/clock.js";
import { PollLoop, type PollLoopSettings } from "../kernel/poll-loop.js";
import type { FleetStore, ManagedNodeRecord, NodePingStatus } from "../store/fleet-port.js";
import { type CommandPublisher, nodeArn } from "./command-events.js";
import { ONLINE_WINDOW_MS } from "./nodes.js";

/** The event's source and detail-type. */
export const NODE_STATUS_SOURCE = "opsflow.fleet";
export const NODE_STATUS_DETAIL_TYPE = "Managed Node Status-change Notification";

/** A node's status in its status-change event. */
export type NodeStatus = "Registered" | "Deregistered" | NodePingStatus;

/** Nodes flipped per store call: a round goes on at once while calls come back full. */
const FLIPS_PER_ROUND = 100;

/**
 * The event for `node` entering `status`. Unknown values (an SSH host's platform before its
 * first contact, a node without a Name) are null; tags are a `{key: value}` map, so event
 * patterns can match them (`{"detail": {"tags": {"env": ["prod"]}}}`).
 */
export function nodeStatusEvent(
  node: ManagedNodeRecord,
  status: NodeStatus,
  region: string,
  account: string,
): PutEventsRequestEntry {
  return {
    Source: NODE_STATUS_SOURCE,
    DetailType: NODE_STATUS_DETAIL_TYPE,
    Resources: [nodeArn(node.id, region, account)],
    Detail: JSON.stringify({
      "instance-id": node.id,
      name: node.name ?? null,
      status,
      "platform-type": node.info?.platformType ?? null,
      "computer-name": node.info?.computerName ?? null,
      "ip-address": node.info?.ipAddress ?? null,
      tags: Object.fromEntries(node.tags.map((tag) => [tag.Key, tag.Value])),
    }),
  };
}

/** Publishes node status changes on the bus; a failed publish is logged, never thrown. */
export class NodeStatusEvents {
  constructor(
    private readonly publisher: CommandPublisher,
    private readonly region: string,
    private readonly account: string,
    private readonly log: (message: string) => void,
  ) {}

  /** Publishes one event per change, in one call. */
  async publish(changes: { node: ManagedNodeRecord; status: NodeStatus }[]): Promise<void> {
    if (changes.length === 0) return;
    const entries = changes.map((c) =>
      nodeStatusEvent(c.node, c.status, this.region, this.account),
    );
    try {
      await this.publisher.putEvents(entries);
    } catch (error) {
      // The change is stored either way; its event is what is lost.
      this.log(`node status events: ${(error as Error).stack ?? error}`);
    }
  }
}

/**
 * Each round, flips the ping status published for nodes whose heartbeat says otherwise now,
 * and publishes those flips. Every server node runs it; the store gives each flip to one.
 */
export class NodeStatusWatch extends PollLoop {
  private readonly clock: Clock;

  constructor(
    private readonly store: FleetStore,
    private readonly events: NodeStatusEvents,
    settings: Omit<PollLoopSettings, "name">,
  ) {
    super({ ...settings, name: "node status watch" });
    this.clock = settings.clock;
  }

  protected async round(): Promise<boolean> {
    const onlineSince = this.clock.now() - ONLINE_WINDOW_MS;
    const flipped = await this.store.reportPingChanges(onlineSince, FLIPS_PER_ROUND);
    await this.events.publish(flipped);
    return flipped.length === FLIPS_PER_ROUND;
  }
}
