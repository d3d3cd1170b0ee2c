import type { JsonObject } from "../asl/json.js";
import type { HistoryEventType, HistorySink } from "../evaluator/history.js";

/** One event of an execution's history. */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** ISO 8601. */
  timestamp: string;
  type: HistoryEventType;
  details?: JsonObject;
}

/**
 * An in-memory history: assigns ids in order and keeps the events (or only counts them, when
 * the caller does not want them kept).
 */
export class MemoryHistory implements HistorySink {
  readonly events: HistoryEvent[] = [];
  private lastId = 0;

  constructor(
    private readonly now: () => number,
    private readonly keep: boolean,
  ) {}

  record(type: HistoryEventType, details?: JsonObject): number {
    const id = ++this.lastId;
    if (this.keep) {
      const event: HistoryEvent = {
        id,
        previousEventId: id - 1,
        timestamp: new Date(this.now()).toISOString(),
        type,
      };
      if (details !== undefined) event.details = details;
      this.events.push(event);
    }
    return id;
  }
}
