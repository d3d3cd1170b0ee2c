import type { JsonObject } from "../../asl/json.js";
import type { HistoryEventType, HistorySink } from "../../evaluator/index.js";
import type { HistoryEventRecord } from "../../store/port.js";

/** Collects the events of one processing pass, numbered on from the execution's counter. */
export class HistoryBuffer implements HistorySink {
  readonly events: HistoryEventRecord[] = [];
  now = 0;

  constructor(public nextId: number) {}

  record(type: HistoryEventType, details?: JsonObject): number {
    const id = this.nextId++;
    const event: HistoryEventRecord = { id, previousEventId: id - 1, type, timestamp: this.now };
    if (details !== undefined) event.details = details;
    this.events.push(event);
    return id;
  }
}
