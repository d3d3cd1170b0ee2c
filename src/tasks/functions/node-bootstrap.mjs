/**
 * The program a Node.js function's child process runs (plain JavaScript, so children start
 * without a TypeScript loader). It loads the handler once, says "ready" over the IPC channel,
 * then answers one request at a time. The handler's console output goes to stdout/stderr,
 * which the server collects as the function's logs.
 *
 * argv: codeDir handler functionName functionVersion memoryMb functionArn
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [codeDir, handlerSpec, functionName, functionVersion, memoryMb, functionArn] =
  process.argv.slice(2);

// Without the server there is nobody to answer: leave instead of lingering as an orphan.
process.on("disconnect", () => process.exit(0));

class RuntimeError extends Error {
  constructor(type, message) {
    super(message);
    this.name = type;
  }
}

async function loadHandler() {
  const dot = handlerSpec.lastIndexOf(".");
  const module = handlerSpec.slice(0, dot);
  const exportName = handlerSpec.slice(dot + 1);
  const file = [".mjs", ".js", ".cjs"]
    .map((extension) => join(codeDir, module + extension))
    .find((candidate) => existsSync(candidate));
  if (!file)
    throw new RuntimeError("Runtime.ImportModuleError", `Error: Cannot find module '${module}'`);
  let loaded;
  try {
    // import() loads ES modules and CommonJS alike; CommonJS exports arrive as `default`.
    loaded = await import(pathToFileURL(file).href);
  } catch (error) {
    const failure = new RuntimeError("Runtime.ImportModuleError", `${error}`);
    failure.stack = error?.stack ?? failure.stack;
    throw failure;
  }
  const handler = loaded[exportName] ?? loaded.default?.[exportName];
  if (typeof handler !== "function")
    throw new RuntimeError(
      "Runtime.HandlerNotFound",
      `${module}.${exportName} is undefined or not exported`,
    );
  return handler;
}

/** Lambda's error document for a thrown value. */
function describe(error) {
  if (error instanceof Error) {
    const errorType =
      error.name && error.name !== "Error" ? error.name : (error.constructor?.name ?? "Error");
    const stackTrace = String(error.stack ?? "")
      .split("\n")
      .slice(1)
      .map((line) => line.trim())
      .filter((line) => line !== "");
    return { errorType, errorMessage: error.message, stackTrace };
  }
  return { errorType: "Error", errorMessage: String(error), stackTrace: [] };
}

/** Questions for parameters waiting for the server's answer, by number. */
const questions = new Map();
let asked = 0;

/**
 * `context.getParameter(name, { withDecryption })`: asks the server over the IPC channel and
 * resolves with SSM's Parameter shape; rejects with an error named as SSM names it
 * (`ParameterNotFound`...).
 */
function parameterReader(callId) {
  return (name, options = {}) =>
    new Promise((resolve, reject) => {
      const request = ++asked;
      questions.set(request, { resolve, reject });
      process.send({
        type: "get-parameter",
        id: callId,
        request,
        name,
        withDecryption: options.withDecryption === true,
      });
    });
}

function settleQuestion(answer) {
  const question = questions.get(answer.request);
  if (!question) return;
  questions.delete(answer.request);
  if (answer.parameter) question.resolve(answer.parameter);
  else question.reject(new RuntimeError(answer.error.errorType, answer.error.errorMessage));
}

/** Calls async handlers and callback-style ones (three parameters) the same way. */
function call(handler, event, context) {
  if (handler.length < 3) return Promise.resolve().then(() => handler(event, context));
  return new Promise((resolve, reject) => {
    const returned = handler(event, context, (error, value) =>
      error ? reject(error) : resolve(value),
    );
    if (returned && typeof returned.then === "function") returned.then(resolve, reject);
  });
}

async function answer(handler, request) {
  const { id, event, context: fields } = request;
  const context = {
    functionName,
    functionVersion,
    invokedFunctionArn: functionArn,
    memoryLimitInMB: memoryMb,
    awsRequestId: fields.awsRequestId,
    idempotencyKey: fields.idempotencyKey,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, fields.deadlineMs - Date.now()),
    getParameter: parameterReader(id),
  };
  let result;
  try {
    result = await call(handler, event, context);
  } catch (error) {
    process.send({ type: "error", id, ...describe(error) });
    return;
  }
  let payload;
  try {
    payload = JSON.stringify(result === undefined ? null : result) ?? "null";
  } catch (error) {
    process.send({
      type: "error",
      id,
      errorType: "Runtime.MarshalError",
      errorMessage: `Unable to stringify response body: ${error?.message ?? error}`,
      stackTrace: [],
    });
    return;
  }
  process.send({ type: "result", id, payload });
}

try {
  const handler = await loadHandler();
  process.on("message", (message) =>
    message?.type === "parameter" ? settleQuestion(message) : void answer(handler, message),
  );
  process.send({ type: "ready" });
} catch (error) {
  process.send({ type: "init-error", ...describe(error) });
}
