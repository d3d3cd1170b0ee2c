/** Request helpers shared by the EventBridge operation tables. */
import type { EventsApi } from "../../context.js";
import { int, type Members, optional, str } from "../sfn/members.js";

/** One EventBridge operation: request members in, wire shape out. */
export type Operation = (request: Members, events: EventsApi, account: string) => Promise<unknown>;

/** `Limit` (0 or absent: 100) and `NextToken` as a page request. */
export const page = (request: Members) => ({
  limit: int(request, "Limit", { min: 0, max: 100 }) || 100,
  ...(optional(request, "NextToken", str) !== undefined && {
    nextToken: str(request, "NextToken"),
  }),
});

/** `NextToken` in an answer, when there is a next page. */
export const next = (token: string | undefined) => (token ? { NextToken: token } : {});
