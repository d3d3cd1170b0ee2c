/**
 * Connections and API destinations (the HTTP targets): the connection's authorization is
 * sealed with the master key (bound to the connection's ARN) and opened only to make a call.
 */
import { randomUUID } from "node:crypto";
import { openSecret, sealSecret } from "../../auth/secret-box.js";
import type { ApiDestinationRecord, ConnectionRecord } from "../../store/events-port.js";
import { type Store, StoreConflictError } from "../../store/port.js";
import type { Connection } from "../../tasks/http/connection.js";
import { type ArnScope, apiDestinationArn, connectionArn } from "./arns.js";
import { EventBusError } from "./errors.js";

/** CreateConnection's authorization, minimal: BASIC or API_KEY. */
export type ConnectionAuth =
  | { type: "BASIC"; username: string; password: string }
  | { type: "API_KEY"; apiKeyName: string; apiKeyValue: string };

const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const METHODS = new Set(["POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]);
const invalid = (message: string) => new EventBusError("ValidationException", message);

/** Connections and API destinations over the store. */
export class ConnectionService {
  constructor(
    private readonly store: Store,
    private readonly masterKey: Buffer,
    private readonly scope: ArnScope,
    private readonly now: () => number,
  ) {}

  async createConnection(name: string, auth: ConnectionAuth, description?: string) {
    if (!NAME.test(name)) throw invalid(`Connection name '${name}' is not valid.`);
    const secret =
      auth.type === "BASIC"
        ? { username: auth.username, password: auth.password }
        : { apiKeyName: auth.apiKeyName, apiKeyValue: auth.apiKeyValue };
    if (Object.values(secret).some((v) => typeof v !== "string" || v === ""))
      throw invalid(`Connection ${name}: the ${auth.type} authorization parameters are required.`);
    const arn = connectionArn(this.scope, name, randomUUID());
    const record: ConnectionRecord = {
      name,
      arn,
      authorizationType: auth.type,
      sealedAuth: sealSecret(this.masterKey, JSON.stringify(secret), arn),
      createdAt: this.now(),
    };
    if (description !== undefined) record.description = description;
    await this.create(() => this.store.createConnection(record), `Connection ${name}`);
    return record;
  }

  async createApiDestination(
    name: string,
    connection: string,
    endpoint: string,
    httpMethod: string,
    description?: string,
  ): Promise<ApiDestinationRecord> {
    if (!NAME.test(name)) throw invalid(`API destination name '${name}' is not valid.`);
    const found = await this.store.getConnection(connection);
    if (!found)
      throw new EventBusError(
        "ResourceNotFoundException",
        `Connection '${connection}' does not exist.`,
      );
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw invalid(`InvocationEndpoint '${endpoint}' is not a URL.`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw invalid("InvocationEndpoint must be an http or https URL.");
    if (!METHODS.has(httpMethod)) throw invalid(`HttpMethod '${httpMethod}' is not valid.`);
    const record: ApiDestinationRecord = {
      name,
      arn: apiDestinationArn(this.scope, name, randomUUID()),
      connectionArn: found.arn,
      endpoint,
      httpMethod,
      createdAt: this.now(),
    };
    if (description !== undefined) record.description = description;
    await this.create(() => this.store.createApiDestination(record), `API destination ${name}`);
    return record;
  }

  /** The connection with its secrets opened, as the HTTP code takes it. */
  async resolve(arn: string): Promise<Connection | undefined> {
    const record = await this.store.getConnection(arn);
    if (!record) return undefined;
    const secret = JSON.parse(openSecret(this.masterKey, record.sealedAuth, record.arn)) as Record<
      string,
      string
    >;
    return record.authorizationType === "BASIC"
      ? { authorizationType: "BASIC", username: secret.username, password: secret.password }
      : {
          authorizationType: "API_KEY",
          apiKeyName: secret.apiKeyName,
          apiKeyValue: secret.apiKeyValue,
        };
  }

  private async create(write: () => Promise<void>, what: string): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (error instanceof StoreConflictError)
        throw new EventBusError("ResourceAlreadyExistsException", `${what} already exists.`);
      throw error;
    }
  }
}
