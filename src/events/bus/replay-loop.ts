/**
 * The replay loop: durable background work. Each step reads the next batch of a replay's
 * window from the archive, matches the events (with `replay-name` set) against the
 * destination bus's rules, and commits the deliveries they owe together with the replay's new
 * cursor (store.recordReplayBatch). A restart resumes every unfinished replay at its cursor;
 * replayed copies have ids derived from (replay, event), so no batch is delivered twice.
 * Replayed events go straight to rules, never through ingestion: they are not archived again.
 */
import { createHash } from "node:crypto";
import type { Clock } from "../../kernel/clock.js";
import { PollLoop } from "../../kernel/poll-loop.js";
import type {
  EventStore,
  NewDelivery,
  ReplayBatch,
  ReplayRecord,
  StoredEvent,
} from "../../store/events-port.js";
import { deliveriesFor } from "./ingest.js";
import type { RuleRegistry } from "./registry.js";

/** Options of the replay loop. */
export interface ReplayLoopOptions {
  store: EventStore;
  clock: Clock;
  registry: RuleRegistry;
  /** Deliveries were stored. */
  onDeliveries: () => void;
  log: (message: string) => void;
  /** Archived events read per transaction. */
  batchSize?: number;
}

/** The id of the copy of `eventId` a replay sends (stable across restarts). */
function replayedEventId(replayArn: string, eventId: string): string {
  const hex = createHash("sha256").update(`${replayArn}\u0000${eventId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The archived envelope with `replay-name` set, placed after `region` as EventBridge places it
 * (member order means nothing to JSON readers, but a byte-for-byte comparison sees it).
 */
export function withReplayName(envelope: string, replayName: string): Record<string, unknown> {
  const event = JSON.parse(envelope) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === "replay-name") continue;
    out[key] = value;
    if (key === "region") out["replay-name"] = replayName;
  }
  if (!("replay-name" in out)) out["replay-name"] = replayName;
  return out;
}

/** Runs replays to their end. */
export class ReplayLoop extends PollLoop {
  constructor(private readonly options: ReplayLoopOptions) {
    super({ clock: options.clock, name: "replay loop", log: options.log });
  }

  protected round(): Promise<boolean> {
    return this.runOnce();
  }

  /**
   * Runs one batch of every active replay; true while some replay has more to do. (The loop
   * calls it; tests with loops off call it to move replays step by step.)
   */
  async runOnce(): Promise<boolean> {
    let more = false;
    for (const replay of await this.options.store.activeReplays()) {
      if (this.stopping) break;
      if (await this.step(replay)) more = true;
    }
    return more;
  }

  /** One batch of one replay; true when it has more to do. */
  private async step(replay: ReplayRecord): Promise<boolean> {
    const { store, clock, registry } = this.options;
    const now = clock.now();
    const keep = { cursor: replay.cursor, lastReplayedAt: replay.lastReplayedAt };
    const end = (state: "COMPLETED" | "CANCELLED" | "FAILED", reason?: string) =>
      store.recordReplayBatch(replay.name, replay.state, {
        events: [],
        deliveries: [],
        ...keep,
        end: { state, at: now, ...(reason !== undefined && { reason }) },
      });
    if (replay.state === "CANCELLING") {
      await end("CANCELLED", "Cancelled by CancelReplay.");
      return false;
    }
    if (!(await store.getArchive(replay.archiveName))) {
      await end("FAILED", `Archive ${replay.archiveName} was deleted.`);
      return false;
    }
    if (!registry.hasBus(replay.destinationBus)) {
      await end("FAILED", `Event bus ${replay.destinationBus} was deleted.`);
      return false;
    }
    const size = this.options.batchSize ?? 100;
    // The window selects by the time in the event, as EventBridge does; only what was archived
    // before the replay started is replayed, so the window is closed from then on.
    const window = {
      from: replay.eventStart,
      to: replay.eventEnd,
      archivedUntil: replay.replayStart,
    };
    const archived = await store.readArchive(replay.archiveName, window, replay.cursor, size);
    const filter = replay.filterArns ? new Set(replay.filterArns) : undefined;
    const events: StoredEvent[] = [];
    const deliveries: NewDelivery[] = [];
    for (const item of archived) {
      const envelope = withReplayName(item.envelope, replay.name);
      const matched = registry
        .match(replay.destinationBus, envelope)
        .filter((entry) => !filter || filter.has(entry.rule.arn));
      if (matched.length === 0) continue;
      const stored: StoredEvent = {
        id: replayedEventId(replay.arn, item.eventId),
        eventBusName: replay.destinationBus,
        envelope: JSON.stringify(envelope),
        ingestedAt: now,
      };
      events.push(stored);
      deliveries.push(...deliveriesFor(stored, matched, now));
    }
    const last = archived.at(-1);
    const done = archived.length < size;
    const batch: ReplayBatch = {
      events,
      deliveries,
      cursor: last ? { eventTime: last.eventTime, eventId: last.eventId } : keep.cursor,
      lastReplayedAt: last?.eventTime ?? keep.lastReplayedAt,
      ...(done && { end: { state: "COMPLETED" as const, at: now } }),
    };
    const recorded = await store.recordReplayBatch(replay.name, replay.state, batch);
    if (recorded && deliveries.length > 0) this.options.onDeliveries();
    // Not recorded: the replay changed state meanwhile (cancelled); the next round sees it.
    return !done || !recorded;
  }
}
