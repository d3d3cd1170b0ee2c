/** Helpers for the SSH run tests: plugins, collected output, and remote process checks. */
import { readdirSync, readFileSync } from "node:fs";
import type { AgentPlugin } from "../../../src/fleet/protocol.js";
import type { Clock } from "../../../src/kernel/clock.js";
import type { OutputStream } from "../../../src/store/fleet-port.js";

/** An aws:runShellScript step. */
export function shell(runCommand: string[], extra: Partial<AgentPlugin> = {}): AgentPlugin {
  return { name: "step", action: "aws:runShellScript", runCommand, timeoutSeconds: 30, ...extra };
}

/** Output as it arrived, with a way to wait for some text to appear. */
export class CollectedOutput {
  readonly chunks: { stream: OutputStream; chunk: Buffer }[] = [];
  private waiters: { stream: OutputStream; text: string; resolve(): void }[] = [];

  readonly onOutput = (stream: OutputStream, chunk: Buffer) => {
    this.chunks.push({ stream, chunk: Buffer.from(chunk) });
    this.waiters = this.waiters.filter((waiter) => {
      if (!this.text(waiter.stream).includes(waiter.text)) return true;
      waiter.resolve();
      return false;
    });
  };

  text(stream: OutputStream): string {
    return Buffer.concat(
      this.chunks.filter((c) => c.stream === stream).map((c) => c.chunk),
    ).toString();
  }

  /** Resolves once `text` has arrived on `stream`. */
  waitFor(stream: OutputStream, text: string): Promise<void> {
    if (this.text(stream).includes(text)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ stream, text, resolve }));
  }
}

/**
 * Pids of live processes on this machine whose command line contains `needle` (the test sshd
 * runs here, so its sessions' processes are local). Zombies do not count.
 */
export function processesMatching(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1];
      if (cmdline.includes(needle) && state !== "Z") found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** A clock that moves only when the test says so (timeouts fire on `advance`, never alone). */
export class ManualClock implements Clock {
  private current = 0;
  private sleepers: { untilMs: number; resolve(): void }[] = [];

  now(): number {
    return this.current;
  }

  /** How many waits are pending (a timeout armed by the runner shows here). */
  get pending(): number {
    return this.sleepers.length;
  }

  advance(ms: number): void {
    this.current += ms;
    const due = this.sleepers.filter((s) => s.untilMs <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.untilMs > this.current);
    for (const sleeper of due) sleeper.resolve();
  }

  sleepUntil(untilMs: number, signal?: AbortSignal): Promise<void> {
    if (untilMs <= this.current) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = { untilMs, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        "abort",
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }
}
