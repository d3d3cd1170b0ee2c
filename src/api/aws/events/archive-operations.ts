/**
 * The archive and replay operations of EventBridge: CreateArchive, DescribeArchive,
 * ListArchives, UpdateArchive, DeleteArchive, StartReplay, DescribeReplay, ListReplays,
 * CancelReplay.
 */
import { EventBusError } from "../../../events/bus/errors.js";
import type { ArchiveRecord } from "../../../store/events-port.js";
import { arrayOf, int, type Members, optional, record, required, str } from "../sfn/members.js";
import { fromAwsTimestamp, toAwsTimestamp } from "../timestamp.js";
import { archiveShape, archiveSummary, replayShape, replaySummary } from "./archive-shapes.js";
import { next, type Operation, page } from "./request.js";

const ARCHIVE_STATES = [
  "ENABLED",
  "DISABLED",
  "CREATING",
  "UPDATING",
  "CREATE_FAILED",
  "UPDATE_FAILED",
];
const REPLAY_STATES = ["STARTING", "RUNNING", "CANCELLING", "COMPLETED", "CANCELLED", "FAILED"];

/** A timestamp member (epoch seconds, as the SDKs send them). */
function time(request: Members, name: string): Date {
  const date = fromAwsTimestamp(required(request, name, (m, n) => m[n]));
  if (!date) throw new EventBusError("ValidationException", `${name} is not a timestamp.`);
  return date;
}

function state(request: Members, allowed: string[]): string | undefined {
  const value = optional(request, "State", str);
  if (value !== undefined && !allowed.includes(value))
    throw new EventBusError(
      "ValidationException",
      `State must be one of ${allowed.join(", ")}, not '${value}'.`,
    );
  return value;
}

const retention = (request: Members) =>
  optional(request, "RetentionDays", (m, n) => int(m, n, { min: 0, max: 2_147_483_647 }));

/** What CreateArchive and UpdateArchive answer. */
const archiveState = (archive: ArchiveRecord) => ({
  ArchiveArn: archive.arn,
  State: archive.state,
  CreationTime: toAwsTimestamp(new Date(archive.createdAt)),
});

/** Operation name → implementation. */
export const archiveOperations: Record<string, Operation> = {
  async CreateArchive(request, events) {
    const archive = await events.bus.archives.create({
      ArchiveName: required(request, "ArchiveName", str),
      EventSourceArn: required(request, "EventSourceArn", str),
      EventPattern: optional(request, "EventPattern", str),
      Description: optional(request, "Description", str),
      RetentionDays: retention(request),
    });
    return archiveState(archive);
  },
  async DescribeArchive(request, events) {
    return archiveShape(await events.bus.archives.describe(required(request, "ArchiveName", str)));
  },
  async ListArchives(request, events) {
    const result = await events.bus.archives.list(
      {
        namePrefix: optional(request, "NamePrefix", str),
        eventSourceArn: optional(request, "EventSourceArn", str),
        state: state(request, ARCHIVE_STATES),
      },
      page(request),
    );
    return { Archives: result.items.map(archiveSummary), ...next(result.nextToken) };
  },
  async UpdateArchive(request, events) {
    const archive = await events.bus.archives.update({
      ArchiveName: required(request, "ArchiveName", str),
      EventPattern: optional(request, "EventPattern", str),
      Description: optional(request, "Description", str),
      RetentionDays: retention(request),
    });
    return archiveState(archive);
  },
  async DeleteArchive(request, events) {
    await events.bus.archives.delete(required(request, "ArchiveName", str));
    return {};
  },
  async StartReplay(request, events) {
    const destination = required(request, "Destination", record);
    const filters = optional(destination, "FilterArns", arrayOf);
    if (filters?.some((arn) => typeof arn !== "string"))
      throw new EventBusError("ValidationException", "Destination.FilterArns must be ARN strings.");
    const replay = await events.bus.replays.start({
      ReplayName: required(request, "ReplayName", str),
      Description: optional(request, "Description", str),
      EventSourceArn: required(request, "EventSourceArn", str),
      EventStartTime: time(request, "EventStartTime"),
      EventEndTime: time(request, "EventEndTime"),
      Destination: {
        Arn: required(destination, "Arn", str),
        ...(filters !== undefined && { FilterArns: filters as string[] }),
      },
    });
    return {
      ReplayArn: replay.arn,
      State: replay.state,
      ReplayStartTime: toAwsTimestamp(new Date(replay.replayStart)),
    };
  },
  async DescribeReplay(request, events) {
    return replayShape(await events.bus.replays.describe(required(request, "ReplayName", str)));
  },
  async ListReplays(request, events) {
    const result = await events.bus.replays.list(
      {
        namePrefix: optional(request, "NamePrefix", str),
        eventSourceArn: optional(request, "EventSourceArn", str),
        state: state(request, REPLAY_STATES),
      },
      page(request),
    );
    return { Replays: result.items.map(replaySummary), ...next(result.nextToken) };
  },
  async CancelReplay(request, events) {
    const replay = await events.bus.replays.cancel(required(request, "ReplayName", str));
    return {
      ReplayArn: replay.arn,
      State: replay.state,
      ...(replay.stateReason !== undefined && { StateReason: replay.stateReason }),
    };
  },
};
