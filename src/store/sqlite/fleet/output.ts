/**
 * Invocation output on SQLite (see FleetStore): chunks of each stream by byte offset, the
 * stored sizes and the truncation mark kept on the invocation.
 */
import type Database from "better-sqlite3";
import type { OutputStream } from "../../fleet-port.js";
import type { Row } from "../../rows/common.js";
import { outputAppend, sliceOutput } from "../../rows/fleet-bookkeeping.js";

/** The column of a stream's stored size (never from input: one of two names). */
const SIZE_COLUMN = { stdout: "stdout_bytes", stderr: "stderr_bytes" } as const;

/** The output operations on `db`, synchronous. */
export function outputQueries(db: Database.Database) {
  const sizes = db.prepare<[string, string], Row>(
    `SELECT stdout_bytes, stderr_bytes, output_truncated FROM invocations
     WHERE command_id = ? AND instance_id = ?`,
  );
  const insertChunk = db.prepare(
    `INSERT INTO invocation_output (command_id, instance_id, stream, byte_offset, data)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const grow = {
    stdout: db.prepare(
      `UPDATE invocations SET stdout_bytes = ?, output_truncated = ?
       WHERE command_id = ? AND instance_id = ?`,
    ),
    stderr: db.prepare(
      `UPDATE invocations SET stderr_bytes = ?, output_truncated = ?
       WHERE command_id = ? AND instance_id = ?`,
    ),
  };
  const chunks = db.prepare<unknown[], { byte_offset: number; data: Buffer }>(
    `SELECT byte_offset, data FROM invocation_output
     WHERE command_id = ? AND instance_id = ? AND stream = ?
       AND byte_offset < ? AND byte_offset + length(data) > ?
     ORDER BY byte_offset`,
  );

  return {
    appendOutput: db.transaction(
      (
        commandId: string,
        instanceId: string,
        stream: OutputStream,
        offset: number,
        data: Uint8Array,
        capBytes: number,
      ): { size: number; truncated: boolean } | undefined => {
        const row = sizes.get(commandId, instanceId);
        if (!row) return undefined;
        const size = row[SIZE_COLUMN[stream]] as number;
        const truncated = row.output_truncated === 1;
        const append = outputAppend(size, offset, data.length, capBytes);
        if (append.gap || (append.keep === 0 && (!append.dropped || truncated)))
          return { size, truncated };
        const kept = data.subarray(append.skip, append.skip + append.keep);
        if (kept.length > 0)
          insertChunk.run(
            commandId,
            instanceId,
            stream,
            size,
            Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength),
          );
        const marked = truncated || append.dropped;
        grow[stream].run(size + kept.length, marked ? 1 : 0, commandId, instanceId);
        return { size: size + kept.length, truncated: marked };
      },
    ),
    readOutput(
      commandId: string,
      instanceId: string,
      stream: OutputStream,
      offset: number,
      length: number,
    ): Uint8Array {
      const rows = chunks.all(commandId, instanceId, stream, offset + length, offset);
      return sliceOutput(rows, offset, length);
    },
  };
}
