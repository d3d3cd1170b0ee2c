/** Connections, API destinations and webhook sources. */
import type Database from "better-sqlite3";
import type {
  ApiDestinationRecord,
  ConnectionRecord,
  EventSourceKind,
  EventSourceRecord,
} from "../../events-port.js";
import { StoreConflictError } from "../../port.js";

type Row = Record<string, unknown>;

const connectionFromRow = (row: Row): ConnectionRecord => ({
  name: row.name as string,
  arn: row.arn as string,
  authorizationType: row.authorization_type as ConnectionRecord["authorizationType"],
  sealedAuth: row.sealed_auth as string,
  ...(row.description !== null && { description: row.description as string }),
  createdAt: row.created_at as number,
});

const destinationFromRow = (row: Row): ApiDestinationRecord => ({
  name: row.name as string,
  arn: row.arn as string,
  connectionArn: row.connection_arn as string,
  endpoint: row.endpoint as string,
  httpMethod: row.http_method as string,
  ...(row.description !== null && { description: row.description as string }),
  createdAt: row.created_at as number,
});

const sourceFromRow = (row: Row): EventSourceRecord => ({
  kind: row.kind as EventSourceKind,
  name: row.name as string,
  tokenHash: row.token_hash as string,
  eventBusName: row.bus as string,
  createdAt: row.created_at as number,
});

/** Runs an insert, turning a primary-key or unique clash into StoreConflictError("exists"). */
function insertOnce(run: () => unknown, what: string): void {
  try {
    run();
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith("SQLITE_CONSTRAINT"))
      throw new StoreConflictError("exists", `${what} already exists.`);
    throw error;
  }
}

/** The connection, API destination and source operations of the SQLite store. */
export function eventResourceQueries(db: Database.Database) {
  const insertConnection = db.prepare(
    `INSERT INTO event_connections (name, arn, authorization_type, sealed_auth, description, created_at)
     VALUES (@name, @arn, @authorizationType, @sealedAuth, @description, @createdAt)`,
  );
  const getConnection = db.prepare("SELECT * FROM event_connections WHERE name = ? OR arn = ?");
  const listConnections = db.prepare("SELECT * FROM event_connections ORDER BY name");
  const deleteConnection = db.prepare("DELETE FROM event_connections WHERE name = ?");
  const insertDestination = db.prepare(
    `INSERT INTO event_api_destinations (name, arn, connection_arn, endpoint, http_method, description, created_at)
     VALUES (@name, @arn, @connectionArn, @endpoint, @httpMethod, @description, @createdAt)`,
  );
  const getDestination = db.prepare(
    "SELECT * FROM event_api_destinations WHERE name = ? OR arn = ?",
  );
  const listDestinations = db.prepare("SELECT * FROM event_api_destinations ORDER BY name");
  const deleteDestination = db.prepare("DELETE FROM event_api_destinations WHERE name = ?");
  const insertSource = db.prepare(
    `INSERT INTO event_sources (kind, name, token_hash, bus, created_at)
     VALUES (@kind, @name, @tokenHash, @eventBusName, @createdAt)`,
  );
  const getSource = db.prepare("SELECT * FROM event_sources WHERE kind = ? AND name = ?");
  const listSources = db.prepare("SELECT * FROM event_sources ORDER BY kind, name");
  const deleteSource = db.prepare("DELETE FROM event_sources WHERE kind = ? AND name = ?");
  return {
    createConnection: (record: ConnectionRecord) =>
      insertOnce(
        () => insertConnection.run({ ...record, description: record.description ?? null }),
        `Connection ${record.name}`,
      ),
    getConnection: (key: string) => {
      const row = getConnection.get(key, key) as Row | undefined;
      return row && connectionFromRow(row);
    },
    listConnections: () => (listConnections.all() as Row[]).map(connectionFromRow),
    deleteConnection: (name: string) => deleteConnection.run(name).changes > 0,
    createApiDestination: (record: ApiDestinationRecord) =>
      insertOnce(
        () => insertDestination.run({ ...record, description: record.description ?? null }),
        `API destination ${record.name}`,
      ),
    getApiDestination: (key: string) => {
      const row = getDestination.get(key, key) as Row | undefined;
      return row && destinationFromRow(row);
    },
    listApiDestinations: () => (listDestinations.all() as Row[]).map(destinationFromRow),
    deleteApiDestination: (name: string) => deleteDestination.run(name).changes > 0,
    createEventSource: (record: EventSourceRecord) =>
      insertOnce(() => insertSource.run(record), `Source ${record.kind}/${record.name}`),
    getEventSource: (kind: EventSourceKind, name: string) => {
      const row = getSource.get(kind, name) as Row | undefined;
      return row && sourceFromRow(row);
    },
    listEventSources: () => (listSources.all() as Row[]).map(sourceFromRow),
    deleteEventSource: (kind: EventSourceKind, name: string) =>
      deleteSource.run(kind, name).changes > 0,
  };
}
