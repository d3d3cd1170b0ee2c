/**
 * PutEvents entries: validation with EventBridge's per-entry error codes and limits, and the
 * envelope a matched event is delivered in.
 *
 * AWS behaviour relied on:
 * - Entries: 1-10 per request (PutEvents API reference, `Entries` array members 1-10).
 * - Size: the sum of the entries' sizes must be below 256 KB, an entry's size being 14 bytes
 *   for Time when given plus the UTF-8 bytes of Source, DetailType, Detail and each Resources
 *   item ("Calculating PutEvents event entry size",
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html); over it
 *   the whole request fails with ValidationException "Total size of the entries in the
 *   request is over the limit." (wording as LocalStack reproduces it).
 * - Detail, DetailType and Source are required per entry; DetailType is at most 128
 *   characters, Source at most 256 (PutEventsRequestEntry API reference); Detail must be "A
 *   valid JSON object". TraceHeader is 1-500 characters, EventBusName 1-1600 (name or ARN).
 * - Per-entry failures (PutEventsResultEntry API reference: InvalidArgument "A specified
 *   parameter is not valid", MalformedDetail "The JSON provided is not valid",
 *   NotAuthorizedForSourceException): messages `Parameter Source is not valid. Reason: Source
 *   is a required argument.` (same for DetailType and Detail), `Detail is malformed.` and
 *   `Not authorized for the source.` for `aws.` sources are AWS's as observed; other reasons
 *   follow the same `Parameter X is not valid. Reason: ...` shape.
 * - The delivered envelope has version "0", id, detail-type, source, account, time (ISO 8601
 *   at second precision, Time of the entry or the time of the call), region, resources
 *   (always an array) and detail (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html).
 */
import type { JsonObject } from "../asl/json.js";

/** One entry of a PutEvents request, as the API receives it. */
export interface PutEventsRequestEntry {
  Source?: string;
  DetailType?: string;
  /** A JSON object, as text. */
  Detail?: string;
  Resources?: string[];
  /** RFC 3339 time: a Date, epoch seconds (the AWS JSON protocol) or an ISO 8601 string. */
  Time?: Date | number | string;
  EventBusName?: string;
  TraceHeader?: string;
}

/** Per-entry error codes of PutEvents. */
export type PutEventsEntryErrorCode =
  | "InvalidArgument"
  | "MalformedDetail"
  | "NotAuthorizedForSourceException";

/** A failed entry, as PutEventsResultEntry reports it. */
export interface PutEventsEntryFailure {
  readonly ErrorCode: PutEventsEntryErrorCode;
  readonly ErrorMessage: string;
}

/** The event a rule target receives (before any input transformation). */
export interface EventEnvelope {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: JsonObject;
}

/** An accepted entry: its envelope and what the bus needs besides it. */
export interface IngestedEvent {
  readonly event: EventEnvelope;
  /** When the bus received it (the `aws.events.event.ingestion-time` of transformers). */
  readonly ingestionTime: Date;
  /** The bus named by the entry (name or ARN), "default" when omitted. */
  readonly eventBusName: string;
  readonly traceHeader: string | undefined;
}

/** EventBridge's PutEvents limits. */
export const PUT_EVENTS_LIMITS = {
  maxEntries: 10,
  /** 256 KB; the total must stay below it. */
  maxRequestSizeBytes: 262_144,
  maxSourceLength: 256,
  maxDetailTypeLength: 128,
  maxTraceHeaderLength: 500,
  maxEventBusNameLength: 1600,
  /** Bytes counted for a Time, whatever its form. */
  timeSizeBytes: 14,
} as const;

/** A whole PutEvents request EventBridge would refuse (ValidationException). */
export class PutEventsRequestError extends Error {
  readonly code = "ValidationException";
  constructor(message: string) {
    super(message);
    this.name = "PutEventsRequestError";
  }
}

const utf8 = new TextEncoder();
const byteLength = (text: string) => utf8.encode(text).length;

/** The size EventBridge counts for an entry (see "Calculating PutEvents event entry size"). */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  let size = 0;
  if (entry.Time !== undefined && entry.Time !== null) size += PUT_EVENTS_LIMITS.timeSizeBytes;
  if (typeof entry.Source === "string") size += byteLength(entry.Source);
  if (typeof entry.DetailType === "string") size += byteLength(entry.DetailType);
  if (typeof entry.Detail === "string") size += byteLength(entry.Detail);
  if (Array.isArray(entry.Resources)) {
    for (const resource of entry.Resources) {
      if (typeof resource === "string") size += byteLength(resource);
    }
  }
  return size;
}

/**
 * Checks what fails a whole request: no entries or more than 10, or a total size of 256 KB
 * or more. Throws PutEventsRequestError.
 */
export function validatePutEventsRequest(entries: readonly PutEventsRequestEntry[]): void {
  if (
    !Array.isArray(entries) ||
    entries.length < 1 ||
    entries.length > PUT_EVENTS_LIMITS.maxEntries
  ) {
    const count = Array.isArray(entries) ? entries.length : 0;
    throw new PutEventsRequestError(
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${count < 1 ? "greater than or equal to 1" : `less than or equal to ${PUT_EVENTS_LIMITS.maxEntries}`}`,
    );
  }
  let total = 0;
  for (const entry of entries) total += putEventsEntrySize(entry ?? {});
  if (total >= PUT_EVENTS_LIMITS.maxRequestSizeBytes) {
    throw new PutEventsRequestError("Total size of the entries in the request is over the limit.");
  }
}

/** Options of entry validation. */
export interface EntryValidationOptions {
  /**
   * Accept `aws.` sources. Off for client calls (AWS reserves the prefix and answers
   * NotAuthorizedForSourceException); on for opsflow's own services emitting AWS-shaped
   * events.
   */
  readonly allowReservedSources?: boolean;
}

const invalid = (parameter: string, reason: string): PutEventsEntryFailure => ({
  ErrorCode: "InvalidArgument",
  ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}`,
});

const EVENT_BUS_NAME =
  /^(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/.\-_A-Za-z0-9]+$/;

/** Reads an entry's Time, or undefined when it is not a valid time. */
function parseTime(time: Date | number | string): Date | undefined {
  let date: Date;
  if (time instanceof Date) date = new Date(time.getTime());
  else if (typeof time === "number") date = new Date(time * 1000);
  else if (typeof time === "string") date = new Date(time);
  else return undefined;
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Validates one entry and parses its Detail. Returns the failure to report for that entry,
 * or the parsed detail object. Checks run in AWS's order: Source, DetailType, Detail.
 */
export function validatePutEventsEntry(
  entry: PutEventsRequestEntry,
  options: EntryValidationOptions = {},
):
  | { ok: true; detail: JsonObject; time: Date | undefined }
  | { ok: false; failure: PutEventsEntryFailure } {
  const fail = (failure: PutEventsEntryFailure) => ({ ok: false as const, failure });
  const { Source, DetailType, Detail } = entry ?? {};
  if (typeof Source !== "string" || Source === "") {
    return fail(invalid("Source", "Source is a required argument."));
  }
  if (Source.length > PUT_EVENTS_LIMITS.maxSourceLength) {
    return fail(
      invalid("Source", `Source is longer than ${PUT_EVENTS_LIMITS.maxSourceLength} characters.`),
    );
  }
  if (Source.startsWith("aws.") && !options.allowReservedSources) {
    return fail({
      ErrorCode: "NotAuthorizedForSourceException",
      ErrorMessage: "Not authorized for the source.",
    });
  }
  if (typeof DetailType !== "string" || DetailType === "") {
    return fail(invalid("DetailType", "DetailType is a required argument."));
  }
  if (DetailType.length > PUT_EVENTS_LIMITS.maxDetailTypeLength) {
    return fail(
      invalid(
        "DetailType",
        `DetailType is longer than ${PUT_EVENTS_LIMITS.maxDetailTypeLength} characters.`,
      ),
    );
  }
  if (typeof Detail !== "string" || Detail === "") {
    return fail(invalid("Detail", "Detail is a required argument."));
  }
  let detail: unknown;
  try {
    detail = JSON.parse(Detail);
  } catch {
    // Includes absurdly deep nesting (RangeError): AWS refuses what it cannot parse too.
    return fail({ ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." });
  }
  if (typeof detail !== "object" || detail === null || Array.isArray(detail)) {
    return fail({ ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." });
  }
  if (entry.Resources !== undefined && entry.Resources !== null) {
    if (!Array.isArray(entry.Resources) || entry.Resources.some((r) => typeof r !== "string")) {
      return fail(invalid("Resources", "Resources must be a list of strings."));
    }
  }
  let time: Date | undefined;
  if (entry.Time !== undefined && entry.Time !== null) {
    time = parseTime(entry.Time);
    if (!time) return fail(invalid("Time", "Time is not a valid timestamp."));
  }
  if (entry.EventBusName !== undefined && entry.EventBusName !== null) {
    const name = entry.EventBusName;
    if (
      typeof name !== "string" ||
      name.length < 1 ||
      name.length > PUT_EVENTS_LIMITS.maxEventBusNameLength ||
      !EVENT_BUS_NAME.test(name)
    ) {
      return fail(invalid("EventBusName", "EventBusName is not a valid event bus name or ARN."));
    }
  }
  if (entry.TraceHeader !== undefined && entry.TraceHeader !== null) {
    const header = entry.TraceHeader;
    if (
      typeof header !== "string" ||
      header.length < 1 ||
      header.length > PUT_EVENTS_LIMITS.maxTraceHeaderLength
    ) {
      return fail(
        invalid(
          "TraceHeader",
          `TraceHeader must be 1-${PUT_EVENTS_LIMITS.maxTraceHeaderLength} characters.`,
        ),
      );
    }
  }
  return { ok: true, detail: detail as JsonObject, time };
}

/** What building an envelope needs from outside: ids, the clock, account and region. */
export interface EnvelopeContext {
  readonly newId: () => string;
  readonly now: () => Date;
  readonly account: string;
  readonly region: string;
}

/** ISO 8601 at second precision (`2015-11-11T21:29:54Z`), as EventBridge writes times. */
export function formatEventTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Validates an entry and builds the envelope it is delivered in, or returns the per-entry
 * failure. The clock is read once: it gives both the ingestion time and, when the entry has
 * no Time, the event time.
 */
export function buildEventEnvelope(
  entry: PutEventsRequestEntry,
  context: EnvelopeContext,
  options: EntryValidationOptions = {},
): { ok: true; ingested: IngestedEvent } | { ok: false; failure: PutEventsEntryFailure } {
  const checked = validatePutEventsEntry(entry, options);
  if (!checked.ok) return checked;
  const ingestionTime = context.now();
  const event: EventEnvelope = {
    version: "0",
    id: context.newId(),
    "detail-type": entry.DetailType as string,
    source: entry.Source as string,
    account: context.account,
    time: formatEventTime(checked.time ?? ingestionTime),
    region: context.region,
    resources: [...(entry.Resources ?? [])],
    detail: checked.detail,
  };
  return {
    ok: true,
    ingested: {
      event,
      ingestionTime,
      eventBusName: entry.EventBusName ?? "default",
      traceHeader: entry.TraceHeader,
    },
  };
}
