/**
 * Starting a function's child process for its runtime and wrapping its message channel: Node
 * children are forked with an IPC channel, Python children are spawned with requests on
 * stdin and answers on fd 3. Children get a Lambda-like environment, not the server's (which
 * may hold secrets).
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Json } from "../../asl/json.js";
import type { ServerMessage, WorkerMessage } from "./protocol.js";
import type { FunctionVersion } from "./registry.js";

/** How children are started. */
export interface RuntimeOptions {
  /** The Python interpreter; default `python3` from PATH. */
  readonly pythonPath?: string;
  /** The Node.js binary; default the server's own. */
  readonly nodePath?: string;
  /** Region and account in the ARNs functions see; default us-east-1 / 000000000000. */
  readonly region?: string;
  readonly account?: string;
}

/** A started child and its message channel. */
export interface ChildChannel {
  readonly child: ChildProcess;
  send(message: ServerMessage): void;
  /** Called for every message the child sends. */
  onMessage(listener: (message: WorkerMessage) => void): void;
}

/** The ARN a function is known by, as Lambda would write it. */
export function functionArn(name: string, options: RuntimeOptions = {}): string {
  return `arn:aws:lambda:${options.region ?? "us-east-1"}:${options.account ?? "000000000000"}:function:${name}`;
}

/** Starts a child process running `fn`'s handler. */
export function startChild(fn: FunctionVersion, options: RuntimeOptions = {}): ChildChannel {
  const args = [
    fn.codeDir,
    fn.handler,
    fn.name,
    String(fn.version),
    String(fn.memoryMb),
    functionArn(fn.name, options),
  ];
  const env = childEnvironment(fn, options);
  return fn.runtime === "python" ? startPython(args, env, options) : startNode(args, env, options);
}

function startNode(args: string[], env: NodeJS.ProcessEnv, options: RuntimeOptions): ChildChannel {
  const child = fork(asset("node-bootstrap.mjs"), args, {
    cwd: args[0],
    env,
    execPath: options.nodePath ?? process.execPath,
    // Set explicitly: otherwise children inherit the server's flags (e.g. a TypeScript loader).
    execArgv: [`--max-old-space-size=${args[4]}`],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "json",
  });
  return {
    child,
    send(request) {
      // A channel closed by a dying child: the exit handler reports the failure.
      if (child.connected) child.send(request, (error) => void error);
    },
    onMessage(listener) {
      child.on("message", (raw) => {
        const message = raw as WorkerMessage & { payload?: string };
        // Results travel as JSON text so the child can detect what does not serialise.
        if (message.type !== "result") listener(message);
        else {
          const result = parseOrUndefined(message.payload ?? "null");
          if (result !== undefined) listener({ type: "result", id: message.id, result });
        }
      });
    },
  };
}

function startPython(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: RuntimeOptions,
): ChildChannel {
  const child = spawn(
    options.pythonPath ?? "python3",
    ["-u", "-B", asset("bootstrap.py"), ...args],
    {
      cwd: args[0],
      env,
      stdio: ["pipe", "pipe", "pipe", "pipe"],
    },
  );
  const answers = child.stdio[3] as NodeJS.ReadableStream;
  // A write to a dead child's stdin fails asynchronously; the exit handler reports it.
  child.stdin?.on("error", () => undefined);
  return {
    child,
    send: (request) => child.stdin?.write(`${JSON.stringify(request)}\n`),
    onMessage(listener) {
      answers.on("error", () => undefined);
      splitLines(answers, (line) => {
        const message = parseOrUndefined(line);
        if (message !== undefined) listener(message as unknown as WorkerMessage);
      });
    },
  };
}

/**
 * Handler code shares the child with the bootstrap and could write to the answer channel;
 * what is not JSON is dropped here rather than thrown inside the server.
 */
function parseOrUndefined(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/** Calls `onLine` for each complete line of `stream`. */
export function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  stream.on("end", () => {
    if (pending !== "") onLine(pending);
    pending = "";
  });
}

function childEnvironment(fn: FunctionVersion, options: RuntimeOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    LANG: process.env.LANG ?? "C.UTF-8",
    TZ: "UTC",
    LAMBDA_TASK_ROOT: fn.codeDir,
    AWS_REGION: options.region ?? "us-east-1",
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: String(fn.version),
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    PYTHONUNBUFFERED: "1",
    PYTHONDONTWRITEBYTECODE: "1",
  };
  return { ...env, ...fn.environment };
}

/**
 * A file shipped next to this module. The build (tsc) does not copy non-TypeScript files to
 * dist/, so from dist/tasks/functions/ fall back to the package's src/tasks/functions/.
 */
function asset(name: string): string {
  const candidates = [
    new URL(`./${name}`, import.meta.url),
    new URL(`../../../src/tasks/functions/${name}`, import.meta.url),
  ];
  const found = candidates.find((url) => existsSync(url)) ?? candidates[0];
  return fileURLToPath(found);
}
