/**
 * API destinations (CreateApiDestination, DescribeApiDestination, ListApiDestinations,
 * UpdateApiDestination, DeleteApiDestination): an HTTP endpoint and method called through a
 * connection. InvocationRateLimitPerSecond is recorded and shown, not enforced.
 */
import { randomUUID } from "node:crypto";
import type { ApiDestinationRecord, EventStore } from "../../store/events-port.js";
import type { Page, PageRequest } from "../../store/paging.js";
import { type ArnScope, apiDestinationArn } from "./arns.js";
import { pageInMemory } from "./connections-paging.js";
import { EventBusError, inserting } from "./errors.js";

/** What CreateApiDestination takes (EventBridge's members). */
export interface CreateApiDestinationInput {
  Name: string;
  Description?: string;
  ConnectionArn: string;
  InvocationEndpoint: string;
  HttpMethod: string;
  InvocationRateLimitPerSecond?: number;
}

/** What UpdateApiDestination takes; absent members keep their value. */
export type UpdateApiDestinationInput = Partial<CreateApiDestinationInput> & { Name: string };

const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const METHODS = new Set(["POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]);
const invalid = (message: string) => new EventBusError("ValidationException", message);
const notFound = (what: string) => new EventBusError("ResourceNotFoundException", what);

function checkEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid(`InvocationEndpoint '${endpoint}' is not a URL.`);
  }
  // EventBridge calls only HTTPS; a self-hosted opsflow also reaches plain-HTTP services.
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw invalid("InvocationEndpoint must be an http or https URL.");
  if (url.username || url.password)
    throw invalid("InvocationEndpoint must not contain credentials: use the connection.");
}

function checkFields(input: Partial<CreateApiDestinationInput>): void {
  if (input.InvocationEndpoint !== undefined) checkEndpoint(input.InvocationEndpoint);
  if (input.HttpMethod !== undefined && !METHODS.has(input.HttpMethod))
    throw invalid(`HttpMethod '${input.HttpMethod}' is not valid.`);
  const rate = input.InvocationRateLimitPerSecond;
  if (rate !== undefined && (!Number.isInteger(rate) || rate < 1))
    throw invalid("InvocationRateLimitPerSecond must be an integer of at least 1.");
  if (input.Description !== undefined && input.Description.length > 512)
    throw invalid("Description must be at most 512 characters.");
}

/** API destinations over the store. */
export class ApiDestinationService {
  constructor(
    private readonly store: EventStore,
    private readonly scope: ArnScope,
    private readonly now: () => number,
  ) {}

  private async connectionArnOf(nameOrArn: string): Promise<string> {
    const connection = await this.store.getConnection(nameOrArn);
    if (!connection) throw notFound(`Connection '${nameOrArn}' does not exist.`);
    return connection.arn;
  }

  async create(input: CreateApiDestinationInput): Promise<ApiDestinationRecord> {
    if (typeof input.Name !== "string" || !NAME.test(input.Name))
      throw invalid(`API destination name '${input.Name}' is not valid.`);
    checkFields(input);
    const connection = await this.connectionArnOf(input.ConnectionArn);
    const now = this.now();
    const record: ApiDestinationRecord = {
      name: input.Name,
      arn: apiDestinationArn(this.scope, input.Name, randomUUID()),
      connectionArn: connection,
      endpoint: input.InvocationEndpoint,
      httpMethod: input.HttpMethod,
      createdAt: now,
      updatedAt: now,
    };
    if (input.Description !== undefined) record.description = input.Description;
    if (input.InvocationRateLimitPerSecond !== undefined)
      record.rateLimitPerSecond = input.InvocationRateLimitPerSecond;
    await inserting(`API destination ${input.Name}`, () => this.store.createApiDestination(record));
    return record;
  }

  async describe(name: string): Promise<ApiDestinationRecord> {
    const record = await this.store.getApiDestination(name);
    if (!record) throw notFound(`API destination '${name}' does not exist.`);
    return record;
  }

  async list(
    filter: { namePrefix?: string; connectionArn?: string },
    page: PageRequest,
  ): Promise<Page<ApiDestinationRecord>> {
    const all = (await this.store.listApiDestinations()).filter(
      (d) =>
        (filter.namePrefix === undefined || d.name.startsWith(filter.namePrefix)) &&
        (filter.connectionArn === undefined || d.connectionArn === filter.connectionArn),
    );
    return pageInMemory(all, page);
  }

  async update(input: UpdateApiDestinationInput): Promise<ApiDestinationRecord> {
    const current = await this.describe(input.Name);
    checkFields(input);
    const updated: ApiDestinationRecord = { ...current, updatedAt: this.now() };
    if (input.ConnectionArn !== undefined)
      updated.connectionArn = await this.connectionArnOf(input.ConnectionArn);
    if (input.InvocationEndpoint !== undefined) updated.endpoint = input.InvocationEndpoint;
    if (input.HttpMethod !== undefined) updated.httpMethod = input.HttpMethod;
    if (input.Description !== undefined) updated.description = input.Description;
    if (input.InvocationRateLimitPerSecond !== undefined)
      updated.rateLimitPerSecond = input.InvocationRateLimitPerSecond;
    await this.store.updateApiDestination(updated);
    return updated;
  }

  async delete(name: string): Promise<void> {
    const record = await this.describe(name);
    await this.store.deleteApiDestination(record.name);
  }
}
