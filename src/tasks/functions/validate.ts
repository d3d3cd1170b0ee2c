/**
 * Validation of deployment requests. Everything here runs before a byte is written, so a
 * refused deployment leaves the registry untouched.
 */
import { posix } from "node:path";
import { InvalidFunctionError } from "./errors.js";

/** The languages functions can be written in. */
export type FunctionRuntime = "nodejs" | "python";

/** Every supported runtime. */
export const RUNTIMES: readonly FunctionRuntime[] = ["nodejs", "python"];

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
// Node: `dir/file.export` (the file without extension, as Lambda writes it).
const NODE_HANDLER = /^[\w@-][\w@./-]*\.[A-Za-z_$][\w$]*$/;
// Python: `package.module.function`.
const PYTHON_HANDLER = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/;
const ENV_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Lambda's limit on the total size of a function's environment variables. */
const MAX_ENVIRONMENT_BYTES = 4096;

/** A function name: 1 to 64 of `A-Za-z0-9_-`, as Lambda allows. */
export function validateName(name: unknown): string {
  if (typeof name !== "string" || !NAME.test(name))
    throw new InvalidFunctionError(
      "name",
      `'${String(name)}' is not a valid function name: use 1 to 64 letters, digits, '-' or '_'.`,
    );
  return name;
}

/** One of RUNTIMES. */
export function validateRuntime(runtime: unknown): FunctionRuntime {
  if (!RUNTIMES.includes(runtime as FunctionRuntime))
    throw new InvalidFunctionError(
      "runtime",
      `'${String(runtime)}' is not supported: use one of ${RUNTIMES.join(", ")}.`,
    );
  return runtime as FunctionRuntime;
}

/** The handler written as the runtime expects it (`file.export` or `module.function`). */
export function validateHandler(runtime: FunctionRuntime, handler: unknown): string {
  const ok =
    typeof handler === "string" &&
    (runtime === "python"
      ? PYTHON_HANDLER.test(handler)
      : NODE_HANDLER.test(handler) && !handler.split("/").includes(".."));
  if (!ok)
    throw new InvalidFunctionError(
      "handler",
      runtime === "python"
        ? `'${String(handler)}' is not a Python handler: write it as 'module.function' (e.g. 'index.handler').`
        : `'${String(handler)}' is not a Node.js handler: write it as 'file.export' (e.g. 'index.handler' for the export 'handler' of index.mjs, index.js or index.cjs).`,
    );
  return handler as string;
}

/** An integer setting within bounds, or its default. */
export function validateInteger(
  field: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    throw new InvalidFunctionError(field, `must be a whole number from ${min} to ${max}.`);
  return value;
}

/** Environment variables: names as shells accept them, string values, 4 KB in all. */
export function validateEnvironment(environment: unknown): Record<string, string> {
  if (environment === undefined) return {};
  if (typeof environment !== "object" || environment === null || Array.isArray(environment))
    throw new InvalidFunctionError("environment", "must be an object of string values.");
  let bytes = 0;
  for (const [key, value] of Object.entries(environment)) {
    if (!ENV_KEY.test(key))
      throw new InvalidFunctionError(
        `environment.${key}`,
        "variable names start with a letter and use letters, digits and '_'.",
      );
    if (typeof value !== "string")
      throw new InvalidFunctionError(`environment.${key}`, "values must be strings.");
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (bytes > MAX_ENVIRONMENT_BYTES)
    throw new InvalidFunctionError(
      "environment",
      `takes ${bytes} bytes; the limit is ${MAX_ENVIRONMENT_BYTES}.`,
    );
  return { ...(environment as Record<string, string>) };
}

/**
 * A relative path inside the function's code directory, normalised; refuses anything that
 * could land outside it (absolute paths, `..`, backslashes, NUL).
 */
export function validateRelativePath(field: string, path: string): string {
  const bad =
    path === "" ||
    path.includes("\0") ||
    path.includes("\\") ||
    path.startsWith("/") ||
    path.split("/").some((segment) => segment === ".." || segment === "");
  const normal = bad ? "" : posix.normalize(path);
  if (bad || normal === "." || normal.startsWith("../"))
    throw new InvalidFunctionError(
      field,
      `'${path}' is not a relative file path inside the function: use forward slashes, no '..', no leading '/'.`,
    );
  return normal;
}
