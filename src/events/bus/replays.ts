/**
 * Replays (StartReplay, DescribeReplay, ListReplays, CancelReplay): the archived events of a
 * time window are sent again to the rules of the archive's bus (only the FilterArns rules when
 * given), each with `replay-name` set as EventBridge does. The work itself is the ReplayLoop's;
 * this validates requests and records them.
 */
import type { EventStore, ReplayRecord } from "../../store/events-port.js";
import type { Page, PageRequest } from "../../store/paging.js";
import { type ArnScope, archiveNameOf, busOfArn, replayArn, ruleOfArn } from "./arns.js";
import { EventBusError, inserting } from "./errors.js";

/** What StartReplay takes (EventBridge's members, times as Dates). */
export interface StartReplayInput {
  ReplayName: string;
  Description?: string;
  EventSourceArn: string;
  EventStartTime: Date;
  EventEndTime: Date;
  Destination: { Arn: string; FilterArns?: string[] };
}

const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const ACTIVE = new Set(["STARTING", "RUNNING"]);
const invalid = (message: string) => new EventBusError("ValidationException", message);

/** What replay validation looks up. */
export interface ReplayLookups {
  busExists(name: string): boolean;
  ruleExists(bus: string, name: string): boolean;
}

/** Replays over the store; `wake` tells the replay loop there is new work. */
export class ReplayService {
  constructor(
    private readonly store: EventStore,
    private readonly scope: ArnScope,
    private readonly now: () => number,
    private readonly lookups: ReplayLookups,
    private readonly wake: () => void,
  ) {}

  async start(input: StartReplayInput): Promise<ReplayRecord> {
    if (typeof input.ReplayName !== "string" || !NAME.test(input.ReplayName))
      throw invalid("ReplayName must be 1-64 characters of A-Z, a-z, 0-9, '.', '-' and '_'.");
    if (input.Description !== undefined && input.Description.length > 512)
      throw invalid("Description must be at most 512 characters.");
    const archiveName = archiveNameOf(input.EventSourceArn);
    if (archiveName === undefined)
      throw invalid(
        `Parameter EventSourceArn is not valid. Reason: '${input.EventSourceArn}' is not an archive ARN.`,
      );
    const archive = await this.store.getArchive(archiveName);
    // EventBridge answers an unknown archive with a ValidationException, not ResourceNotFound.
    if (!archive)
      throw invalid(
        `Parameter EventSourceArn is not valid. Reason: Archive ${archiveName} does not exist.`,
      );
    const start = input.EventStartTime.getTime();
    const end = input.EventEndTime.getTime();
    if (!(start < end))
      throw invalid(
        "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.",
      );
    const bus = busOfArn(input.Destination.Arn);
    if (bus === undefined)
      throw invalid(
        "Parameter Destination.Arn is not valid. Reason: Must contain an event bus ARN.",
      );
    // As EventBridge: an unknown bus is not found; another existing bus is a cross-bus replay.
    if (!this.lookups.busExists(bus))
      throw new EventBusError("ResourceNotFoundException", `Event bus ${bus} does not exist.`);
    if (bus !== archive.eventBusName)
      throw invalid(
        "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.",
      );
    const filters = input.Destination.FilterArns;
    if (filters !== undefined) {
      if (filters.length === 0 || filters.length > 100)
        throw invalid("Parameter Destination.FilterArns must have 1-100 rule ARNs.");
      for (const arn of filters) {
        const rule = ruleOfArn(arn);
        if (!rule || rule.bus !== bus)
          throw invalid(
            `Parameter Destination.FilterArns is not valid. Reason: '${arn}' is not a rule ARN of event bus ${bus}.`,
          );
        if (!this.lookups.ruleExists(bus, rule.name))
          throw new EventBusError(
            "ResourceNotFoundException",
            `Rule ${rule.name} does not exist on EventBus ${bus}.`,
          );
      }
    }
    const now = this.now();
    const record: ReplayRecord = {
      name: input.ReplayName,
      arn: replayArn(this.scope, input.ReplayName),
      archiveName: archive.name,
      archiveArn: archive.arn,
      destinationBus: bus,
      destinationArn: input.Destination.Arn,
      eventStart: start,
      eventEnd: end,
      state: "STARTING",
      replayStart: now,
    };
    if (filters !== undefined) record.filterArns = [...new Set(filters)];
    if (input.Description !== undefined) record.description = input.Description;
    await inserting(`Replay ${input.ReplayName}`, () => this.store.createReplay(record));
    this.wake();
    return record;
  }

  async describe(name: string): Promise<ReplayRecord> {
    const replay = await this.store.getReplay(name);
    if (!replay)
      throw new EventBusError("ResourceNotFoundException", `Replay ${name} does not exist.`);
    return replay;
  }

  list(
    filter: { namePrefix?: string; eventSourceArn?: string; state?: string },
    page: PageRequest,
  ): Promise<Page<ReplayRecord>> {
    return this.store.listReplays(
      {
        ...(filter.namePrefix !== undefined && { namePrefix: filter.namePrefix }),
        ...(filter.eventSourceArn !== undefined && { archiveArn: filter.eventSourceArn }),
        ...(filter.state !== undefined && { state: filter.state }),
      },
      page,
    );
  }

  /** Asks a running replay to stop; the loop moves it to CANCELLED after its current batch. */
  async cancel(name: string): Promise<ReplayRecord> {
    const before = await this.describe(name);
    if (!ACTIVE.has(before.state))
      throw new EventBusError(
        "IllegalStatusException",
        `Replay ${name} is ${before.state} and cannot be cancelled.`,
      );
    const after = await this.store.cancelReplay(before.name);
    if (after?.state !== "CANCELLING")
      throw new EventBusError(
        "IllegalStatusException",
        `Replay ${name} is ${after?.state ?? "gone"} and cannot be cancelled.`,
      );
    this.wake();
    return after;
  }
}
