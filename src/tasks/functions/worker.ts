/**
 * One warm child process running one function version: it starts once, loads the handler,
 * then serves one call at a time. A call that outlives the function's timeout, or whose
 * caller aborts, kills the process; a process that dies mid-call fails that call with the
 * error Lambda would report. A dead worker is never reused; the pool starts a fresh one.
 */
import type { Json } from "../../asl/json.js";
import type { TaskFailure } from "../../runtime/task-dispatcher.js";
import { handlerError } from "../lambda.js";
import type { ParameterReader, WorkerError, WorkerMessage } from "./protocol.js";
import type { FunctionVersion } from "./registry.js";
import { type ChildChannel, type RuntimeOptions, splitLines, startChild } from "./runtimes.js";

/** One line a function printed. */
export interface LogLine {
  readonly functionName: string;
  readonly version: number;
  /** The call that was running when the line was printed, if any. */
  readonly requestId: string | undefined;
  readonly stream: "stdout" | "stderr";
  readonly line: string;
}

/** Options of a worker. */
export interface WorkerOptions extends RuntimeOptions {
  readonly onLog?: (line: LogLine) => void;
  /** How long loading the handler may take; default 10 s (Lambda's init limit). */
  readonly initTimeoutMs?: number;
  /** Answers `context.getParameter`; without it, reads fail with `ParameterReadUnavailable`. */
  readonly parameters?: ParameterReader;
}

/** A successful call. */
export interface CallOutcome {
  readonly result: Json;
  /** The last 4 KB the call printed (what Lambda's `LogType: Tail` returns). */
  readonly log: string;
}

interface Pending {
  readonly id: number;
  readonly requestId: string;
  readonly resolve: (outcome: CallOutcome) => void;
  readonly reject: (error: unknown) => void;
  log: string;
}

const TAIL_BYTES = 4096;

/** A child process serving one function version. */
export class Worker {
  readonly fn: FunctionVersion;
  readonly pid: number | undefined;
  /** When the last call ended (performance.now()), for idle reaping. */
  lastUsed = performance.now();
  /** Called once when the process has exited, whatever the reason. */
  onExit: (() => void) | undefined;

  private readonly channel: ChildChannel;
  private readonly options: WorkerOptions;
  private readonly exited: Promise<void>;
  private alive = true;
  // Set when the process is being killed: it must not take calls while it is still exiting.
  private dying = false;
  private sequence = 0;
  private current: Pending | undefined;
  private starting: { requestId: string; reject: (error: unknown) => void } | undefined;
  private stderrTail = "";

  constructor(fn: FunctionVersion, options: WorkerOptions = {}) {
    this.fn = fn;
    this.options = options;
    this.channel = startChild(fn, options);
    this.pid = this.channel.child.pid;
    const { child } = this.channel;
    this.exited = new Promise((resolve) => {
      const finish = (reason: string) => {
        if (!this.alive) return;
        this.alive = false;
        this.fail(reason);
        resolve();
        this.onExit?.();
      };
      child.once("exit", (code, signal) => {
        const reason = code !== null ? `exit status ${code}` : `signal: ${signal}`;
        // Wait for the output pipes to drain (a V8 out-of-memory report arrives last), but not
        // for long: a grandchild may hold them open.
        const drained = setTimeout(() => finish(reason), 100);
        child.once("close", () => {
          clearTimeout(drained);
          finish(reason);
        });
      });
      // Listen for every "error" (an unhandled one would crash the server), but only a failed
      // spawn (no pid) ends the worker here: for a running child, "exit" follows.
      child.on("error", (error) => {
        if (child.pid === undefined) finish(`could not start: ${error.message}`);
      });
    });
    if (child.stdout) splitLines(child.stdout, (line) => this.log("stdout", line));
    if (child.stderr) splitLines(child.stderr, (line) => this.log("stderr", line));
  }

  /** True until the process exits or is being killed. */
  get isAlive(): boolean {
    return this.alive && !this.dying;
  }

  /** Resolves once the handler is loaded; rejects with the TaskFailure Lambda would report. */
  start(requestId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.starting?.reject(
          timedOut(requestId, (this.options.initTimeoutMs ?? 10_000) / 1000, "Init phase"),
        );
        void this.kill();
      }, this.options.initTimeoutMs ?? 10_000);
      this.starting = {
        requestId,
        reject: (error) => {
          clearTimeout(timer);
          this.starting = undefined;
          reject(error);
        },
      };
      this.channel.onMessage((message) => {
        if (message.type === "ready") {
          clearTimeout(timer);
          this.starting = undefined;
          resolve();
        } else if (message.type === "init-error") {
          this.starting?.reject(failure(message, requestId));
          void this.kill();
        } else this.answer(message);
      });
    });
  }

  /** Runs one call. Rejects with a TaskFailure, or with the signal's reason when aborted. */
  call(
    event: Json,
    ids: { requestId: string; idempotencyKey: string },
    signal?: AbortSignal,
  ): Promise<CallOutcome> {
    if (!this.isAlive) return Promise.reject(this.crash(ids.requestId, "process already exited"));
    return new Promise((resolve, reject) => {
      const id = ++this.sequence;
      const timeoutMs = this.fn.timeoutSeconds * 1000;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.current = undefined;
        this.lastUsed = performance.now();
      };
      const pending: Pending = {
        id,
        requestId: ids.requestId,
        resolve: (outcome) => {
          done();
          resolve(outcome);
        },
        reject: (error) => {
          done();
          reject(error);
        },
        log: "",
      };
      // Both end the call first and kill after, so the exit that follows finds nothing to fail.
      const timer = setTimeout(() => {
        pending.reject(timedOut(ids.requestId, this.fn.timeoutSeconds, "Task"));
        void this.kill();
      }, timeoutMs);
      const onAbort = () => {
        pending.reject(signal?.reason);
        void this.kill();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.current = pending;
      this.channel.send({
        id,
        event,
        context: {
          awsRequestId: ids.requestId,
          idempotencyKey: ids.idempotencyKey,
          deadlineMs: Date.now() + timeoutMs,
        },
      });
    });
  }

  /** Kills the process (SIGKILL) and resolves once it has exited and been reaped. */
  kill(): Promise<void> {
    this.dying = true;
    if (this.alive) this.channel.child.kill("SIGKILL");
    return this.exited;
  }

  private answer(message: WorkerMessage): void {
    const pending = this.current;
    if (!pending || !("id" in message) || message.id !== pending.id) return;
    if (message.type === "get-parameter") void this.readParameter(message);
    else if (message.type === "result")
      pending.resolve({ result: message.result, log: pending.log });
    else if (message.type === "error") {
      pending.reject(failure(message, pending.requestId));
      if (message.fatal) void this.kill();
    }
  }

  /** Answers the running call's question for a parameter (on the same channel as calls). */
  private async readParameter(
    message: Extract<WorkerMessage, { type: "get-parameter" }>,
  ): Promise<void> {
    const unavailable = {
      error: {
        errorType: "ParameterReadUnavailable",
        errorMessage: "This server gives functions no access to parameters.",
      },
    };
    const invalid =
      typeof message.name !== "string" || typeof message.request !== "number"
        ? { error: { errorType: "ValidationException", errorMessage: "name must be a string." } }
        : undefined;
    let reading: Awaited<ReturnType<ParameterReader>>;
    try {
      reading =
        invalid ??
        (this.options.parameters
          ? await this.options.parameters(message.name, message.withDecryption === true)
          : unavailable);
    } catch (error) {
      reading = { error: { errorType: "InternalServerError", errorMessage: `${error}` } };
    }
    // The call may have ended (timeout, abort) while the server looked: nobody is listening.
    if (this.current?.id !== message.id || !this.isAlive) return;
    this.channel.send({ type: "parameter", request: message.request, ...reading });
  }

  /** The process is gone: fail whatever was waiting on it. */
  private fail(reason: string): void {
    if (this.starting) this.starting.reject(this.crash(this.starting.requestId, reason));
    if (this.current) this.current.reject(this.crash(this.current.requestId, reason));
  }

  private crash(requestId: string, reason: string): TaskFailure {
    const outOfMemory = /heap out of memory|MemoryError/.test(this.stderrTail);
    const lastLine = this.stderrTail.trim().split("\n").at(-1);
    const detail = outOfMemory
      ? `out of memory (limit ${this.fn.memoryMb} MB; ${reason})`
      : lastLine
        ? `${reason} (last output: ${lastLine.slice(0, 300)})`
        : reason;
    return handlerError(
      outOfMemory ? "Runtime.OutOfMemory" : "Runtime.ExitError",
      `RequestId: ${requestId} Error: Runtime exited with error: ${detail}`,
      requestId,
    );
  }

  private log(stream: "stdout" | "stderr", line: string): void {
    const pending = this.current;
    if (pending) pending.log = (pending.log + line + "\n").slice(-TAIL_BYTES);
    if (stream === "stderr") this.stderrTail = (this.stderrTail + line + "\n").slice(-2048);
    this.options.onLog?.({
      functionName: this.fn.name,
      version: this.fn.version,
      requestId: pending?.requestId,
      stream,
      line,
    });
  }
}

function failure(error: WorkerError, requestId: string): TaskFailure {
  return handlerError(error.errorType, error.errorMessage, requestId, error.stackTrace);
}

/** Lambda's timeout error (index.ts explains the choice of name). */
function timedOut(requestId: string, seconds: number, phase: string): TaskFailure {
  return handlerError(
    "Sandbox.Timedout",
    `RequestId: ${requestId} Error: ${phase} timed out after ${seconds.toFixed(2)} seconds`,
    requestId,
  );
}
