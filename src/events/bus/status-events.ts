/**
 * opsflow's own execution status changes as events on the default bus, shaped like AWS's
 * "Step Functions Execution Status Change" (source `opsflow.states` rather than `aws.states`,
 * which is AWS's own). Only events some rule matches are stored: most match nothing, and
 * storing every one would cost a write per status change.
 *
 * The change is published after the engine committed it, in-process: a crash in between loses
 * that event (the execution itself is safe). Durable publication would mean writing the event
 * in the engine's commit.
 */
import type { DurableEngine, ExecutionStatusChange } from "../../runtime/durable/engine.js";
import type { PutEventsRequestEntry } from "../envelope.js";

/** The source and detail-type of status change events. */
export const STATUS_SOURCE = "opsflow.states";
export const STATUS_DETAIL_TYPE = "Step Functions Execution Status Change";

/** The PutEvents entry of a status change (AWS's detail: nulls where a value is absent). */
function statusChangeEntry(change: ExecutionStatusChange): PutEventsRequestEntry {
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
    EventBusName: "default",
  };
}

/**
 * Publishes the engine's status changes through `put` (the bus's PutEvents), unless `wanted`
 * says nothing on the default bus could take them (no rule, no archive): most executions then
 * cost no event at all.
 */
export function publishStatusChanges(
  engine: DurableEngine,
  put: (entry: PutEventsRequestEntry) => Promise<unknown>,
  wanted: () => boolean,
  log: (message: string) => void,
): void {
  engine.onStatusChange((change) => {
    if (!wanted()) return;
    put(statusChangeEntry(change)).catch((error) =>
      log(`status event for ${change.executionArn}: ${(error as Error).message}`),
    );
  });
}
