/**
 * Managed nodes on the AWS endpoint: DescribeInstanceInformation (both filter lists: the
 * older `InstanceInformationFilterList` of `key`/`valueSet` and `Filters` of `Key`/`Values`,
 * which also takes `tag:KEY` and `tag-key`) and DeregisterManagedInstance.
 */
import { FleetError } from "../../../fleet/errors.js";
import type { NodeQuery, PingStatus } from "../../../fleet/nodes.js";
import type { PlatformType } from "../../../store/fleet-port.js";
import { int, type Members, optional, required, str, structures } from "../sfn/members.js";
import { type FleetOperation, nextToken, strings } from "./fleet-members.js";
import { instanceInformationShape } from "./fleet-shapes.js";

const PING_STATUSES = ["Online", "ConnectionLost", "Inactive"];
const PLATFORM_TYPES = ["Linux", "Windows", "MacOS"];
/** Keys SSM defines that opsflow does not filter on. */
const UNSUPPORTED_KEYS = ["AgentVersion", "ActivationIds", "IamRole", "AssociationStatus"];

const badValue = (key: string, value: string, allowed: string[]) =>
  new FleetError(
    "InvalidInstanceInformationFilterValue",
    `${value} is not a valid value for filter ${key}: use ${allowed.join(", ")}.`,
  );

/** A query, or `empty` when the filters can match nothing here (Inactive, EC2Instance). */
type Parsed = { query: NodeQuery; empty: boolean };

function applyFilter(parsed: Parsed, key: string, values: string[]): void {
  const { query } = parsed;
  if (values.length < 1 || values.length > 100)
    throw new FleetError(
      "InvalidInstanceInformationFilterValue",
      `Filter ${key} needs 1 to 100 values.`,
    );
  if (key === "InstanceIds") {
    query.ids = query.ids ? query.ids.filter((id) => values.includes(id)) : values;
  } else if (key === "PingStatus") {
    const bad = values.find((v) => !PING_STATUSES.includes(v));
    if (bad !== undefined) throw badValue(key, bad, PING_STATUSES);
    // No node is Inactive here (that is SSM's state for a node whose role is gone).
    const statuses = values.filter((v): v is PingStatus => v !== "Inactive");
    if (statuses.length === 0) parsed.empty = true;
    else
      query.pingStatus = query.pingStatus
        ? query.pingStatus.filter((s) => statuses.includes(s))
        : statuses;
    if (query.pingStatus?.length === 0) parsed.empty = true;
  } else if (key === "PlatformTypes") {
    const bad = values.find((v) => !PLATFORM_TYPES.includes(v));
    if (bad !== undefined) throw badValue(key, bad, PLATFORM_TYPES);
    query.platformTypes = values as PlatformType[];
  } else if (key === "ResourceType") {
    const bad = values.find((v) => v !== "ManagedInstance" && v !== "EC2Instance");
    if (bad !== undefined) throw badValue(key, bad, ["ManagedInstance", "EC2Instance"]);
    // Every node here is a ManagedInstance (no EC2 instances).
    if (!values.includes("ManagedInstance")) parsed.empty = true;
  } else if (key === "tag-key") {
    if (values.length > 1)
      throw new FleetError(
        "InvalidInstanceInformationFilterValue",
        "Filter tag-key takes one key; give several tag-key filters to require several keys.",
      );
    query.tags = [...(query.tags ?? []), { key: values[0] as string }];
  } else if (key.startsWith("tag:") && key.length > 4) {
    query.tags = [...(query.tags ?? []), { key: key.slice(4), values }];
  } else if (UNSUPPORTED_KEYS.includes(key)) {
    throw new FleetError(
      "InvalidFilterKey",
      `Filter key ${key} is not supported by opsflow; use InstanceIds, PingStatus, PlatformTypes, ResourceType, tag:KEY or tag-key.`,
    );
  } else {
    throw new FleetError(
      "InvalidFilterKey",
      `${key} is not a filter key of DescribeInstanceInformation.`,
    );
  }
}

/** Both filter lists of a request, as one query. */
function parseFilters(request: Members): Parsed {
  const parsed: Parsed = { query: {}, empty: false };
  for (const f of optional(request, "InstanceInformationFilterList", structures) ?? []) {
    const key = required(f, "key", str);
    if (key.startsWith("tag"))
      throw new FleetError(
        "InvalidFilterKey",
        `${key} is a key of Filters, not InstanceInformationFilterList.`,
      );
    applyFilter(parsed, key, required(f, "valueSet", strings) ?? []);
  }
  for (const f of optional(request, "Filters", structures) ?? [])
    applyFilter(parsed, required(f, "Key", str), required(f, "Values", strings) ?? []);
  return parsed;
}

/** Operation name → implementation. */
export const nodeOperations: Record<string, FleetOperation> = {
  async DescribeInstanceInformation(request, { fleet }) {
    const { query, empty } = parseFilters(request);
    const limit = optional(request, "MaxResults", (m, n) => int(m, n, { min: 5, max: 50 })) ?? 50;
    const token = optional(request, "NextToken", str);
    if (empty) return { InstanceInformationList: [] };
    const found = await fleet.nodes.list(query, {
      limit,
      ...(token !== undefined && { nextToken: token }),
    });
    const activationIds = [
      ...new Set(found.items.flatMap((n) => (n.activationId ? [n.activationId] : []))),
    ];
    const roles = new Map<string, string>();
    if (activationIds.length > 0) {
      const activations = await fleet.activations.list(
        { ids: activationIds },
        { limit: activationIds.length },
      );
      for (const a of activations.items) roles.set(a.id, a.iamRole);
    }
    return {
      InstanceInformationList: found.items.map((node) =>
        instanceInformationShape(
          node,
          node.activationId ? roles.get(node.activationId) : undefined,
        ),
      ),
      ...nextToken(found.nextToken),
    };
  },

  async DeregisterManagedInstance(request, { fleet }) {
    await fleet.nodes.deregister(
      required(request, "InstanceId", (m, n) => str(m, n, { max: 124 })),
    );
    return {};
  },
};
