/**
 * Managed nodes as DescribeInstanceInformation shows them: PingStatus derives from the last
 * heartbeat (Online within ONLINE_WINDOW_MS, else ConnectionLost), tags are kept per node and
 * deregistering deletes the node, so its key stops working and its open invocations end.
 */
import type { Clock } from "../kernel/clock.js";
import type {
  FleetStore,
  ManagedNodeRecord,
  NodeFilter,
  NodePingStatus,
  Tag,
} from "../store/fleet-port.js";
import type { Page, PageRequest } from "../store/paging.js";
import type { CommandService } from "./commands.js";
import { FleetError } from "./errors.js";
import { isNodeId } from "./ids.js";
import type { NodeStatusEvents } from "./node-status.js";
import { commandControl } from "./rate-control.js";
import { checkTags, MAX_TAGS } from "./tags.js";

/**
 * A node is Online while its last stored heartbeat is this recent. Agents poll at least every
 * 25 s and a heartbeat is stored at most every 45 s (agent-calls.ts): a stored one can be 70 s
 * old on a healthy node, so two minutes without one make it ConnectionLost.
 */
export const ONLINE_WINDOW_MS = 120_000;

/** SSM's PingStatus. */
export type PingStatus = NodePingStatus;

/** A node with its derived ping status. */
export interface NodeView extends ManagedNodeRecord {
  pingStatus: PingStatus;
}

/** The filters DescribeInstanceInformation takes, before they reach the store. */
export interface NodeQuery extends Omit<NodeFilter, "ping"> {
  pingStatus?: PingStatus[];
}

export class NodeService {
  constructor(
    private readonly store: FleetStore,
    private readonly clock: Clock,
    private readonly commands: CommandService,
    private readonly statusEvents: NodeStatusEvents,
  ) {}

  private view(node: ManagedNodeRecord): NodeView {
    const online =
      node.lastPingAt !== undefined && node.lastPingAt >= this.clock.now() - ONLINE_WINDOW_MS;
    return { ...node, pingStatus: online ? "Online" : "ConnectionLost" };
  }

  async get(id: string): Promise<NodeView> {
    const node = isNodeId(id) ? await this.store.getNode(id) : undefined;
    if (!node)
      throw new FleetError("InvalidInstanceId", `Instance ${id} is not a registered managed node.`);
    return this.view(node);
  }

  async list(query: NodeQuery, page: PageRequest): Promise<Page<NodeView>> {
    const { pingStatus, ...filter } = query;
    const statuses = new Set(pingStatus ?? []);
    const ping =
      statuses.size === 1
        ? { onlineSince: this.clock.now() - ONLINE_WINDOW_MS, online: statuses.has("Online") }
        : undefined;
    const found = await this.store.listNodes({ ...filter, ...(ping && { ping }) }, page);
    return { ...found, items: found.items.map((node) => this.view(node)) };
  }

  /** Adds or replaces tags by key. */
  async addTags(id: string, tags: Tag[]): Promise<Tag[]> {
    const node = await this.get(id);
    checkTags(tags);
    const keys = new Set([...node.tags.map((t) => t.Key), ...tags.map((t) => t.Key)]);
    if (keys.size > MAX_TAGS)
      throw new FleetError("TooManyTagsError", `A node can have at most ${MAX_TAGS} tags.`);
    return this.changeTags(id, tags, []);
  }

  async removeTags(id: string, keys: string[]): Promise<Tag[]> {
    await this.get(id);
    return this.changeTags(id, [], keys);
  }

  private async changeTags(id: string, add: Tag[], remove: string[]): Promise<Tag[]> {
    const tags = await this.store.changeNodeTags(id, add, remove);
    if (!tags) throw new FleetError("InvalidResourceId", `Managed node ${id} does not exist.`);
    return tags;
  }

  /**
   * Deletes the node; its invocations still open end Failed/Undeliverable, and its
   * Deregistered event is published (by the one caller whose deletion took effect).
   */
  async deregister(id: string): Promise<void> {
    // Read first: the event describes the node as it was.
    const node = isNodeId(id) ? await this.store.getNode(id) : undefined;
    if (!node)
      throw new FleetError("InvalidInstanceId", `Instance ${id} is not a registered managed node.`);
    const result = await this.store.deregisterNode(id, this.clock.now(), commandControl);
    if (!result.deregistered)
      throw new FleetError("InvalidInstanceId", `Instance ${id} is not a registered managed node.`);
    await this.statusEvents.publish([{ node, status: "Deregistered" }]);
    for (const change of result.changes) await this.commands.applied(change);
  }
}
