/**
 * What the server and a function's child process say to each other, one message at a time:
 * the child announces it is ready (or could not load the handler), then answers each request
 * with a result or an error. Node children speak it over the IPC channel; Python children
 * read one JSON request per line on stdin and write one JSON answer per line on fd 3, so
 * stdout and stderr stay free for the handler's own output (its logs).
 *
 * During a call, the handler may read parameters (`context.getParameter`): the child sends a
 * `get-parameter` message naming the call, and the server answers with a `parameter` message
 * on the same channel as requests. Only the running call may ask.
 */
import type { Json } from "../../asl/json.js";

/** One invocation sent to a child. */
export interface WorkerRequest {
  readonly id: number;
  readonly event: Json;
  readonly context: {
    readonly awsRequestId: string;
    readonly idempotencyKey: string;
    /** Epoch milliseconds when the call times out (for getRemainingTimeInMillis). */
    readonly deadlineMs: number;
  };
}

/** A parameter as a function reads it: SSM GetParameter's `Parameter` shape. */
export interface FunctionParameter {
  readonly Name: string;
  readonly Type: string;
  readonly Value: string;
  readonly Version: number;
  readonly LastModifiedDate: string;
  readonly ARN: string;
  readonly DataType: string;
}

/** What reading a parameter gives: the parameter, or an error named as SSM names it. */
export type ParameterReading =
  | { readonly parameter: FunctionParameter }
  | { readonly error: { readonly errorType: string; readonly errorMessage: string } };

/** Reads a parameter for function code (`name` may carry `:VERSION`). */
export type ParameterReader = (name: string, withDecryption: boolean) => Promise<ParameterReading>;

/** The server's answer to a child's `get-parameter`. */
export type ParameterAnswer = {
  readonly type: "parameter";
  readonly request: number;
} & ParameterReading;

/** What the server sends a child. */
export type ServerMessage = WorkerRequest | ParameterAnswer;

/** An error as the child describes it: Lambda's error document fields. */
export interface WorkerError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace: string[];
}

/** What a child sends. */
export type WorkerMessage =
  | { readonly type: "ready" }
  | ({ readonly type: "init-error" } & WorkerError)
  | { readonly type: "result"; readonly id: number; readonly result: Json }
  | {
      readonly type: "get-parameter";
      /** The call asking. */
      readonly id: number;
      /** Numbers the child's questions, so answers find their question. */
      readonly request: number;
      readonly name: string;
      readonly withDecryption: boolean;
    }
  | ({
      readonly type: "error";
      readonly id: number;
      /** The child cannot go on (out of memory): the server discards it after this call. */
      readonly fatal?: boolean;
    } & WorkerError);
