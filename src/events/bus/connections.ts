/**
 * Connections (CreateConnection, DescribeConnection, ListConnections, UpdateConnection,
 * DeleteConnection): how API destinations authorize their calls. The AuthParameters are sealed
 * with the master key (bound to the connection's ARN) and opened only to make a call; the API
 * shows them without their secrets. API destinations are in `apiDestinations`.
 */
import { randomUUID } from "node:crypto";
import { openSecret, sealSecret } from "../../kernel/secret-box.js";
import type {
  ConnectionAuthorizationType,
  ConnectionRecord,
  EventStore,
} from "../../store/events-port.js";
import type { Page, PageRequest } from "../../store/paging.js";
import type { Connection } from "../../tasks/http/connection.js";
import { ApiDestinationService } from "./api-destinations.js";
import { type ArnScope, connectionArn } from "./arns.js";
import {
  type AuthParameters,
  checkAuthParameters,
  mergeAuthParameters,
  readSealedAuth,
  redactAuthParameters,
  toConnection,
} from "./connection-auth.js";
import { pageInMemory } from "./connections-paging.js";
import { EventBusError, inserting } from "./errors.js";

/** What CreateConnection takes (EventBridge's members). */
export interface CreateConnectionInput {
  Name: string;
  Description?: string;
  AuthorizationType: string;
  AuthParameters: unknown;
}

/** What UpdateConnection takes; absent members keep their value. */
export interface UpdateConnectionInput {
  Name: string;
  Description?: string;
  AuthorizationType?: string;
  AuthParameters?: unknown;
}

/** A connection as the API shows it: the record and its AuthParameters without secrets. */
export interface ConnectionView {
  record: ConnectionRecord;
  authParameters: Record<string, unknown>;
}

const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const invalid = (message: string) => new EventBusError("ValidationException", message);
const notFound = (name: string) =>
  new EventBusError("ResourceNotFoundException", `Connection '${name}' does not exist.`);

/** Connections and API destinations over the store. */
export class ConnectionService {
  /** API destinations (they name a connection of this service). */
  readonly apiDestinations: ApiDestinationService;

  constructor(
    private readonly store: EventStore,
    private readonly masterKey: Buffer,
    private readonly scope: ArnScope,
    private readonly now: () => number,
  ) {
    this.apiDestinations = new ApiDestinationService(store, scope, now);
  }

  private seal(auth: AuthParameters, arn: string): string {
    return sealSecret(this.masterKey, JSON.stringify(auth), arn);
  }

  private open(record: ConnectionRecord): AuthParameters {
    return readSealedAuth(openSecret(this.masterKey, record.sealedAuth, record.arn));
  }

  private view(record: ConnectionRecord): ConnectionView {
    const details = record.authDetails
      ? (JSON.parse(record.authDetails) as Record<string, unknown>)
      : redactAuthParameters(this.open(record));
    return { record, authParameters: details };
  }

  async createConnection(input: CreateConnectionInput): Promise<ConnectionView> {
    if (typeof input.Name !== "string" || !NAME.test(input.Name))
      throw invalid(`Connection name '${input.Name}' is not valid.`);
    if (input.Description !== undefined && input.Description.length > 512)
      throw invalid("Description must be at most 512 characters.");
    const auth = checkAuthParameters(input.AuthorizationType, input.AuthParameters);
    const arn = connectionArn(this.scope, input.Name, randomUUID());
    const now = this.now();
    const record: ConnectionRecord = {
      name: input.Name,
      arn,
      authorizationType: input.AuthorizationType as ConnectionAuthorizationType,
      sealedAuth: this.seal(auth, arn),
      authDetails: JSON.stringify(redactAuthParameters(auth)),
      state: "AUTHORIZED",
      createdAt: now,
      updatedAt: now,
    };
    if (input.Description !== undefined) record.description = input.Description;
    await inserting(`Connection ${input.Name}`, () => this.store.createConnection(record));
    return this.view(record);
  }

  async describeConnection(name: string): Promise<ConnectionView> {
    const record = await this.store.getConnection(name);
    if (!record) throw notFound(name);
    return this.view(record);
  }

  async listConnections(
    filter: { namePrefix?: string; state?: string },
    page: PageRequest,
  ): Promise<Page<ConnectionView>> {
    const all = (await this.store.listConnections()).filter(
      (c) =>
        (filter.namePrefix === undefined || c.name.startsWith(filter.namePrefix)) &&
        (filter.state === undefined || (c.state ?? "AUTHORIZED") === filter.state),
    );
    const result = pageInMemory(all, page);
    return { ...result, items: result.items.map((c) => this.view(c)) };
  }

  async updateConnection(input: UpdateConnectionInput): Promise<ConnectionView> {
    const current = await this.store.getConnection(input.Name);
    if (!current) throw notFound(input.Name);
    if (input.Description !== undefined && input.Description.length > 512)
      throw invalid("Description must be at most 512 characters.");
    const type = input.AuthorizationType ?? current.authorizationType;
    const sameType = type === current.authorizationType;
    if (!sameType && input.AuthParameters === undefined)
      throw invalid(`AuthParameters are required to change AuthorizationType to ${type}.`);
    const auth = checkAuthParameters(
      type,
      mergeAuthParameters(this.open(current), sameType, input.AuthParameters),
    );
    const updated: ConnectionRecord = {
      ...current,
      authorizationType: type as ConnectionAuthorizationType,
      sealedAuth: this.seal(auth, current.arn),
      authDetails: JSON.stringify(redactAuthParameters(auth)),
      updatedAt: this.now(),
    };
    if (input.Description !== undefined) updated.description = input.Description;
    await this.store.updateConnection(updated);
    return this.view(updated);
  }

  /**
   * Deletes a connection. One an API destination still uses is refused with
   * ConcurrentModificationException (DeleteConnection's conflict error), naming them.
   */
  async deleteConnection(name: string): Promise<ConnectionRecord> {
    const record = await this.store.getConnection(name);
    if (!record) throw notFound(name);
    const outcome = await this.store.deleteUnusedConnection(record.name);
    if (outcome === "missing") throw notFound(name);
    if (outcome !== "deleted")
      throw new EventBusError(
        "ConcurrentModificationException",
        `Connection ${record.name} is used by API destination(s) ${outcome.inUse.join(", ")}; delete them or point them at another connection first.`,
      );
    return record;
  }

  /** The connection with its secrets opened, as the HTTP code takes it. */
  async resolve(arn: string): Promise<Connection | undefined> {
    const record = await this.store.getConnection(arn);
    if (!record) return undefined;
    return toConnection(record.authorizationType, this.open(record));
  }
}
