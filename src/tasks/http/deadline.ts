/**
 * Bounds one HTTP Task call: AWS's 60-second cap (`States.Http.Socket`), the task's own
 * TimeoutSeconds when shorter (`States.Timeout`), and the runtime's abort signal, whose reason
 * is passed on untouched because the runtime decides what an abort means.
 */
import { TaskFailure } from "../../runtime/task-dispatcher.js";
import { SOCKET_ERROR, TIMEOUT_ERROR, transportFailure } from "./errors.js";

/** The limits of one call. */
export interface Deadline {
  /** AWS's per-call cap, in milliseconds. */
  readonly requestTimeoutMs: number;
  /** The task's TimeoutSeconds, when it has one. */
  readonly timeoutSeconds?: number;
}

/**
 * Runs `call` with a signal that fires at the deadline or when `outer` aborts, and maps what
 * goes wrong: deadline → its failure, outer abort → its reason, transport error → `States.Http.Socket`.
 */
export async function withDeadline<T>(
  outer: AbortSignal,
  deadline: Deadline,
  url: URL,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  outer.throwIfAborted();
  const taskMs =
    deadline.timeoutSeconds !== undefined && deadline.timeoutSeconds > 0
      ? deadline.timeoutSeconds * 1000
      : Number.POSITIVE_INFINITY;
  const byTask = taskMs < deadline.requestTimeoutMs;
  const limitMs = byTask ? taskMs : deadline.requestTimeoutMs;
  const controller = new AbortController();
  let expired: TaskFailure | undefined;
  const onAbort = () => controller.abort(outer.reason);
  outer.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => {
    expired = byTask
      ? new TaskFailure(
          TIMEOUT_ERROR,
          `The HTTP Task did not finish within its TimeoutSeconds (${deadline.timeoutSeconds}).`,
        )
      : new TaskFailure(
          SOCKET_ERROR,
          `No complete response from ${url.protocol}//${url.host} within ${limitMs / 1000} seconds.`,
        );
    controller.abort(expired);
  }, limitMs);
  try {
    return await call(controller.signal);
  } catch (error) {
    if (outer.aborted) throw outer.reason;
    if (expired) throw expired;
    if (error instanceof TaskFailure) throw error;
    throw transportFailure(error, url);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener("abort", onAbort);
  }
}

/**
 * Waits for a shared promise (an OAuth token other calls also wait for) but gives up when this
 * call's signal aborts, without cancelling the shared work.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
