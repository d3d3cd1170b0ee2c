/**
 * The admin's credentials on first start: an access key pair (SigV4) and an API token
 * (bearer), from the environment when set, generated and printed once otherwise. Later the
 * store is the only source: nothing here runs again once keys exist.
 */

import {
  generateAccessKeyId,
  generateApiToken,
  generateSecretAccessKey,
  hashApiToken,
} from "../auth/key-hash.js";
import type { Principal } from "../auth/principal.js";
import { openSecret, sealSecret } from "../kernel/secret-box.js";
import { StoreConflictError } from "../store/errors.js";
import type { IdentityStore } from "../store/identity-port.js";

/** What the first start may take from the environment. */
export interface AdminBootstrap {
  accessKeyId?: string;
  secretAccessKey?: string;
  apiToken?: string;
}

/** Creates the admin credentials if there are none; returns the lines to print once. */
export async function ensureAdminCredentials(
  store: IdentityStore,
  masterKey: Buffer,
  given: AdminBootstrap,
  now: number,
): Promise<string[]> {
  const lines: string[] = [];
  // The admin user holds the admin role; created once, when there are no users at all (a
  // data directory from before users existed gets it on its next start). Nodes that start
  // together on an empty database race here: the one that loses finds the user made.
  if ((await store.listUsers()).length === 0) {
    await store.createUser({ name: "admin", createdAt: now, updatedAt: now }).catch(ignoreExisting);
    await store.grantRole("user", "admin", "admin");
  }
  if ((await store.listAccessKeys()).length === 0) {
    const id = given.accessKeyId ?? generateAccessKeyId();
    const secret = given.secretAccessKey ?? generateSecretAccessKey();
    await store.createAccessKey({
      id,
      sealedSecret: sealSecret(masterKey, secret, id),
      user: "admin",
      status: "Active",
      createdAt: now,
    });
    if (!given.secretAccessKey)
      lines.push(`admin access key id:     ${id}`, `admin secret access key: ${secret}`);
  }
  if ((await store.listApiTokens()).length === 0) {
    const token = given.apiToken ?? generateApiToken();
    await store.createApiToken({
      id: crypto.randomUUID(),
      tokenHash: hashApiToken(token),
      user: "admin",
      status: "Active",
      createdAt: now,
    });
    if (!given.apiToken) lines.push(`admin API token:         ${token}`);
  }
  if (lines.length > 0)
    lines.unshift("opsflow created admin credentials; they are shown only now:");
  return lines;
}

function ignoreExisting(error: unknown): void {
  if (!(error instanceof StoreConflictError && error.reason === "exists")) throw error;
}

/** This node's master key does not open the secrets in the database. */
export class MasterKeyMismatchError extends Error {
  override readonly name = "MasterKeyMismatchError";
}

/**
 * Refuses a master key that does not open the stored secrets (an access key's, sealed by
 * whichever node created it): nodes sharing a database must share the key, or each would
 * seal secrets the others cannot read.
 */
export async function checkMasterKey(store: IdentityStore, masterKey: Buffer): Promise<void> {
  const [key] = await store.listAccessKeys();
  if (!key) return;
  try {
    openSecret(masterKey, key.sealedSecret, key.id);
  } catch {
    throw new MasterKeyMismatchError(
      "The master key does not open the secrets stored in this database. Every node on one " +
        "database needs the same key: set OPSFLOW_MASTER_KEY (or copy master.key) from the " +
        "node that created the database.",
    );
  }
}

/** Looks up an access key for SigV4: its secret and principal, when active. */
export function accessKeyLookup(store: IdentityStore, masterKey: Buffer) {
  return async (
    accessKeyId: string,
  ): Promise<(Principal & { secretAccessKey: string }) | undefined> => {
    const key = await store.getAccessKey(accessKeyId);
    if (key?.status !== "Active") return undefined;
    return {
      secretAccessKey: openSecret(masterKey, key.sealedSecret, key.id),
      user: key.user,
      credential: { kind: "access-key", id: key.id },
    };
  };
}

/** Resolves a bearer token to its principal, when active. */
export function bearerLookup(store: IdentityStore) {
  return async (token: string): Promise<Principal | undefined> => {
    const record = await store.findApiToken(hashApiToken(token));
    if (record?.status !== "Active") return undefined;
    return { user: record.user, credential: { kind: "token", id: record.id } };
  };
}
