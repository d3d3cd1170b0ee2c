/**
 * Which nodes a SendCommand reaches: `InstanceIds`, or `Targets` whose keys are ANDed and
 * whose values within a key are ORed (`InstanceIds`, `tag:NAME`, `tag-key`), as Run Command
 * resolves them. Unknown instance ids are refused; targets may match nothing.
 */
import type { FleetStore, ManagedNodeRecord, NodeFilter } from "../store/fleet-port.js";
import { FleetError } from "./errors.js";
import { isNodeId } from "./ids.js";

/** One `Targets` entry. */
export interface Target {
  Key: string;
  Values: string[];
}

/** SSM's limits on a request's targets. */
const MAX_INSTANCE_IDS = 50;
const MAX_TARGET_KEYS = 5;
const MAX_TARGET_VALUES = 50;

/** The nodes `instanceIds` or `targets` name, in a stable order (as given, then id order). */
export async function resolveTargets(
  store: FleetStore,
  instanceIds: string[] | undefined,
  targets: Target[] | undefined,
): Promise<ManagedNodeRecord[]> {
  if ((instanceIds?.length ?? 0) > 0 && (targets?.length ?? 0) > 0)
    throw new FleetError("ValidationException", "Give InstanceIds or Targets, not both.");
  if (instanceIds && instanceIds.length > 0) return byIds(store, instanceIds);
  if (!targets || targets.length === 0)
    throw new FleetError(
      "ValidationException",
      "Give InstanceIds or Targets: the command has no target.",
    );
  if (targets.length > MAX_TARGET_KEYS)
    throw new FleetError("ValidationException", `Targets takes at most ${MAX_TARGET_KEYS} keys.`);
  const filter: NodeFilter = {};
  for (const [i, target] of targets.entries()) {
    const values = target?.Values;
    if (
      typeof target?.Key !== "string" ||
      !Array.isArray(values) ||
      values.length === 0 ||
      values.length > MAX_TARGET_VALUES ||
      values.some((v) => typeof v !== "string")
    )
      throw new FleetError(
        "ValidationException",
        `Targets[${i}] needs a Key and 1 to ${MAX_TARGET_VALUES} string Values.`,
      );
    if (target.Key === "InstanceIds") filter.ids = intersect(filter.ids, values);
    else if (target.Key === "tag-key")
      filter.tags = [...(filter.tags ?? []), ...values.map((key) => ({ key }))];
    else if (target.Key.startsWith("tag:") && target.Key.length > 4)
      filter.tags = [...(filter.tags ?? []), { key: target.Key.slice(4), values }];
    else
      throw new FleetError(
        "ValidationException",
        `Targets[${i}].Key '${target.Key}' is not supported: use InstanceIds, tag:NAME or tag-key.`,
      );
  }
  // tag-key with several values means any of those keys: one filter entry per key would AND
  // them, so it is checked here instead.
  const tagKeySets = targets.filter((t) => t.Key === "tag-key").map((t) => t.Values);
  if (tagKeySets.length > 0) filter.tags = filter.tags?.filter((t) => t.values !== undefined);
  const nodes: ManagedNodeRecord[] = [];
  let nextToken: string | undefined;
  do {
    const page = await store.listNodes(filter, { limit: 1000, ...(nextToken && { nextToken }) });
    for (const node of page.items)
      if (tagKeySets.every((keys) => node.tags.some((tag) => keys.includes(tag.Key))))
        nodes.push(node);
    nextToken = page.nextToken;
  } while (nextToken);
  return nodes;
}

function intersect(current: string[] | undefined, values: string[]): string[] {
  return current ? current.filter((id) => values.includes(id)) : values;
}

async function byIds(store: FleetStore, ids: string[]): Promise<ManagedNodeRecord[]> {
  if (ids.length > MAX_INSTANCE_IDS)
    throw new FleetError(
      "ValidationException",
      `InstanceIds takes at most ${MAX_INSTANCE_IDS} ids; use Targets for more.`,
    );
  if (new Set(ids).size !== ids.length)
    throw new FleetError("DuplicateInstanceId", "InstanceIds names a node twice.");
  const nodes: ManagedNodeRecord[] = [];
  for (const id of ids) {
    const node = isNodeId(id) ? await store.getNode(id) : undefined;
    if (!node)
      throw new FleetError("InvalidInstanceId", `Instance ${id} is not a registered managed node.`);
    nodes.push(node);
  }
  return nodes;
}
