/**
 * Invocation output on PostgreSQL (see FleetStore): chunks of each stream by byte offset, the
 * stored sizes and the truncation mark kept on the invocation, whose row an append locks so
 * two appends of one stream (a resend racing the original) take turns.
 */
import type { FleetStore } from "../../fleet-port.js";
import type { Row } from "../../rows/common.js";
import { flag } from "../../rows/common.js";
import { outputAppend, sliceOutput } from "../../rows/fleet-bookkeeping.js";
import type { PostgresDatabase } from "../database.js";

/** The column of a stream's stored size (never from input: one of two names). */
const SIZE_COLUMN = { stdout: "stdout_bytes", stderr: "stderr_bytes" } as const;

/** The output methods on `db`. */
export function postgresOutputMethods(
  db: PostgresDatabase,
): Pick<FleetStore, "appendOutput" | "readOutput"> {
  return {
    appendOutput(commandId, instanceId, stream, offset, data, capBytes) {
      return db.transaction(async (tx) => {
        const row = await tx.row<Row>(
          `SELECT stdout_bytes, stderr_bytes, output_truncated FROM invocations
           WHERE command_id = $1 AND instance_id = $2 FOR UPDATE`,
          [commandId, instanceId],
        );
        if (!row) return undefined;
        const size = row[SIZE_COLUMN[stream]] as number;
        const truncated = flag(row.output_truncated);
        const append = outputAppend(size, offset, data.length, capBytes);
        if (append.gap || (append.keep === 0 && (!append.dropped || truncated)))
          return { size, truncated };
        const kept = data.subarray(append.skip, append.skip + append.keep);
        if (kept.length > 0)
          await tx.run(
            `INSERT INTO invocation_output (command_id, instance_id, stream, byte_offset, data)
             VALUES ($1, $2, $3, $4, $5)`,
            [
              commandId,
              instanceId,
              stream,
              size,
              Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength),
            ],
          );
        const marked = truncated || append.dropped;
        await tx.run(
          `UPDATE invocations SET ${SIZE_COLUMN[stream]} = $1, output_truncated = $2
           WHERE command_id = $3 AND instance_id = $4`,
          [size + kept.length, marked, commandId, instanceId],
        );
        return { size: size + kept.length, truncated: marked };
      });
    },
    async readOutput(commandId, instanceId, stream, offset, length) {
      const rows = await db.rows<{ byte_offset: number; data: Buffer }>(
        `SELECT byte_offset, data FROM invocation_output
         WHERE command_id = $1 AND instance_id = $2 AND stream = $3
           AND byte_offset < $4 AND byte_offset + length(data) > $5
         ORDER BY byte_offset`,
        [commandId, instanceId, stream, offset + length, offset],
      );
      return sliceOutput(rows, offset, length);
    },
  };
}
