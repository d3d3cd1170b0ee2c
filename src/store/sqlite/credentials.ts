/** Access keys and API tokens. */
import type Database from "better-sqlite3";
import { StoreConflictError } from "../errors.js";
import type { AccessKeyRecord, ApiTokenRecord } from "../identity-port.js";
import { keyFromRow, tokenFromRow } from "../rows/identity.js";

type Row = Record<string, unknown>;

/** Runs an insert; a duplicate key is the port's conflict, not a driver error to parse. */
function inserting(run: () => void, duplicate: string): void {
  try {
    run();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE")
      throw new StoreConflictError("exists", duplicate);
    throw error;
  }
}

/** The credential operations of the SQLite store. */
export function credentialQueries(db: Database.Database) {
  const insertKey = db.prepare(
    "INSERT INTO access_keys (id, sealed_secret, user_name, status, created_at) VALUES (@id, @sealedSecret, @user, @status, @createdAt)",
  );
  const getKey = db.prepare("SELECT * FROM access_keys WHERE id = ?");
  const listKeys = db.prepare(
    "SELECT * FROM access_keys WHERE ? IS NULL OR user_name = ? ORDER BY created_at",
  );
  const touchKey = db.prepare(
    "UPDATE access_keys SET last_used_at = ?, last_used_service = ?, last_used_region = ? WHERE id = ?",
  );
  const insertToken = db.prepare(
    `INSERT INTO api_tokens (id, token_hash, user_name, description, status, created_at)
     VALUES (@id, @tokenHash, @user, @description, @status, @createdAt)`,
  );
  const findToken = db.prepare("SELECT * FROM api_tokens WHERE token_hash = ?");
  const listTokens = db.prepare(
    "SELECT * FROM api_tokens WHERE ? IS NULL OR user_name = ? ORDER BY created_at",
  );
  return {
    createAccessKey: (record: AccessKeyRecord) => {
      inserting(() => insertKey.run(record), `Access key ${record.id} already exists.`);
    },
    getAccessKey: (id: string) => {
      const row = getKey.get(id) as Row | undefined;
      return row && keyFromRow(row);
    },
    listAccessKeys: (user?: string) =>
      (listKeys.all(user ?? null, user ?? null) as Row[]).map(keyFromRow),
    touchAccessKey: (id: string, at: number, service: string, region: string) => {
      touchKey.run(at, service, region, id);
    },
    createApiToken: (record: ApiTokenRecord) => {
      // The id and the token's hash are each unique; the message names neither secret.
      inserting(
        () => insertToken.run({ ...record, description: record.description ?? null }),
        `API token ${record.id} already exists, or its token is already in use.`,
      );
    },
    findApiToken: (hash: string) => {
      const row = findToken.get(hash) as Row | undefined;
      return row && tokenFromRow(row);
    },
    listApiTokens: (user?: string) =>
      (listTokens.all(user ?? null, user ?? null) as Row[]).map(tokenFromRow),
  };
}
