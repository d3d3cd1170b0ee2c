/**
 * opsflow's own execution status changes as events on the default bus, shaped like AWS's
 * "Step Functions Execution Status Change" (source `opsflow.states` rather than `aws.states`,
 * which is AWS's own). Only events some rule or archive takes are stored: most match nothing,
 * and storing every one would cost a write per status change.
 *
 * No status event is lost to a crash. While some rule or archive on the default bus could take
 * status events, the engine hands each change's event (a start, an end, a redrive) to the
 * store, which writes it to the status outbox in the transaction that commits the change:
 * the event exists exactly when the change does. After the commit the bus publishes the
 * outbox (status-outbox.ts) through its normal ingestion and removes each event in the
 * transaction that accepts it; a crash in between leaves it in the outbox, and the next start
 * publishes it, with the same event id and time. While nothing could take them, nothing is
 * written: executions then pay nothing for status events.
 */
import type { DurableEngine, ExecutionStatusChange } from "../../runtime/durable/engine.js";
import type { PutEventsRequestEntry } from "../envelope.js";
import type { EventProbe } from "./registry.js";

/** The source and detail-type of status change events. */
export const STATUS_SOURCE = "opsflow.states";
export const STATUS_DETAIL_TYPE = "Step Functions Execution Status Change";

/** What every status change event has in common, to ask whether any rule could match one. */
export const STATUS_PROBE: EventProbe = {
  source: STATUS_SOURCE,
  "detail-type": STATUS_DETAIL_TYPE,
};

/**
 * The PutEvents entry of a status change made at `at` (AWS's detail: nulls where a value is
 * absent). Its Time is the change's, however late it is published.
 */
export function statusChangeEntry(
  change: ExecutionStatusChange,
  at: number,
): PutEventsRequestEntry {
  const detail = {
    executionArn: change.executionArn,
    stateMachineArn: change.stateMachineArn,
    name: change.name,
    status: change.status,
    startDate: change.startDate,
    stopDate: change.stopDate ?? null,
    input: change.input,
    inputDetails: { included: true },
    output: change.output ?? null,
    outputDetails: change.output === undefined ? null : { included: true },
    error: change.error ?? null,
    cause: change.cause ?? null,
  };
  return {
    Source: STATUS_SOURCE,
    DetailType: STATUS_DETAIL_TYPE,
    Detail: JSON.stringify(detail),
    Resources: [change.executionArn],
    Time: new Date(at).toISOString(),
    EventBusName: "default",
  };
}

/** What recording status events needs from the bus. */
export interface StatusEventSink {
  /** Whether anything on the default bus (a pattern rule, an archive) could take them. */
  wanted(): boolean;
  /** A new event id. */
  newId(): string;
  now(): number;
  /** Status events were committed to the outbox. */
  committed(): void;
}

/**
 * Makes the engine write the event of every status change to the status outbox with the
 * change, while `sink.wanted()`, and tells the sink once such changes are committed.
 */
export function recordStatusChanges(engine: DurableEngine, sink: StatusEventSink): void {
  engine.recordStatusEvents((change) => {
    if (!sink.wanted()) return undefined;
    const createdAt = sink.now();
    const entry = JSON.stringify(statusChangeEntry(change, createdAt));
    return { id: sink.newId(), entry, createdAt };
  });
  // An event written just before the last rule went away is found by the loop's periodic look.
  engine.onStatusChange(() => {
    if (sink.wanted()) sink.committed();
  });
}
