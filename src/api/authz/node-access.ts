/**
 * The second check of SendCommand: nodes chosen by tag are known only once the command
 * resolves its targets, so the caller's permission on each of them is checked then (with the
 * node's tags, for `aws:ResourceTag/...` conditions), before anything is stored.
 */
import { denialMessage } from "../../auth/authorizer.js";
import { FleetError } from "../../fleet/errors.js";
import type { ApiContext, Principal } from "../context.js";

/** A check that `principal` may perform `action` on every given node. */
export function nodeAccess(api: ApiContext, principal: Principal, action = "ssm:SendCommand") {
  return async (instanceIds: string[]): Promise<void> => {
    if (instanceIds.length === 0 || principal.workflow) return;
    const arns = instanceIds.map((id) => api.auth.arns.managedInstance(id));
    const decision = await api.auth.authorizer.decide(principal.user, action, arns);
    if (decision.effect !== "allow")
      throw new FleetError(
        "AccessDeniedException",
        denialMessage(principal.user, action, decision),
      );
  };
}
