/**
 * PutEvents: validate the request and each entry (EventBridge's limits and per-entry
 * errors), match every accepted event against its bus's rules, and store the events with
 * the deliveries they owe in one transaction before answering.
 */

import type { ArchivedEvent, NewDelivery, StoredEvent } from "../../store/events-port.js";
import type { EventEnvelope } from "../envelope.js";
import {
  buildEventEnvelope,
  type EntryValidationOptions,
  type EnvelopeContext,
  type PutEventsRequestEntry,
  validatePutEventsRequest,
} from "../envelope.js";
import type { ArchiveRegistry } from "./archive-registry.js";
import { busNameOf } from "./arns.js";
import type { RuleEntry, RuleRegistry } from "./registry.js";

/** One entry of the PutEvents answer. */
export type PutEventsResultEntry =
  | { EventId: string }
  | { ErrorCode: string; ErrorMessage: string };

/** The PutEvents answer. */
export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** What to store for a batch of entries, and the answer to give once it is stored. */
export interface IngestPlan {
  events: StoredEvent[];
  deliveries: NewDelivery[];
  /** Copies for the archives whose pattern the events match (stored in the same commit). */
  archived: ArchivedEvent[];
  result: PutEventsResult;
}

/** Options of {@link planIngestion}. */
export interface IngestOptions extends EntryValidationOptions {
  /** Keep only events some rule matched (opsflow's own status events: most match nothing). */
  readonly matchedOnly?: boolean;
  /**
   * The caller answers only after a later commit that reaches the disk (an API request's
   * audit row), so storing the events need not wait for the disk itself (see the store's
   * acceptEvents).
   */
  readonly syncedLater?: boolean;
}

/** The deliveries an event owes to the targets of the rules it matched. */
export function deliveriesFor(event: StoredEvent, matched: RuleEntry[], at: number): NewDelivery[] {
  const out: NewDelivery[] = [];
  for (const { rule, targets } of matched)
    for (const target of targets)
      out.push({
        eventId: event.id,
        eventBusName: event.eventBusName,
        ruleName: rule.name,
        ruleArn: rule.arn,
        target,
        at,
      });
  return out;
}

/**
 * Validates entries and plans what to store. Throws PutEventsRequestError when the whole
 * request is refused (no entries, more than 10, 256 KB or more).
 */
export function planIngestion(
  entries: PutEventsRequestEntry[],
  registry: RuleRegistry,
  context: EnvelopeContext,
  options: IngestOptions = {},
  archives?: ArchiveRegistry,
): IngestPlan {
  validatePutEventsRequest(entries);
  const plan: IngestPlan = {
    events: [],
    deliveries: [],
    archived: [],
    result: { FailedEntryCount: 0, Entries: [] },
  };
  for (const entry of entries) {
    const built = buildEventEnvelope(entry, context, options);
    if (!built.ok) {
      plan.result.Entries.push({ ...built.failure });
      plan.result.FailedEntryCount++;
      continue;
    }
    const busName = busNameOf(built.ingested.eventBusName);
    if (!registry.hasBus(busName)) {
      plan.result.Entries.push({
        ErrorCode: "ResourceNotFoundException",
        ErrorMessage: `Event bus ${busName} does not exist.`,
      });
      plan.result.FailedEntryCount++;
      continue;
    }
    const envelope: EventEnvelope = built.ingested.event;
    const matched = registry.match(busName, envelope);
    plan.result.Entries.push({ EventId: envelope.id });
    const inArchives = archives?.match(busName, envelope) ?? [];
    if (options.matchedOnly && matched.length === 0 && inArchives.length === 0) continue;
    const stored: StoredEvent = {
      id: envelope.id,
      eventBusName: busName,
      envelope: JSON.stringify(envelope),
      ingestedAt: built.ingested.ingestionTime.getTime(),
    };
    // Replays select by the time in the event (second precision, as the envelope has it).
    const eventTime = Date.parse(envelope.time);
    for (const archive of inArchives)
      plan.archived.push({
        archive,
        eventId: stored.id,
        ingestedAt: stored.ingestedAt,
        eventTime: Number.isNaN(eventTime) ? stored.ingestedAt : eventTime,
        envelope: stored.envelope,
      });
    plan.events.push(stored);
    plan.deliveries.push(...deliveriesFor(stored, matched, stored.ingestedAt));
  }
  return plan;
}
