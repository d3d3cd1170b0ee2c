/** Access keys and API tokens on PostgreSQL: the credential half of the IdentityStore. */
import { StoreConflictError } from "../../errors.js";
import type { IdentityStore } from "../../identity-port.js";
import { keyFromRow, tokenFromRow } from "../../rows/identity.js";
import type { Sql } from "../database.js";

const UNIQUE_VIOLATION = "23505";

/** Runs an insert; a duplicate key is the port's conflict, not a driver error to parse. */
export async function inserting(run: () => Promise<unknown>, duplicate: string): Promise<void> {
  try {
    await run();
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION)
      throw new StoreConflictError("exists", duplicate);
    throw error;
  }
}

/** The credential methods of the IdentityStore. */
export type CredentialStore = Pick<
  IdentityStore,
  | "createAccessKey"
  | "getAccessKey"
  | "listAccessKeys"
  | "touchAccessKey"
  | "setAccessKeyStatus"
  | "deleteAccessKey"
  | "createApiToken"
  | "findApiToken"
  | "listApiTokens"
  | "touchApiToken"
  | "setApiTokenStatus"
  | "deleteApiToken"
>;

/**
 * The credential operations. Lookups read the database every time (no cache): a key or token
 * deactivated on any node is refused by every node from the next request on.
 */
export function postgresCredentialStore(db: Sql): CredentialStore {
  return {
    async createAccessKey(record) {
      await inserting(
        () =>
          db.run(
            `INSERT INTO access_keys (id, sealed_secret, user_name, status, created_at)
             VALUES ($1, $2, $3, $4, $5)`,
            [record.id, record.sealedSecret, record.user, record.status, record.createdAt],
          ),
        `Access key ${record.id} already exists.`,
      );
    },
    async getAccessKey(id) {
      const row = await db.row("SELECT * FROM access_keys WHERE id = $1", [id]);
      return row && keyFromRow(row);
    },
    async listAccessKeys(user) {
      const rows = await db.rows(
        "SELECT * FROM access_keys WHERE $1::text IS NULL OR user_name = $1 ORDER BY created_at, id",
        [user ?? null],
      );
      return rows.map(keyFromRow);
    },
    async touchAccessKey(id, at, service, region) {
      await db.run(
        "UPDATE access_keys SET last_used_at = $2, last_used_service = $3, last_used_region = $4 WHERE id = $1",
        [id, at, service, region],
      );
    },
    async setAccessKeyStatus(id, status) {
      return (await db.run("UPDATE access_keys SET status = $2 WHERE id = $1", [id, status])) > 0;
    },
    async deleteAccessKey(id) {
      return (await db.run("DELETE FROM access_keys WHERE id = $1", [id])) > 0;
    },
    async createApiToken(record) {
      // The id and the token's hash are each unique; the message names neither secret.
      await inserting(
        () =>
          db.run(
            `INSERT INTO api_tokens (id, token_hash, user_name, description, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)`,
            [
              record.id,
              record.tokenHash,
              record.user,
              record.description ?? null,
              record.status,
              record.createdAt,
            ],
          ),
        `API token ${record.id} already exists, or its token is already in use.`,
      );
    },
    async findApiToken(tokenHash) {
      const row = await db.row("SELECT * FROM api_tokens WHERE token_hash = $1", [tokenHash]);
      return row && tokenFromRow(row);
    },
    async listApiTokens(user) {
      const rows = await db.rows(
        "SELECT * FROM api_tokens WHERE $1::text IS NULL OR user_name = $1 ORDER BY created_at, id",
        [user ?? null],
      );
      return rows.map(tokenFromRow);
    },
    async touchApiToken(id, at, service, region) {
      await db.run(
        "UPDATE api_tokens SET last_used_at = $2, last_used_service = $3, last_used_region = $4 WHERE id = $1",
        [id, at, service, region],
      );
    },
    async setApiTokenStatus(id, status) {
      return (await db.run("UPDATE api_tokens SET status = $2 WHERE id = $1", [id, status])) > 0;
    },
    async deleteApiToken(id) {
      return (await db.run("DELETE FROM api_tokens WHERE id = $1", [id])) > 0;
    },
  };
}
