/**
 * How Step Functions calls Lambda, independent of where opsflow functions run: which function
 * a resource names, what event it receives, the `lambda:invoke` result envelope, and how errors
 * are named.
 */
import { isJsonObject, type Json, type JsonObject } from "../asl/json.js";
import { TaskFailure } from "../runtime/task-dispatcher.js";

/** A resolved function call. */
export interface FunctionCall {
  /** The function's name (without ARN, version or alias). */
  readonly functionName: string;
  /** The event the function receives. */
  readonly event: Json;
  /** True for `arn:aws:states:::lambda:invoke`, whose result is wrapped in the SDK envelope. */
  readonly envelope: boolean;
  /** `LogType: "Tail"` was asked for. */
  readonly tailLog: boolean;
}

const FUNCTION_ARN = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/;
const INVOKE_RESOURCE = /^arn:aws[\w-]*:states:::lambda:invoke(?:\.waitForTaskToken)?$/;

/** The function call a Task resource makes, or undefined when the resource is not Lambda. */
export function resolveFunctionCall(resource: string, parameters: Json): FunctionCall | undefined {
  const direct = FUNCTION_ARN.exec(resource);
  if (direct)
    return { functionName: direct[1], event: parameters, envelope: false, tailLog: false };
  if (!INVOKE_RESOURCE.test(resource)) return undefined;
  const fields = isJsonObject(parameters) ? parameters : {};
  const name = typeof fields.FunctionName === "string" ? fields.FunctionName : "";
  return {
    functionName: functionNameOf(name),
    event: payloadEvent(fields.Payload),
    envelope: true,
    tailLog: fields.LogType === "Tail",
  };
}

/** `my-fn`, `my-fn:alias`, `123:function:my-fn` or a full ARN → `my-fn`. */
export function functionNameOf(reference: string): string {
  const arn = FUNCTION_ARN.exec(reference);
  if (arn) return arn[1];
  const parts = reference.split(":");
  const index = parts.indexOf("function");
  if (index >= 0 && parts[index + 1]) return parts[index + 1];
  return parts[0];
}

/** A string Payload is the raw request body; an absent or null one is the event `{}`. */
function payloadEvent(payload: Json | undefined): Json {
  if (payload === undefined || payload === null) return {};
  if (typeof payload !== "string") return payload;
  try {
    return JSON.parse(payload) as Json;
  } catch {
    return payload;
  }
}

/** The result `arn:aws:states:::lambda:invoke` gives: the payload inside the SDK envelope. */
export function invokeEnvelope(payload: Json, requestId: string, log?: string): JsonObject {
  const envelope: JsonObject = {
    ExecutedVersion: "$LATEST",
    Payload: payload,
    SdkHttpMetadata: {
      HttpHeaders: {
        "Content-Type": "application/json",
        "X-Amz-Executed-Version": "$LATEST",
        "x-amzn-RequestId": requestId,
      },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
  if (log !== undefined) envelope.LogResult = Buffer.from(log).toString("base64");
  return envelope;
}

/** The failure for a function that does not exist, worded as AWS's Lambda client words it. */
export function functionNotFound(functionArn: string, requestId: string): TaskFailure {
  return new TaskFailure(
    "Lambda.ResourceNotFoundException",
    `Function not found: ${functionArn}:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: ${requestId}; Proxy: null)`,
  );
}

/**
 * The failure for an error a handler raised: the error name is the error's type and the cause
 * is the runtime's JSON error document, as Lambda reports them.
 */
export function handlerError(
  errorType: string,
  errorMessage: string,
  requestId: string,
  stackTrace: string[] = [],
): TaskFailure {
  return new TaskFailure(
    errorType,
    JSON.stringify({ errorMessage, errorType, requestId, stackTrace }),
  );
}
