/**
 * SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat act on the execution a task token
 * belongs to, so they are authorised on that execution's ARN (a policy can allow sending
 * results only for one state machine's executions). The token is resolved before the check.
 * A token that names no task has no execution to check: the caller is then allowed through
 * when some statement allows it the action at all, and the operation answers
 * TaskDoesNotExist / InvalidToken as it would for anyone, so a refusal never tells whether a
 * token exists.
 */
import { type Decision, type PolicyStatement, wildcardMatch } from "../../auth/policy.js";
import type { AuthApi } from "../context.js";

/** The decision for `action` by `user` anywhere: allowed by some Allow, no Deny on `*`. */
function decideAnywhere(statements: readonly PolicyStatement[], action: string): Decision {
  const acts = (s: PolicyStatement) => s.Action.some((a) => wildcardMatch(a, action));
  if (statements.some((s) => s.Effect === "Deny" && acts(s) && s.Resource.includes("*")))
    return { effect: "deny", reason: "explicit-deny", resource: "*" };
  if (!statements.some((s) => s.Effect === "Allow" && acts(s)))
    return { effect: "deny", reason: "implicit-deny", resource: "*" };
  return { effect: "allow" };
}

/** The resources and decision of a task-token action. */
export async function decideOnTask(
  auth: AuthApi,
  user: string,
  action: string,
  token: unknown,
): Promise<{ resources: string[]; decision: Decision }> {
  const execution =
    typeof token === "string" && token.length <= 1024 ? await auth.taskExecution(token) : undefined;
  if (execution)
    return {
      resources: [execution],
      decision: await auth.authorizer.decide(user, action, [execution]),
    };
  const grants = await auth.authorizer.grantsOf(user);
  if (!grants)
    return { resources: [], decision: { effect: "deny", reason: "implicit-deny", resource: "*" } };
  return { resources: [], decision: decideAnywhere(grants.statements, action) };
}
