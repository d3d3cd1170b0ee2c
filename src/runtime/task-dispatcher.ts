/**
 * The one interface every task runner implements, whatever the Resource: functions, HTTP,
 * activities, nested executions, notifications... The runners call it, so it lives with them;
 * tasks/ and the domains above implement it.
 */
import type { Json } from "../asl/json.js";

/** One invocation of a Task state's resource. */
export interface TaskInvocation {
  /** The Resource as written in the definition. */
  readonly resource: string;
  /** The effective parameters (Parameters or Arguments after evaluation). */
  readonly parameters: Json;
  /** The state that invokes it. */
  readonly stateName: string;
  /** The same for every attempt of the same scheduled task, so handlers can deduplicate. */
  readonly idempotencyKey: string;
  /** Present for `.waitForTaskToken` resources. */
  readonly taskToken?: string;
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  /** The execution's ARN. */
  readonly executionArn: string;
}

/** A task that failed with a named error, as Retry/Catch will see it. */
export class TaskFailure extends Error {
  readonly error: string;
  override readonly cause: string | undefined;

  constructor(error: string, cause?: string) {
    super(cause === undefined ? error : `${error}: ${cause}`);
    this.name = "TaskFailure";
    this.error = error;
    this.cause = cause;
  }
}

/** Invokes task resources. Throws TaskFailure for failures Retry/Catch should see. */
export interface TaskDispatcher {
  invoke(invocation: TaskInvocation, signal: AbortSignal): Promise<Json>;
}
