/** Connections and API destinations (the HTTP targets). */
import type Database from "better-sqlite3";
import type { ApiDestinationRecord, ConnectionRecord } from "../../events-port.js";
import { connectionFromRow, destinationFromRow } from "../../rows/events.js";
import { insertOnce } from "./insert-once.js";

type Row = Record<string, unknown>;

const connectionParams = (record: ConnectionRecord) => ({
  ...record,
  authDetails: record.authDetails ?? null,
  state: record.state ?? "AUTHORIZED",
  description: record.description ?? null,
  updatedAt: record.updatedAt ?? null,
});

const destinationParams = (record: ApiDestinationRecord) => ({
  ...record,
  description: record.description ?? null,
  rateLimitPerSecond: record.rateLimitPerSecond ?? null,
  updatedAt: record.updatedAt ?? null,
});

/** The connection and API destination operations of the SQLite store. */
export function connectionQueries(db: Database.Database) {
  const insertConnection = db.prepare(
    `INSERT INTO event_connections (name, arn, authorization_type, sealed_auth, auth_details, state,
       description, created_at, updated_at)
     VALUES (@name, @arn, @authorizationType, @sealedAuth, @authDetails, @state, @description,
       @createdAt, @updatedAt)`,
  );
  const updateConnection = db.prepare(
    `UPDATE event_connections SET authorization_type = @authorizationType, sealed_auth = @sealedAuth,
       auth_details = @authDetails, state = @state, description = @description,
       updated_at = @updatedAt WHERE name = @name`,
  );
  const getConnection = db.prepare("SELECT * FROM event_connections WHERE name = ? OR arn = ?");
  const listConnections = db.prepare("SELECT * FROM event_connections ORDER BY name");
  const deleteConnection = db.prepare("DELETE FROM event_connections WHERE name = ?");
  const usersOf = db.prepare(
    "SELECT name FROM event_api_destinations WHERE connection_arn = ? ORDER BY name",
  );
  const insertDestination = db.prepare(
    `INSERT INTO event_api_destinations (name, arn, connection_arn, endpoint, http_method,
       description, rate_limit_per_second, created_at, updated_at)
     VALUES (@name, @arn, @connectionArn, @endpoint, @httpMethod, @description,
       @rateLimitPerSecond, @createdAt, @updatedAt)`,
  );
  const updateDestination = db.prepare(
    `UPDATE event_api_destinations SET connection_arn = @connectionArn, endpoint = @endpoint,
       http_method = @httpMethod, description = @description,
       rate_limit_per_second = @rateLimitPerSecond, updated_at = @updatedAt WHERE name = @name`,
  );
  const getDestination = db.prepare(
    "SELECT * FROM event_api_destinations WHERE name = ? OR arn = ?",
  );
  const listDestinations = db.prepare("SELECT * FROM event_api_destinations ORDER BY name");
  const deleteDestination = db.prepare("DELETE FROM event_api_destinations WHERE name = ?");
  return {
    createConnection: (record: ConnectionRecord) =>
      insertOnce(() => insertConnection.run(connectionParams(record)), `Connection ${record.name}`),
    updateConnection: (record: ConnectionRecord) =>
      updateConnection.run(connectionParams(record)).changes > 0,
    getConnection: (key: string) => {
      const row = getConnection.get(key, key) as Row | undefined;
      return row && connectionFromRow(row);
    },
    listConnections: () => (listConnections.all() as Row[]).map(connectionFromRow),
    deleteConnection: (name: string) => deleteConnection.run(name).changes > 0,
    deleteUnusedConnection: db.transaction(
      (name: string): "deleted" | "missing" | { inUse: string[] } => {
        const row = getConnection.get(name, name) as Row | undefined;
        if (!row) return "missing";
        const users = (usersOf.all(row.arn) as Row[]).map((r) => r.name as string);
        if (users.length > 0) return { inUse: users };
        deleteConnection.run(row.name);
        return "deleted";
      },
    ),
    createApiDestination: (record: ApiDestinationRecord) =>
      insertOnce(
        () => insertDestination.run(destinationParams(record)),
        `API destination ${record.name}`,
      ),
    updateApiDestination: (record: ApiDestinationRecord) =>
      updateDestination.run(destinationParams(record)).changes > 0,
    getApiDestination: (key: string) => {
      const row = getDestination.get(key, key) as Row | undefined;
      return row && destinationFromRow(row);
    },
    listApiDestinations: () => (listDestinations.all() as Row[]).map(destinationFromRow),
    deleteApiDestination: (name: string) => deleteDestination.run(name).changes > 0,
  };
}
