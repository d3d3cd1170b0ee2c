import type { JsonObject } from "../../asl/json.js";
import type { HistoryEventType, HistorySink } from "../../evaluator/index.js";
import type { HistoryEventRecord } from "../../store/workflows-port.js";

/** Collects the events of one processing pass, numbered on from the execution's counter. */
export class HistoryBuffer implements HistorySink {
  readonly events: HistoryEventRecord[] = [];
  now = 0;

  constructor(public nextId: number) {}

  record(type: HistoryEventType, details?: JsonObject): number {
    return this.recordAt(this.now, type, details);
  }

  /** Records an event that happened earlier than this pass (a worker taking an activity task). */
  recordAt(timestamp: number, type: HistoryEventType, details?: JsonObject): number {
    const id = this.nextId++;
    const event: HistoryEventRecord = { id, previousEventId: id - 1, type, timestamp };
    if (details !== undefined) event.details = details;
    this.events.push(event);
    return id;
  }

  /**
   * Takes back the last event when it is `id` (a task that could not be scheduled after all);
   * returns whether it did.
   */
  discardLast(id: number): boolean {
    if (this.events.at(-1)?.id !== id) return false;
    this.events.pop();
    this.nextId--;
    return true;
  }
}
