/** Connections and API destinations (the HTTP targets) on PostgreSQL. */
import type { ApiDestinationRecord, ConnectionRecord, EventStore } from "../../events-port.js";
import { connectionFromRow, destinationFromRow } from "../../rows/events.js";
import type { PostgresDatabase, Sql } from "../database.js";
import { insertOnce } from "./shared.js";

/**
 * Holds the connection row (when there is one) against deleteUnusedConnection until the
 * caller's transaction ends, so a destination added to it meanwhile is seen by the delete.
 */
async function holdConnection(tx: Sql, arn: string): Promise<void> {
  await tx.run("SELECT 1 FROM event_connections WHERE arn = $1 FOR SHARE", [arn]);
}

/** The connection and API destination operations of the PostgreSQL store. */
export function postgresConnectionStore(db: PostgresDatabase) {
  return {
    createConnection: (record: ConnectionRecord) =>
      insertOnce(
        () =>
          db.run(
            `INSERT INTO event_connections (name, arn, authorization_type, sealed_auth,
               auth_details, state, description, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [
              record.name,
              record.arn,
              record.authorizationType,
              record.sealedAuth,
              record.authDetails ?? null,
              record.state ?? "AUTHORIZED",
              record.description ?? null,
              record.createdAt,
              record.updatedAt ?? null,
            ],
          ),
        `Connection ${record.name}`,
      ),
    async updateConnection(record: ConnectionRecord) {
      const changed = await db.run(
        `UPDATE event_connections SET authorization_type = $1, sealed_auth = $2,
           auth_details = $3, state = $4, description = $5, updated_at = $6 WHERE name = $7`,
        [
          record.authorizationType,
          record.sealedAuth,
          record.authDetails ?? null,
          record.state ?? "AUTHORIZED",
          record.description ?? null,
          record.updatedAt ?? null,
          record.name,
        ],
      );
      return changed > 0;
    },
    async getConnection(key: string) {
      const row = await db.row("SELECT * FROM event_connections WHERE name = $1 OR arn = $1", [
        key,
      ]);
      return row && connectionFromRow(row);
    },
    async listConnections() {
      return (await db.rows("SELECT * FROM event_connections ORDER BY name")).map(
        connectionFromRow,
      );
    },
    deleteConnection: async (name: string) =>
      (await db.run("DELETE FROM event_connections WHERE name = $1", [name])) > 0,
    deleteUnusedConnection: (name: string) =>
      db.transaction(async (tx): Promise<"deleted" | "missing" | { inUse: string[] }> => {
        const row = await tx.row<{ name: string; arn: string }>(
          "SELECT name, arn FROM event_connections WHERE name = $1 OR arn = $1 FOR UPDATE",
          [name],
        );
        if (!row) return "missing";
        const users = await tx.rows<{ name: string }>(
          "SELECT name FROM event_api_destinations WHERE connection_arn = $1 ORDER BY name",
          [row.arn],
        );
        if (users.length > 0) return { inUse: users.map((user) => user.name) };
        await tx.run("DELETE FROM event_connections WHERE name = $1", [row.name]);
        return "deleted";
      }),
    createApiDestination: (record: ApiDestinationRecord) =>
      insertOnce(
        () =>
          db.transaction(async (tx) => {
            await holdConnection(tx, record.connectionArn);
            await tx.run(
              `INSERT INTO event_api_destinations (name, arn, connection_arn, endpoint,
                 http_method, description, rate_limit_per_second, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
              [
                record.name,
                record.arn,
                record.connectionArn,
                record.endpoint,
                record.httpMethod,
                record.description ?? null,
                record.rateLimitPerSecond ?? null,
                record.createdAt,
                record.updatedAt ?? null,
              ],
            );
          }),
        `API destination ${record.name}`,
      ),
    updateApiDestination: (record: ApiDestinationRecord) =>
      db.transaction(async (tx) => {
        await holdConnection(tx, record.connectionArn);
        const changed = await tx.run(
          `UPDATE event_api_destinations SET connection_arn = $1, endpoint = $2,
             http_method = $3, description = $4, rate_limit_per_second = $5, updated_at = $6
           WHERE name = $7`,
          [
            record.connectionArn,
            record.endpoint,
            record.httpMethod,
            record.description ?? null,
            record.rateLimitPerSecond ?? null,
            record.updatedAt ?? null,
            record.name,
          ],
        );
        return changed > 0;
      }),
    async getApiDestination(key: string) {
      const row = await db.row("SELECT * FROM event_api_destinations WHERE name = $1 OR arn = $1", [
        key,
      ]);
      return row && destinationFromRow(row);
    },
    async listApiDestinations() {
      return (await db.rows("SELECT * FROM event_api_destinations ORDER BY name")).map(
        destinationFromRow,
      );
    },
    deleteApiDestination: async (name: string) =>
      (await db.run("DELETE FROM event_api_destinations WHERE name = $1", [name])) > 0,
  } satisfies Pick<
    EventStore,
    | "createConnection"
    | "updateConnection"
    | "getConnection"
    | "listConnections"
    | "deleteConnection"
    | "deleteUnusedConnection"
    | "createApiDestination"
    | "updateApiDestination"
    | "getApiDestination"
    | "listApiDestinations"
    | "deleteApiDestination"
  >;
}
