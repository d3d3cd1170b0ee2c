/**
 * AWS JSON protocol errors: the error type the API layer throws and the response the AWS
 * SDKs parse back into their modelled exception classes.
 *
 * How SDKs read an error (botocore `BaseJSONParser._do_error_parse`, AWS SDK for JS v3
 * `loadJsonRpcErrorCode`/`sanitizeErrorCode`): the code comes from the body's `__type`;
 * anything after `:` is dropped and only the part after `#` is kept, so
 * `com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist` and `ExecutionDoesNotExist`
 * are equivalent. The message is `message` (or `Message`); other members (`reason`,
 * `resourceName`) are copied onto the exception. The status decides retry and fault.
 */
import { randomUUID } from "node:crypto";
import { type AwsJsonService, type AwsJsonVersion, awsJsonContentType } from "./services.js";

/** Who is at fault, as the SDKs report it in `$fault`. */
export type AwsFault = "client" | "server";

/** Options of an {@link AwsError}. */
export interface AwsErrorOptions {
  /** HTTP status; 400 unless given (every modelled Step Functions error is 400). */
  httpStatus?: number;
  /** Namespace for `__type` (`ns#Code`); the service's own is used when omitted. */
  namespace?: string;
  /** Extra members of the error shape, e.g. `{ reason: "API_DOES_NOT_SUPPORT_LABELED_ARNS" }`. */
  fields?: Readonly<Record<string, unknown>>;
  /**
   * For awsQueryCompatible services: the legacy Query error code and type, sent as
   * `x-amzn-query-error: Code;Sender`. None of Step Functions, EventBridge or SSM is.
   */
  queryError?: { code: string; type: "Sender" | "Receiver" };
}

/** An error the AWS-compatible API answers with, carrying AWS's code and status. */
export class AwsError extends Error {
  /** The error code, e.g. `ExecutionDoesNotExist`. */
  readonly code: string;
  /** The HTTP status of the response. */
  readonly httpStatus: number;
  /** `server` for 5xx statuses, otherwise `client`. */
  readonly fault: AwsFault;
  /** Namespace override for `__type`. */
  readonly namespace: string | undefined;
  /** Extra members of the error body. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The `x-amzn-query-error` header content, when relevant. */
  readonly queryError: { code: string; type: "Sender" | "Receiver" } | undefined;

  constructor(code: string, message: string, options: AwsErrorOptions = {}) {
    super(message);
    this.name = code;
    this.code = code;
    this.httpStatus = options.httpStatus ?? 400;
    this.fault = this.httpStatus >= 500 ? "server" : "client";
    this.namespace = options.namespace;
    this.fields = options.fields ?? {};
    this.queryError = options.queryError;
  }
}

/** The namespace real AWS JSON services use for their shared (coral) errors. */
export const CORAL_NAMESPACE = "com.amazon.coral.service";

/**
 * Errors common to every AWS JSON service, with their statuses. Authentication failures
 * are 400 on the JSON RPC protocols (not 403 as on REST services).
 */
export const COMMON_ERROR_STATUS = {
  AccessDeniedException: 400,
  IncompleteSignatureException: 400,
  InvalidSignatureException: 400,
  MissingAuthenticationTokenException: 400,
  UnrecognizedClientException: 400,
  SerializationException: 400,
  UnknownOperationException: 400,
  ValidationException: 400,
  ThrottlingException: 400,
  RequestEntityTooLargeException: 413,
  InternalFailure: 500,
  ServiceUnavailable: 503,
} as const satisfies Record<string, number>;

/** A code of {@link COMMON_ERROR_STATUS}. */
export type CommonErrorCode = keyof typeof COMMON_ERROR_STATUS;

/** An {@link AwsError} for a common code, in the coral namespace like AWS's own. */
export function commonError(code: CommonErrorCode, message: string): AwsError {
  return new AwsError(code, message, {
    httpStatus: COMMON_ERROR_STATUS[code],
    namespace: CORAL_NAMESPACE,
  });
}

/** Maps a failed SigV4 verification (`{ code, message }`) to its AWS error. */
export function authError(failure: {
  code:
    | "UnrecognizedClientException"
    | "InvalidSignatureException"
    | "MissingAuthenticationTokenException"
    | "IncompleteSignatureException";
  message: string;
}): AwsError {
  return commonError(failure.code, failure.message);
}

/** An HTTP response, framework-neutral: the server copies it onto Hono's or Node's. */
export interface AwsHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A fresh request id (AWS uses UUIDs). */
export function newRequestId(): string {
  return randomUUID();
}

function versionOf(protocol: AwsJsonService | AwsJsonVersion): AwsJsonVersion {
  return typeof protocol === "string" ? protocol : protocol.jsonVersion;
}

/**
 * The response for an error. An {@link AwsError} keeps its code, message and status; any
 * other thrown value becomes a 500 `InternalFailure` whose message reveals nothing of the
 * cause (log the original before calling this).
 *
 * @param protocol the service (whose error namespace is then used) or a bare JSON version
 */
export function toAwsErrorResponse(
  error: unknown,
  protocol: AwsJsonService | AwsJsonVersion,
  requestId: string = newRequestId(),
): AwsHttpResponse {
  const aws =
    error instanceof AwsError
      ? error
      : commonError(
          "InternalFailure",
          "The request processing has failed because of an unknown error, exception or failure.",
        );
  const namespace =
    aws.namespace ?? (typeof protocol === "string" ? undefined : protocol.errorNamespace);
  const body = {
    ...aws.fields,
    __type: namespace ? `${namespace}#${aws.code}` : aws.code,
    message: aws.message,
  };
  const headers: Record<string, string> = {
    "content-type": awsJsonContentType(versionOf(protocol)),
    "x-amzn-RequestId": requestId,
  };
  if (aws.queryError) {
    headers["x-amzn-query-error"] = `${aws.queryError.code};${aws.queryError.type}`;
  }
  return { status: aws.httpStatus, headers, body: JSON.stringify(body) };
}

/** The 200 response for an operation's output (`{}` for operations without output). */
export function toAwsJsonResponse(
  output: unknown,
  protocol: AwsJsonService | AwsJsonVersion,
  requestId: string = newRequestId(),
): AwsHttpResponse {
  return {
    status: 200,
    headers: {
      "content-type": awsJsonContentType(versionOf(protocol)),
      "x-amzn-RequestId": requestId,
    },
    body: JSON.stringify(output ?? {}),
  };
}
