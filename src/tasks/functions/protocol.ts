/**
 * What the server and a function's child process say to each other, one message at a time:
 * the child announces it is ready (or could not load the handler), then answers each request
 * with a result or an error. Node children speak it over the IPC channel; Python children
 * read one JSON request per line on stdin and write one JSON answer per line on fd 3, so
 * stdout and stderr stay free for the handler's own output (its logs).
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
  | ({
      readonly type: "error";
      readonly id: number;
      /** The child cannot go on (out of memory): the server discards it after this call. */
      readonly fatal?: boolean;
    } & WorkerError);
