/**
 * Deployed functions: Node.js and Python handlers with Lambda's signature, kept in the store
 * (code included) by `FunctionRegistry` and cached in the data directory, run in warm child
 * processes by `FunctionPool` (never in the server's process), and called from Task states
 * through `createFunctionDispatcher`.
 *
 * Failures carry the names AWS Lambda's runtimes report, which Step Functions surfaces as the
 * Task's error (so definitions written for AWS keep their Retry/Catch):
 * - a thrown error: its class name (`ValidationError`, `KeyError`...), cause = Lambda's error
 *   document `{ errorMessage, errorType, requestId, stackTrace }`;
 * - the function's timeout: `Sandbox.Timedout` ("Task timed out after 3.00 seconds"). Lambda
 *   reports timeouts under this name, and Step Functions passes it through; the older docs'
 *   `Lambda.Unknown` is no longer what executions see. `States.Timeout` stays reserved for the
 *   Task state's own TimeoutSeconds / HeartbeatSeconds, which the runtime enforces;
 * - out of memory: `Runtime.OutOfMemory`; any other death of the process: `Runtime.ExitError`;
 * - a handler that cannot be loaded: `Runtime.ImportModuleError` / `Runtime.HandlerNotFound`;
 * - a result that is not JSON: `Runtime.MarshalError`;
 * - an unknown function: `Lambda.ResourceNotFoundException`.
 * All of them match `States.ALL` and `States.TaskFailed`.
 */
export { createFunctionDispatcher, type FunctionDispatcher, handles } from "./dispatcher.js";
export { FunctionNotFoundError, InvalidFunctionError } from "./errors.js";
export {
  FunctionPool,
  type InvokeOptions,
  type InvokeResult,
  type LogLine,
  type PoolGroupStats,
  type PoolOptions,
} from "./pool.js";
export {
  type DeployRequest,
  FunctionRegistry,
  type FunctionVersion,
  type RegistryOptions,
} from "./registry.js";
export type { FunctionRuntime } from "./validate.js";
