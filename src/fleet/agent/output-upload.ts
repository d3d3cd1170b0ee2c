/**
 * Sends an invocation's spooled output to the server by byte offset, in chunks of at most
 * 256 KiB read from the spool file (never the whole stream in memory). The server skips
 * chunks it already holds and refuses gaps, answering its size either way, so the agent
 * always continues from the size the server reports: after a lost answer, a restart of
 * either side, or a refused gap.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { OutputStream } from "../../store/fleet-port.js";
import type { FinishRequest, OutputResponse } from "../protocol.js";
import { spoolPaths } from "./executor.js";

/** Largest chunk sent in one call. */
export const OUTPUT_CHUNK_BYTES = 256 * 1024;

/** Where output goes (AgentClient.output). */
export type SendOutput = (
  commandId: string,
  stream: OutputStream,
  offset: number,
  data: Uint8Array,
) => Promise<OutputResponse>;

const STREAMS: OutputStream[] = ["stdout", "stderr"];

/** Uploads one invocation's spools; keeps what the server holds of each stream. */
export class OutputUploader {
  private readonly held: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  /** Streams the server takes no more of (its cap). */
  private readonly full = new Set<OutputStream>();

  constructor(
    private readonly send: SendOutput,
    private readonly commandId: string,
    private readonly folder: string,
  ) {}

  private queue: Promise<void> = Promise.resolve();

  /**
   * Sends everything spooled so far. Network failures propagate (the caller retries). Calls
   * run one after another (the periodic upload and the final one share the offsets).
   */
  flush(): Promise<void> {
    const next = this.queue.then(async () => {
      for (const stream of STREAMS) await this.flushStream(stream);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * The output not yet sent, to carry in the finish report, when all of it fits in `limit`
   * bytes; undefined otherwise (upload it with flush). What it returns counts as sent only
   * once the report is acknowledged, so a lost report sends it again (the server skips what it
   * holds).
   */
  async tail(limit: number): Promise<FinishRequest["output"]> {
    await this.queue;
    const parts: NonNullable<FinishRequest["output"]> = {};
    let total = 0;
    for (const stream of STREAMS) {
      if (this.full.has(stream)) continue;
      const path = spoolPaths(this.folder)[stream];
      let size: number;
      try {
        size = statSync(path).size;
      } catch {
        continue;
      }
      const offset = this.held[stream];
      if (size <= offset) continue;
      total += size - offset;
      if (total > limit) return undefined;
      const data = Buffer.alloc(size - offset);
      const fd = openSync(path, "r");
      try {
        readSync(fd, data, 0, data.length, offset);
      } finally {
        closeSync(fd);
      }
      parts[stream] = { offset, data: data.toString("base64") };
    }
    return parts;
  }

  /** Bytes of each stream the server acknowledged. */
  get acknowledged(): Readonly<Record<OutputStream, number>> {
    return this.held;
  }

  private async flushStream(stream: OutputStream): Promise<void> {
    if (this.full.has(stream)) return;
    const path = spoolPaths(this.folder)[stream];
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return; // nothing spooled (the invocation never ran a script)
    }
    if (this.held[stream] >= size) return;
    const buffer = Buffer.alloc(Math.min(OUTPUT_CHUNK_BYTES, size));
    const fd = openSync(path, "r");
    try {
      while (this.held[stream] < size) {
        const offset = this.held[stream];
        const length = readSync(fd, buffer, 0, Math.min(buffer.length, size - offset), offset);
        if (length === 0) return;
        const answer = await this.send(this.commandId, stream, offset, buffer.subarray(0, length));
        this.held[stream] = answer.size;
        // No progress: the server is at its cap (or will not take this stream); stop asking.
        if (answer.size <= offset && (answer.truncated || answer.size === offset)) {
          this.full.add(stream);
          return;
        }
      }
    } finally {
      closeSync(fd);
    }
  }
}
