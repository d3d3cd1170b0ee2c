/**
 * Events with an `aws.` source. AWS refuses them from every client (only its services emit
 * them); opsflow has no AWS services behind it, so an integration that relays real AWS Health
 * or Config events (or a test of a workflow built for them) must be able to put them. It may
 * when its policy allows this action; everyone else gets NotAuthorizedForSourceException per
 * entry, as on AWS. The admin role's `*` includes it.
 */
import type { PutEventsRequestEntry } from "../../events/envelope.js";
import type { ApiContext, Principal } from "../context.js";

/** The action that lets a caller put events with a reserved (`aws.`) source. */
export const RESERVED_SOURCE_ACTION = "events:PutReservedSourceEvents";

/**
 * The options of a PutEvents request of the APIs: whether this caller may put its entries'
 * reserved sources, and `syncedLater`, because both API guards write the request's audit row
 * (a commit that reaches the disk) after the operation and answer only once it is written.
 */
export async function apiPutEventsOptions(
  api: ApiContext,
  principal: Principal,
  entries: readonly PutEventsRequestEntry[],
): Promise<{ allowReservedSources?: boolean; syncedLater: true }> {
  const reserved = entries.some(
    (e) => typeof e?.Source === "string" && e.Source.startsWith("aws."),
  );
  if (!reserved) return { syncedLater: true };
  const decision = await api.auth.authorizer.decide(principal.user, RESERVED_SOURCE_ACTION, []);
  return decision.effect === "allow"
    ? { allowReservedSources: true, syncedLater: true }
    : { syncedLater: true };
}
