/**
 * What a sign-in changes in opsflow's identity store: the user is created on first sign-in
 * (without a password: they sign in through the provider) with the provider's email address,
 * and their membership of the groups
 * the mapping manages follows the provider's group claim on every sign-in. Groups outside the
 * mapping are left alone, so memberships granted in opsflow itself survive.
 */

import { StoreConflictError } from "../../store/errors.js";
import type { IdentityStore } from "../../store/identity-port.js";
import type { OidcIdentity } from "./flow.js";

/** The membership changes a sign-in made (for the audit log). */
export interface MembershipChange {
  created: boolean;
  joined: string[];
  left: string[];
}

/** Creates the user when new and brings the managed groups in line with the provider. */
export async function applyOidcIdentity(
  store: IdentityStore,
  identity: OidcIdentity,
  now: number,
): Promise<MembershipChange> {
  const existing = await store.getUser(identity.user);
  const created = !existing;
  const { email } = identity;
  if (created)
    await ignoreExisting(
      store.createUser({
        name: identity.user,
        ...(email && { email }),
        createdAt: now,
        updatedAt: now,
      }),
    );
  // The provider's address wins: it is where the user's approval requests should go.
  else if (email !== undefined && existing.email !== email)
    await store.updateUser(identity.user, { email }, now);
  const current = new Set((await store.permissionsOf(identity.user))?.groups ?? []);
  const wanted = new Set(identity.groups);
  const joined = identity.groups.filter((g) => !current.has(g));
  const left = identity.managedGroups.filter((g) => current.has(g) && !wanted.has(g));
  for (const group of joined) {
    if (!(await store.getGroup(group)))
      await ignoreExisting(store.createGroup({ name: group, createdAt: now }));
    await store.addMember(group, identity.user);
  }
  for (const group of left) await store.removeMember(group, identity.user);
  return { created, joined, left };
}

/** A concurrent first sign-in may create the same user or group: that is fine. */
async function ignoreExisting(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof StoreConflictError)) throw error;
  }
}
