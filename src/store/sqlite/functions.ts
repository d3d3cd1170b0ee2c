/**
 * Deployed functions and their versions on SQLite (see FunctionStore). A deployment bumps the
 * name's row and inserts the version in one transaction, so versions are consecutive.
 */
import type Database from "better-sqlite3";
import { StoreConflictError } from "../errors.js";
import type { FunctionRecord, NewFunctionVersion } from "../functions-port.js";
import { type FunctionRow, functionFromRow } from "../rows/functions.js";

/** Every column but the code. */
const COLUMNS = `v.name, v.version, v.runtime, v.handler, v.timeout_seconds, v.memory_mb,
  v.environment, v.code_size, v.code_sha256, v.created_at`;

/** The function queries on `db`, synchronous. */
export function functionQueries(db: Database.Database) {
  const bump = db.prepare<[string], { latest: number }>(
    `INSERT INTO functions (name, latest) VALUES (?, 1)
     ON CONFLICT (name) DO UPDATE SET latest = latest + 1 RETURNING latest`,
  );
  const raise = db.prepare(
    `INSERT INTO functions (name, latest) VALUES (?, ?)
     ON CONFLICT (name) DO UPDATE SET latest = max(latest, excluded.latest)`,
  );
  const insert = db.prepare(
    `INSERT INTO function_versions (name, version, runtime, handler, timeout_seconds, memory_mb,
       environment, code_size, code_sha256, created_at, code)
     VALUES (@name, @version, @runtime, @handler, @timeoutSeconds, @memoryMb, @environment,
       @codeSize, @codeSha256, @createdAt, @code)`,
  );
  const exists = db.prepare("SELECT 1 FROM function_versions WHERE name = ? AND version = ?");
  const latest = db.prepare<[string], FunctionRow>(
    `SELECT ${COLUMNS} FROM functions f JOIN function_versions v
       ON v.name = f.name AND v.version = f.latest WHERE f.name = ?`,
  );
  const atVersion = db.prepare<[string, number], FunctionRow>(
    `SELECT ${COLUMNS} FROM function_versions v WHERE v.name = ? AND v.version = ?`,
  );
  const code = db.prepare<[string, number], { code: Buffer }>(
    "SELECT code FROM function_versions WHERE name = ? AND version = ?",
  );
  const list = db.prepare<[], FunctionRow>(
    `SELECT ${COLUMNS} FROM functions f JOIN function_versions v
       ON v.name = f.name AND v.version = f.latest ORDER BY f.name`,
  );
  const versions = db.prepare<[string], FunctionRow>(
    `SELECT ${COLUMNS} FROM function_versions v WHERE v.name = ? ORDER BY v.version`,
  );
  const remove = db.prepare("DELETE FROM functions WHERE name = ?");

  const write = (record: FunctionRecord, bytes: Uint8Array) =>
    insert.run({
      ...record,
      environment: JSON.stringify(record.environment),
      code: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    });

  return {
    putFunctionVersion: db.transaction((fn: NewFunctionVersion): FunctionRecord => {
      const { code: bytes, ...fields } = fn;
      const version = (bump.get(fn.name) as { latest: number }).latest;
      const record: FunctionRecord = { ...fields, version };
      write(record, bytes);
      return record;
    }),
    importFunctionVersion: db.transaction((record: FunctionRecord, bytes: Uint8Array): void => {
      if (exists.get(record.name, record.version))
        throw new StoreConflictError(
          "exists",
          `Function ${record.name} already has version ${record.version}.`,
        );
      raise.run(record.name, record.version);
      write(record, bytes);
    }),
    getFunction(name: string, version?: number): FunctionRecord | undefined {
      const row = version === undefined ? latest.get(name) : atVersion.get(name, version);
      return row && functionFromRow(row);
    },
    getFunctionCode: (name: string, version: number): Uint8Array | undefined =>
      code.get(name, version)?.code,
    listFunctions: (): FunctionRecord[] => list.all().map(functionFromRow),
    listFunctionVersions: (name: string): FunctionRecord[] =>
      versions.all(name).map(functionFromRow),
    deleteFunction: (name: string): boolean => remove.run(name).changes > 0,
  };
}
