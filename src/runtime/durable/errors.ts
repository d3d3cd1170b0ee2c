/**
 * Errors of the execution service, named with the Step Functions API's error codes so the
 * native REST API and the AWS-compatible API report the same thing.
 */
export type ServiceErrorCode =
  | "StateMachineDoesNotExist"
  | "StateMachineAlreadyExists"
  | "ExecutionDoesNotExist"
  | "ExecutionAlreadyExists"
  | "ExecutionNotRedrivable"
  | "InvalidArn"
  | "InvalidName"
  | "InvalidDefinition"
  | "InvalidExecutionInput"
  | "InvalidOutput"
  | "InvalidToken"
  | "TaskDoesNotExist"
  | "TaskTimedOut"
  | "ActivityDoesNotExist"
  | "ValidationException"
  | "ResourceNotFound"
  | "ConflictException"
  | "ExecutionLimitExceeded";

/** A request the service refuses; nothing was changed. */
export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

/** What an over-quota start hit, for clients that act on it (REST answers it as `details`). */
export interface QuotaDetails {
  team: string;
  quota: string;
  limit: number;
  used: number;
  requested: number;
  /** The UTC day of a per-day quota; its end is when the quota has room again. */
  day?: string;
}

/** A start or redrive refused because the team is over a quota; nothing was started. */
export class QuotaExceededError extends ServiceError {
  constructor(
    message: string,
    readonly details: QuotaDetails,
    /** For a per-day quota: seconds until its UTC day ends (by the service's clock). */
    readonly retryAfterSeconds?: number,
  ) {
    super("ExecutionLimitExceeded", message);
    this.name = "QuotaExceededError";
  }
}
