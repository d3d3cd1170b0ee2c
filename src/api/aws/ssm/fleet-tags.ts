/**
 * Tags of managed nodes and documents on the AWS endpoint: AddTagsToResource,
 * RemoveTagsFromResource, ListTagsForResource. Other resource types SSM tags (parameters,
 * maintenance windows...) answer InvalidResourceType.
 */
import { FleetError } from "../../../fleet/errors.js";
import type { Fleet } from "../../../fleet/index.js";
import type { Tag } from "../../../store/fleet-port.js";
import { type Members, required, str } from "../sfn/members.js";
import { type FleetOperation, strings, tagsOf } from "./fleet-members.js";

type Tagged = "ManagedInstance" | "Document";

function resourceOf(request: Members): { type: Tagged; id: string } {
  const type = required(request, "ResourceType", str);
  if (type !== "ManagedInstance" && type !== "Document")
    throw new FleetError(
      "InvalidResourceType",
      `ResourceType ${type} cannot be tagged here: use ManagedInstance or Document.`,
    );
  return { type, id: required(request, "ResourceId", str) };
}

/** A node that does not exist is an unknown resource id to the tag operations, as in SSM. */
async function onNode<T>(id: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof FleetError && error.code === "InvalidInstanceId")
      throw new FleetError("InvalidResourceId", `Managed node ${id} does not exist.`);
    throw error;
  }
}

async function changeTags(
  fleet: Fleet,
  resource: { type: Tagged; id: string },
  add: Tag[],
  remove: string[],
) {
  if (resource.type === "Document") return fleet.documents.changeTags(resource.id, add, remove);
  return onNode(resource.id, () =>
    add.length > 0
      ? fleet.nodes.addTags(resource.id, add)
      : fleet.nodes.removeTags(resource.id, remove),
  );
}

/** Operation name → implementation. */
export const tagOperations: Record<string, FleetOperation> = {
  async AddTagsToResource(request, { fleet }) {
    const resource = resourceOf(request);
    const tags = required(request, "Tags", (m) => tagsOf(m) ?? []);
    if (tags.length === 0)
      throw new FleetError("ValidationException", "Tags needs at least one tag.");
    await changeTags(fleet, resource, tags, []);
    return {};
  },

  async RemoveTagsFromResource(request, { fleet }) {
    const resource = resourceOf(request);
    const keys = required(request, "TagKeys", strings) ?? [];
    if (keys.length === 0)
      throw new FleetError("ValidationException", "TagKeys needs at least one key.");
    await changeTags(fleet, resource, [], keys);
    return {};
  },

  async ListTagsForResource(request, { fleet }) {
    const resource = resourceOf(request);
    const tags =
      resource.type === "Document"
        ? await fleet.documents.tags(resource.id)
        : (await onNode(resource.id, () => fleet.nodes.get(resource.id))).tags;
    return { TagList: tags };
  },
};
