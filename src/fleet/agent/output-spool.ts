/**
 * An output stream's spool file: bytes are appended as the script produces them, up to a cap;
 * past it they are counted and dropped, so a script printing gigabytes costs neither disk nor
 * memory and its pipe is still drained (the script never blocks on a full pipe).
 */
import { closeSync, fstatSync, openSync, writeSync } from "node:fs";

/** One capped, append-only spool file. */
export class OutputSpool {
  private readonly fd: number;
  private size: number;
  private dropped = 0;

  /** Opens (or continues, after a restart) the spool at `path`, keeping at most `capBytes`. */
  constructor(
    readonly path: string,
    private readonly capBytes: number,
  ) {
    this.fd = openSync(path, "a", 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** Appends what fits under the cap, synchronously (nothing is buffered in memory). */
  write(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    const room = Math.max(0, this.capBytes - this.size);
    const kept = Math.min(room, bytes.byteLength);
    if (kept > 0) {
      writeSync(this.fd, bytes, 0, kept);
      this.size += kept;
    }
    this.dropped += bytes.byteLength - kept;
  }

  /** Bytes in the file. */
  get bytes(): number {
    return this.size;
  }

  /** True once something was dropped at the cap. */
  get truncated(): boolean {
    return this.dropped > 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}
