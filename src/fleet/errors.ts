/**
 * The fleet's errors, with the codes Systems Manager answers (botocore's ssm model), so the
 * AWS endpoint passes them through unchanged and the REST API maps them to statuses.
 */

/** SSM's error codes for the fleet operations, plus the agent endpoint's refusals. */
export type FleetErrorCode =
  | "InvalidParameters"
  | "InvalidActivation"
  | "InvalidActivationId"
  | "InvalidFilter"
  | "InvalidFilterKey"
  | "InvalidInstanceId"
  | "InvalidInstanceInformationFilterValue"
  | "InvalidResourceType"
  | "InvalidResourceId"
  | "TooManyTagsError"
  | "DocumentAlreadyExists"
  | "MaxDocumentSizeExceeded"
  | "InvalidDocumentContent"
  | "InvalidDocumentSchemaVersion"
  | "InvalidDocument"
  | "InvalidDocumentVersion"
  | "InvalidDocumentOperation"
  | "DuplicateDocumentContent"
  | "DuplicateDocumentVersionName"
  | "DuplicateInstanceId"
  | "InvalidCommandId"
  | "InvalidPluginName"
  | "InvocationDoesNotExist"
  | "InvalidNotificationConfig"
  | "UnsupportedPlatformType"
  | "ValidationException"
  /** The caller may not act on a node the command resolved to (tag targets). */
  | "AccessDeniedException"
  /** The agent endpoint: a call that is not signed by a registered node's key. */
  | "AgentUnauthorized"
  /** The agent endpoint: a node asking about an invocation that is not its own. */
  | "AgentForbidden"
  /** The agent endpoint: a finish report's output starts past what the server holds. */
  | "OutputGap";

/** A refused fleet request; nothing was changed. */
export class FleetError extends Error {
  constructor(
    readonly code: FleetErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "FleetError";
  }
}
