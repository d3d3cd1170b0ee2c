/**
 * Request readers the fleet operations share: paging, string lists, tags, and the context an
 * operation runs in. Type errors are ValidationExceptions naming the member (sfn/members.ts).
 */
import type { Fleet } from "../../../fleet/index.js";
import { ServiceError } from "../../../runtime/durable/errors.js";
import type { Tag } from "../../../store/fleet-port.js";
import type { PageRequest } from "../../../store/paging.js";
import type { ApiContext, Principal } from "../../context.js";
import { arrayOf, int, type Members, optional, str, structures } from "../sfn/members.js";

/** What a fleet operation runs with. */
export interface FleetOperationContext {
  fleet: Fleet;
  api: ApiContext;
  principal: Principal;
  /** Epoch ms now, from the server's clock. */
  now: () => number;
  /** The account and region this endpoint serves (Owner of documents, OutputS3Region). */
  account: string;
  region: string;
}

/** One fleet operation: the request's members in, the response's members out. */
export type FleetOperation = (request: Members, context: FleetOperationContext) => Promise<unknown>;

/** A ValidationException in AWS's wording for member `name`. */
export function invalidMember(name: string, what: string): never {
  throw new ServiceError(
    "ValidationException",
    `1 validation error detected: Value at '${name}' failed to satisfy constraint: ${what}`,
  );
}

/** `{ NextToken }` when there is a next page. */
export const nextToken = (token: string | undefined) => (token ? { NextToken: token } : {});

/** MaxResults (default `max`) and NextToken as a page request. */
export function pageOf(request: Members, max: number): PageRequest {
  const limit = int(request, "MaxResults", { min: 0, max }) || max;
  const token = optional(request, "NextToken", str);
  return token === undefined ? { limit } : { limit, nextToken: token };
}

/** A list member of strings (undefined when absent). */
export function strings(members: Members, name: string): string[] | undefined {
  const list = optional(members, name, arrayOf);
  if (list === undefined) return undefined;
  if (list.some((item) => typeof item !== "string"))
    invalidMember(name, "Member must be a list of strings");
  return list as string[];
}

/** A `Tags` list member (`[{Key, Value}]`), shapes checked; limits are the fleet's. */
export function tagsOf(members: Members, name = "Tags"): Tag[] | undefined {
  const list = optional(members, name, structures);
  return list?.map((tag, i) => ({
    Key: str(tag, "Key", { max: 128 }),
    Value:
      typeof tag.Value === "string"
        ? tag.Value
        : invalidMember(`${name}.${i + 1}.member.Value`, "Member must be a string"),
  }));
}
