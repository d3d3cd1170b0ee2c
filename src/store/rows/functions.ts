/** Row → record mapping of deployed functions, shared by both adapters. */
import type { FunctionRecord, FunctionRuntimeName } from "../functions-port.js";

/** A `function_versions` row without its code (listings never read the code). */
export type FunctionRow = {
  name: string;
  version: number;
  runtime: FunctionRuntimeName;
  handler: string;
  timeout_seconds: number;
  memory_mb: number;
  environment: string;
  code_size: number;
  code_sha256: string;
  created_at: number;
};

/** A `function_versions` row as the port's record. */
export const functionFromRow = (row: FunctionRow): FunctionRecord => ({
  name: row.name,
  version: row.version,
  runtime: row.runtime,
  handler: row.handler,
  timeoutSeconds: row.timeout_seconds,
  memoryMb: row.memory_mb,
  environment: JSON.parse(row.environment) as Record<string, string>,
  codeSize: row.code_size,
  codeSha256: row.code_sha256,
  createdAt: row.created_at,
});
