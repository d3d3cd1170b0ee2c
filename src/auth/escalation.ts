/**
 * Refusals of privilege escalation: a permission change is allowed by the `iam:` action on
 * its target, and on top of that only when it gives nobody more than the caller has.
 * - Nobody changes the permissions of themselves or of a group they belong to, except an
 *   admin (who gains nothing by it).
 * - A role can be granted only by someone who holds it.
 * - A policy (or a group membership, which brings the group's roles and policies) can be
 *   given only when the caller's own permissions cover everything it allows.
 */
import type { Grants } from "./authorizer.js";
import { AuthError } from "./errors.js";
import { coversPolicy, type PolicyDocument } from "./policy.js";

const isAdmin = (grants: Grants) => grants.roles.includes("admin");

/** What is about to be given, and to whom. */
export interface PermissionChange {
  /** The user the change reaches (the user, or each member of the group). */
  affects: { kind: "user" | "group"; name: string };
  roles?: string[];
  policies?: PolicyDocument[];
}

/** Throws AccessDeniedException when `change` would escalate the caller's privileges. */
export function checkEscalation(caller: Grants, change: PermissionChange): void {
  if (isAdmin(caller)) return;
  const { kind, name } = change.affects;
  if (
    (kind === "user" && name === caller.user) ||
    (kind === "group" && caller.groups.includes(name))
  )
    throw new AuthError(
      "AccessDeniedException",
      `Privilege escalation refused: ${caller.user} cannot change the permissions of ${kind === "user" ? "itself" : `group ${name}, which it belongs to`}.`,
    );
  for (const role of change.roles ?? [])
    if (!caller.roles.includes(role))
      throw new AuthError(
        "AccessDeniedException",
        `Privilege escalation refused: ${caller.user} cannot grant role ${role}, which it does not hold.`,
      );
  for (const policy of change.policies ?? [])
    if (!coversPolicy(caller.statements, caller.user, policy))
      throw new AuthError(
        "AccessDeniedException",
        `Privilege escalation refused: the policy allows more than ${caller.user} is allowed.`,
      );
}
