/**
 * The Step Functions errors opsflow raises, with their HTTP statuses. The codes and the
 * extra members are those of the botocore model `stepfunctions/2016-11-23` (all modelled
 * errors are client errors, status 400); `@aws-sdk/client-sfn` has a class for each.
 */
import { AwsError } from "./errors.js";
import { STEP_FUNCTIONS } from "./services.js";

/** Every modelled Step Functions error code, with its HTTP status. */
export const SFN_ERROR_STATUS = {
  ActivityAlreadyExists: 400,
  ActivityDoesNotExist: 400,
  ActivityLimitExceeded: 400,
  ActivityWorkerLimitExceeded: 400,
  ConflictException: 400,
  ExecutionAlreadyExists: 400,
  ExecutionDoesNotExist: 400,
  ExecutionLimitExceeded: 400,
  ExecutionNotRedrivable: 400,
  InvalidArn: 400,
  InvalidDefinition: 400,
  InvalidEncryptionConfiguration: 400,
  InvalidExecutionInput: 400,
  InvalidLoggingConfiguration: 400,
  InvalidName: 400,
  InvalidOutput: 400,
  InvalidToken: 400,
  InvalidTracingConfiguration: 400,
  KmsAccessDeniedException: 400,
  KmsInvalidStateException: 400,
  KmsThrottlingException: 400,
  MissingRequiredParameter: 400,
  ResourceNotFound: 400,
  ServiceQuotaExceededException: 400,
  StateMachineAlreadyExists: 400,
  StateMachineDeleting: 400,
  StateMachineDoesNotExist: 400,
  StateMachineLimitExceeded: 400,
  StateMachineTypeNotSupported: 400,
  TaskDoesNotExist: 400,
  TaskTimedOut: 400,
  TooManyTags: 400,
  ValidationException: 400,
} as const satisfies Record<string, number>;

/** A modelled Step Functions error code. */
export type SfnErrorCode = keyof typeof SFN_ERROR_STATUS;

/** `ValidationException.reason` values of the model. */
export type SfnValidationReason =
  | "API_DOES_NOT_SUPPORT_LABELED_ARNS"
  | "MISSING_REQUIRED_PARAMETER"
  | "CANNOT_UPDATE_COMPLETED_MAP_RUN"
  | "INVALID_ROUTING_CONFIGURATION";

/** Extra members some Step Functions errors carry. */
export interface SfnErrorFields {
  /** `ResourceNotFound`, `TooManyTags`: the resource concerned. */
  resourceName?: string;
  /** `ValidationException`: why validation failed. */
  reason?: SfnValidationReason;
  /** `KmsInvalidStateException`: the key's state. */
  kmsKeyState?: string;
}

/**
 * A Step Functions error, answered as
 * `{"__type":"com.amazonaws.swf.service.v2.model#<code>","message":...}` like the service.
 */
export function sfnError(
  code: SfnErrorCode,
  message: string,
  fields: SfnErrorFields = {},
): AwsError {
  return new AwsError(code, message, {
    httpStatus: SFN_ERROR_STATUS[code],
    namespace: STEP_FUNCTIONS.errorNamespace,
    fields: Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
  });
}
