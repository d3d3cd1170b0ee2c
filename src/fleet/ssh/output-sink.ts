/**
 * Where a run's output goes: passed on to the caller as it arrives, at most a cap of bytes
 * per stream over the whole invocation (every plugin), with a note of what was dropped.
 */
import type { OutputStream } from "../../store/fleet-port.js";

/** Receives output chunks as they arrive. */
export type OutputListener = (stream: OutputStream, chunk: Buffer) => void;

/** Forwards output under a per-stream cap. */
export class CappedOutput {
  private readonly passed: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  /** True once some output was dropped for the cap. */
  truncated = false;

  constructor(
    private readonly listener: OutputListener,
    private readonly capBytes: number,
  ) {}

  /** Passes on what of `chunk` fits under the cap. */
  write(stream: OutputStream, chunk: Buffer): void {
    if (chunk.length === 0) return;
    const room = Math.max(0, this.capBytes - this.passed[stream]);
    if (chunk.length > room) this.truncated = true;
    if (room === 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.passed[stream] += kept.length;
    this.listener(stream, kept);
  }
}

/**
 * Splits the process group marker line off the start of stdout: `feed` returns the bytes
 * after it (empty until the line is complete); `pgid` resolves once it was read.
 */
export class MarkerReader {
  private head = Buffer.alloc(0);
  private done = false;
  private settle!: (pgid: number | undefined) => void;
  /** The remote process group id, or undefined when the output did not start with it. */
  readonly pgid: Promise<number | undefined> = new Promise((resolve) => {
    this.settle = resolve;
  });

  constructor(private readonly marker: string) {}

  feed(chunk: Buffer): Buffer {
    if (this.done) return chunk;
    this.head = Buffer.concat([this.head, chunk]);
    const newline = this.head.indexOf(0x0a);
    if (newline < 0) {
      // A marker line is short: a long first line means the marker never came.
      if (this.head.length <= 64) return Buffer.alloc(0);
      return this.finish(undefined, this.head);
    }
    const line = this.head.subarray(0, newline).toString("latin1");
    const match = line.startsWith(this.marker)
      ? /^\d+$/.exec(line.slice(this.marker.length))
      : null;
    if (!match) return this.finish(undefined, this.head);
    return this.finish(Number(match[0]), this.head.subarray(newline + 1));
  }

  /** The stream ended: no marker will come (any held bytes are returned). */
  end(): Buffer {
    return this.done ? Buffer.alloc(0) : this.finish(undefined, this.head);
  }

  private finish(pgid: number | undefined, rest: Buffer): Buffer {
    this.done = true;
    this.head = Buffer.alloc(0);
    this.settle(pgid);
    return rest;
  }
}
