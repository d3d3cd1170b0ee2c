/**
 * Archives (CreateArchive, DescribeArchive, ListArchives, UpdateArchive, DeleteArchive): each
 * keeps the events of one bus that match its pattern, written in the transaction that accepts
 * them (see planIngestion), for `RetentionDays` (0: forever).
 */
import type { ArchiveRecord, EventStore } from "../../store/events-port.js";
import type { Page, PageRequest } from "../../store/paging.js";
import { compilePattern, InvalidEventPatternError } from "../pattern/index.js";
import type { ArchiveRegistry } from "./archive-registry.js";
import { type ArnScope, archiveArn, busOfArn } from "./arns.js";
import { EventBusError, inserting } from "./errors.js";

/** What CreateArchive takes (EventBridge's members). */
export interface CreateArchiveInput {
  ArchiveName: string;
  EventSourceArn: string;
  EventPattern?: string;
  Description?: string;
  RetentionDays?: number;
}

/** What UpdateArchive takes; absent members keep their value. */
export interface UpdateArchiveInput {
  ArchiveName: string;
  EventPattern?: string;
  Description?: string;
  RetentionDays?: number;
}

const NAME = /^[.\-_A-Za-z0-9]{1,48}$/;
const invalid = (message: string) => new EventBusError("ValidationException", message);

function checkPattern(pattern: string | undefined): void {
  if (pattern === undefined) return;
  if (pattern.length > 4096)
    throw new EventBusError(
      "InvalidEventPatternException",
      "Event pattern is not valid. Reason: EventPattern must be at most 4096 characters.",
    );
  try {
    compilePattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError)
      throw new EventBusError("InvalidEventPatternException", error.message);
    throw error;
  }
}

function checkRetention(days: number | undefined): void {
  if (days !== undefined && (!Number.isInteger(days) || days < 0 || days > 2_147_483_647))
    throw invalid("RetentionDays must be an integer of at least 0 (0 keeps events forever).");
}

function checkDescription(description: string | undefined): void {
  if (description !== undefined && description.length > 512)
    throw invalid("Description must be at most 512 characters.");
}

/** Archives over the store, mirrored in the registry ingestion matches against. */
export class ArchiveService {
  constructor(
    private readonly store: EventStore,
    private readonly registry: ArchiveRegistry,
    private readonly scope: ArnScope,
    private readonly now: () => number,
    private readonly busExists: (name: string) => boolean,
  ) {}

  async create(input: CreateArchiveInput): Promise<ArchiveRecord> {
    if (typeof input.ArchiveName !== "string" || !NAME.test(input.ArchiveName))
      throw invalid("ArchiveName must be 1-48 characters of A-Z, a-z, 0-9, '.', '-' and '_'.");
    const bus = busOfArn(input.EventSourceArn);
    if (bus === undefined)
      throw invalid(
        `Parameter EventSourceArn is not valid. Reason: '${input.EventSourceArn}' is not an event bus ARN.`,
      );
    if (!this.busExists(bus))
      throw new EventBusError("ResourceNotFoundException", `Event bus ${bus} does not exist.`);
    checkPattern(input.EventPattern);
    checkRetention(input.RetentionDays);
    checkDescription(input.Description);
    const now = this.now();
    const record: ArchiveRecord = {
      name: input.ArchiveName,
      arn: archiveArn(this.scope, input.ArchiveName),
      eventBusName: bus,
      retentionDays: input.RetentionDays ?? 0,
      state: "ENABLED",
      eventCount: 0,
      sizeBytes: 0,
      createdAt: now,
      updatedAt: now,
    };
    if (input.EventPattern !== undefined) record.eventPattern = input.EventPattern;
    if (input.Description !== undefined) record.description = input.Description;
    await inserting(`Archive ${input.ArchiveName}`, () => this.store.createArchive(record));
    this.registry.set(record);
    return record;
  }

  async describe(name: string): Promise<ArchiveRecord> {
    const archive = await this.store.getArchive(name);
    if (!archive)
      throw new EventBusError("ResourceNotFoundException", `Archive ${name} does not exist.`);
    return archive;
  }

  list(
    filter: { namePrefix?: string; eventSourceArn?: string; state?: string },
    page: PageRequest,
  ): Promise<Page<ArchiveRecord>> {
    let eventBusName: string | undefined;
    if (filter.eventSourceArn !== undefined) {
      eventBusName = busOfArn(filter.eventSourceArn);
      if (eventBusName === undefined)
        throw invalid(`EventSourceArn '${filter.eventSourceArn}' is not an event bus ARN.`);
    }
    return this.store.listArchives(
      {
        ...(filter.namePrefix !== undefined && { namePrefix: filter.namePrefix }),
        ...(eventBusName !== undefined && { eventBusName }),
        ...(filter.state !== undefined && { state: filter.state }),
      },
      page,
    );
  }

  async update(input: UpdateArchiveInput): Promise<ArchiveRecord> {
    const current = await this.describe(input.ArchiveName);
    if (input.EventPattern !== "") checkPattern(input.EventPattern);
    checkRetention(input.RetentionDays);
    checkDescription(input.Description);
    const updated: ArchiveRecord = { ...current, updatedAt: this.now() };
    // EventBridge treats an empty pattern as "no pattern": every event.
    if (input.EventPattern === "") delete updated.eventPattern;
    else if (input.EventPattern !== undefined) updated.eventPattern = input.EventPattern;
    if (input.Description !== undefined) updated.description = input.Description;
    if (input.RetentionDays !== undefined) updated.retentionDays = input.RetentionDays;
    await this.store.updateArchive(updated);
    this.registry.set(updated);
    return updated;
  }

  /** Deletes the archive and its events. */
  async delete(name: string): Promise<void> {
    const archive = await this.describe(name);
    this.registry.remove(archive.name);
    await this.store.deleteArchive(archive.name);
  }
}
