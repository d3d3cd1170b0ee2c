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
  | "ConflictException";

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
