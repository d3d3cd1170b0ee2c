/**
 * Typed error of the schedule layer.
 *
 * EventBridge answers every bad `ScheduleExpression` in PutRule with the same text,
 * `Parameter ScheduleExpression is not valid.` (ValidationException); the API layer must return
 * exactly that, so `message` is AWS's wording and the specific problem travels in `reason`.
 */

/** AWS's message for any schedule expression it refuses. */
export const INVALID_SCHEDULE_MESSAGE = "Parameter ScheduleExpression is not valid.";

/** A schedule expression (or its time zone) that EventBridge would refuse. */
export class InvalidScheduleExpressionError extends Error {
  /** The AWS error code the API layer returns. */
  readonly code = "ValidationException";
  /** What exactly is wrong, for logs, the CLI and the console (AWS does not say). */
  readonly reason: string;
  /** The request parameter at fault. */
  readonly parameter: "ScheduleExpression" | "ScheduleExpressionTimezone";

  constructor(
    reason: string,
    parameter: "ScheduleExpression" | "ScheduleExpressionTimezone" = "ScheduleExpression",
  ) {
    super(
      parameter === "ScheduleExpression"
        ? INVALID_SCHEDULE_MESSAGE
        : "Parameter ScheduleExpressionTimezone is not valid.",
    );
    this.name = "InvalidScheduleExpressionError";
    this.reason = reason;
    this.parameter = parameter;
  }

  /** AWS's message followed by the reason, for humans. */
  get detailedMessage(): string {
    return `${this.message} Reason: ${this.reason}`;
  }
}
