/** EventBridge wire shapes of archives and replays. */
import type { ArchiveRecord, ReplayRecord } from "../../../store/events-port.js";
import { toAwsTimestamp } from "../timestamp.js";

const ts = (ms: number) => toAwsTimestamp(new Date(ms));

/** An archive as ListArchives lists it. */
export function archiveSummary(archive: ArchiveRecord) {
  return {
    ArchiveName: archive.name,
    // The bus is in the archive's region and account.
    EventSourceArn: archive.arn.replace(/:archive\/.*$/, `:event-bus/${archive.eventBusName}`),
    State: archive.state,
    RetentionDays: archive.retentionDays,
    SizeBytes: archive.sizeBytes,
    EventCount: archive.eventCount,
    CreationTime: ts(archive.createdAt),
  };
}

/** DescribeArchive's answer. */
export function archiveShape(archive: ArchiveRecord) {
  return {
    ArchiveArn: archive.arn,
    ...archiveSummary(archive),
    ...(archive.description !== undefined && { Description: archive.description }),
    ...(archive.eventPattern !== undefined && { EventPattern: archive.eventPattern }),
  };
}

/** A replay as ListReplays lists it. */
export function replaySummary(replay: ReplayRecord) {
  return {
    ReplayName: replay.name,
    EventSourceArn: replay.archiveArn,
    State: replay.state,
    ...(replay.stateReason !== undefined && { StateReason: replay.stateReason }),
    EventStartTime: ts(replay.eventStart),
    EventEndTime: ts(replay.eventEnd),
    ...(replay.lastReplayedAt !== undefined && {
      EventLastReplayedTime: ts(replay.lastReplayedAt),
    }),
    ReplayStartTime: ts(replay.replayStart),
    ...(replay.replayEnd !== undefined && { ReplayEndTime: ts(replay.replayEnd) }),
  };
}

/** DescribeReplay's answer. */
export function replayShape(replay: ReplayRecord) {
  return {
    ReplayArn: replay.arn,
    ...replaySummary(replay),
    ...(replay.description !== undefined && { Description: replay.description }),
    Destination: {
      Arn: replay.destinationArn,
      ...(replay.filterArns !== undefined && { FilterArns: replay.filterArns }),
    },
  };
}
