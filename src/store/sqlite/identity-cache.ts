/**
 * A read cache for the lookups every authenticated request makes: the bearer token by hash,
 * the access key by id, and the user's permissions (about four queries together). It starts
 * over on any change to the tables they read (change-watch.ts), whichever module or
 * connection makes it: a deactivated key or token is refused from the next request on.
 */
import type Database from "better-sqlite3";
import type { AccessKeyRecord, ApiTokenRecord, UserPermissions } from "../identity-port.js";
import { VersionedCache, watchTables } from "./change-watch.js";

/** Tables whose rows the cached lookups are built from. */
const WATCHED = [
  "users",
  "groups",
  "group_members",
  "role_grants",
  "policies",
  "access_keys",
  "api_tokens",
];

/** The lookups the cache serves, as the store's query modules define them. */
export interface IdentityReads {
  getAccessKey(id: string): AccessKeyRecord | undefined;
  findApiToken(hash: string): ApiTokenRecord | undefined;
  permissionsOf(user: string): UserPermissions | undefined;
}

/**
 * Wraps `reads` with a cache that starts over on every change to the identity tables; `now`
 * paces the checks for other connections' changes (change-watch.ts).
 */
export function cachedIdentityReads(
  db: Database.Database,
  reads: IdentityReads,
  now?: () => number,
): IdentityReads {
  // Taken now: the caller may replace its own methods with the ones returned here.
  const { getAccessKey, findApiToken, permissionsOf } = reads;
  const version = watchTables(db, "identity", WATCHED, now);
  const keys = new VersionedCache<AccessKeyRecord>(version);
  const tokens = new VersionedCache<ApiTokenRecord>(version);
  const permissions = new VersionedCache<UserPermissions>(version);
  // Callers get copies: a caller changing its record must not change the next caller's.
  return {
    getAccessKey: (id) => copy(keys.get(id, () => getAccessKey(id))),
    findApiToken: (hash) => copy(tokens.get(hash, () => findApiToken(hash))),
    permissionsOf: (user) => {
      const found = permissions.get(user, () => permissionsOf(user));
      return (
        found && {
          groups: [...found.groups],
          roles: [...found.roles],
          policies: [...found.policies],
        }
      );
    },
  };
}

function copy<T extends object>(value: T | undefined): T | undefined {
  return value && { ...value };
}
