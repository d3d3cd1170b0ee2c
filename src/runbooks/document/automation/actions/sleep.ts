/** aws:sleep: waits for a Duration (ISO 8601) or until a Timestamp. */
import { invalid, shown } from "../../checks.js";
import { pointer } from "../../pointer.js";
import type { AutomationActionDefinition } from "../action.js";
import { durationSeconds, isTimestamp } from "../duration.js";
import { deferred, known } from "../inputs.js";

/** The longest sleep AWS allows, seconds (7 days less one second). */
export const MAX_SLEEP_SECONDS = 604799;

export const sleep: AutomationActionDefinition = {
  outputs: {},
  cancelTarget: false,
  check(inputs, at) {
    known(inputs, ["Duration", "Timestamp"], at, "aws:sleep");
    const { Duration: duration, Timestamp: timestamp } = inputs;
    if ((duration === undefined) === (timestamp === undefined))
      invalid(
        duration === undefined ? pointer(at, "Duration") : pointer(at, "Timestamp"),
        "expected Duration or Timestamp (exactly one)",
      );
    if (duration !== undefined && !deferred(duration)) {
      const seconds = typeof duration === "string" ? durationSeconds(duration) : undefined;
      if (seconds === undefined)
        invalid(
          pointer(at, "Duration"),
          `expected an ISO 8601 duration such as PT10M, got ${shown(duration)}`,
        );
      if (seconds > MAX_SLEEP_SECONDS)
        invalid(
          pointer(at, "Duration"),
          `expected at most ${MAX_SLEEP_SECONDS} seconds, got ${shown(duration)} (${seconds} s)`,
        );
    }
    if (
      timestamp !== undefined &&
      !deferred(timestamp) &&
      !(typeof timestamp === "string" && isTimestamp(timestamp))
    )
      invalid(
        pointer(at, "Timestamp"),
        `expected an ISO 8601 date-time such as 2024-01-01T00:00:00Z, got ${shown(timestamp)}`,
      );
  },
};
