/** Tag checks shared by activations, nodes and documents (SSM's limits). */
import type { Tag } from "../store/fleet-port.js";
import { FleetError } from "./errors.js";

/** Tags per resource, as SSM allows. */
export const MAX_TAGS = 50;

/** Checks keys and values (lengths, reserved `aws:` prefix); returns the tags. */
export function checkTags(tags: Tag[]): Tag[] {
  if (tags.length > MAX_TAGS)
    throw new FleetError("TooManyTagsError", `A resource can have at most ${MAX_TAGS} tags.`);
  for (const [i, tag] of tags.entries()) {
    if (typeof tag?.Key !== "string" || tag.Key.length < 1 || tag.Key.length > 128)
      throw new FleetError("ValidationException", `Tags[${i}].Key must be 1 to 128 characters.`);
    if (typeof tag.Value !== "string" || tag.Value.length > 256)
      throw new FleetError(
        "ValidationException",
        `Tags[${i}].Value must be at most 256 characters.`,
      );
    if (tag.Key.toLowerCase().startsWith("aws:"))
      throw new FleetError("ValidationException", `Tags[${i}].Key: the aws: prefix is reserved.`);
  }
  return tags;
}
