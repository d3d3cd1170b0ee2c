/**
 * Deployed functions and their versions on PostgreSQL (see FunctionStore), shared by every
 * node. A deployment numbers its version by bumping the name's row in the transaction that
 * inserts the version: the row stays locked until it commits, so deployments of one name from
 * several nodes at once get distinct, consecutive versions.
 */
import { StoreConflictError } from "../errors.js";
import type { FunctionRecord, FunctionStore } from "../functions-port.js";
import { type FunctionRow, functionFromRow } from "../rows/functions.js";
import type { PostgresDatabase, Sql } from "./database.js";

/** Every column but the code (listings must not fetch megabytes of code). */
const COLUMNS = `v.name, v.version, v.runtime, v.handler, v.timeout_seconds, v.memory_mb,
  v.environment, v.code_size, v.code_sha256, v.created_at`;

const UNIQUE_VIOLATION = "23505";

async function insertVersion(tx: Sql, record: FunctionRecord, code: Uint8Array): Promise<void> {
  await tx.run(
    `INSERT INTO function_versions (name, version, runtime, handler, timeout_seconds, memory_mb,
       environment, code_size, code_sha256, created_at, code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      record.name,
      record.version,
      record.runtime,
      record.handler,
      record.timeoutSeconds,
      record.memoryMb,
      JSON.stringify(record.environment),
      record.codeSize,
      record.codeSha256,
      record.createdAt,
      Buffer.from(code.buffer, code.byteOffset, code.byteLength),
    ],
  );
}

/** The FunctionStore on `db`. */
export function postgresFunctionStore(db: PostgresDatabase): FunctionStore {
  return {
    putFunctionVersion(fn) {
      const { code, ...fields } = fn;
      return db.transaction(async (tx) => {
        // A concurrent deployment of the name (another node) waits on this row until this
        // transaction ends, then numbers its version after this one.
        const bumped = await tx.row<{ latest: number }>(
          `INSERT INTO functions (name, latest) VALUES ($1, 1)
           ON CONFLICT (name) DO UPDATE SET latest = functions.latest + 1 RETURNING latest`,
          [fn.name],
        );
        const record: FunctionRecord = { ...fields, version: bumped?.latest ?? 1 };
        await insertVersion(tx, record, code);
        return record;
      });
    },
    async importFunctionVersion(record, code) {
      try {
        await db.transaction(async (tx) => {
          await tx.run(
            `INSERT INTO functions (name, latest) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET latest = GREATEST(functions.latest, EXCLUDED.latest)`,
            [record.name, record.version],
          );
          await insertVersion(tx, record, code);
        });
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION)
          throw new StoreConflictError(
            "exists",
            `Function ${record.name} already has version ${record.version}.`,
          );
        throw error;
      }
    },
    async getFunction(name, version) {
      const row =
        version === undefined
          ? await db.row<FunctionRow>(
              `SELECT ${COLUMNS} FROM functions f JOIN function_versions v
                 ON v.name = f.name AND v.version = f.latest WHERE f.name = $1`,
              [name],
            )
          : await db.row<FunctionRow>(
              `SELECT ${COLUMNS} FROM function_versions v WHERE v.name = $1 AND v.version = $2`,
              [name, version],
            );
      return row && functionFromRow(row);
    },
    async getFunctionCode(name, version) {
      const row = await db.row<{ code: Buffer }>(
        "SELECT code FROM function_versions WHERE name = $1 AND version = $2",
        [name, version],
      );
      return row?.code;
    },
    async listFunctions() {
      const rows = await db.rows<FunctionRow>(
        `SELECT ${COLUMNS} FROM functions f JOIN function_versions v
           ON v.name = f.name AND v.version = f.latest ORDER BY f.name`,
      );
      return rows.map(functionFromRow);
    },
    async listFunctionVersions(name) {
      const rows = await db.rows<FunctionRow>(
        `SELECT ${COLUMNS} FROM function_versions v WHERE v.name = $1 ORDER BY v.version`,
        [name],
      );
      return rows.map(functionFromRow);
    },
    async deleteFunction(name) {
      return (await db.run("DELETE FROM functions WHERE name = $1", [name])) > 0;
    },
  };
}
