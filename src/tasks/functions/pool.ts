/**
 * Warm child processes per function version. A call takes an idle worker, or starts one while
 * the version has fewer than `maxWorkersPerFunction`, or waits in line (first come, first
 * served). Workers idle longer than `idleTimeoutMs` are stopped; dead ones are dropped and
 * replaced on demand. User code never runs in the server's process.
 */
import { randomUUID } from "node:crypto";
import type { Json } from "../../asl/json.js";
import type { FunctionVersion } from "./registry.js";
import { type LogLine, Worker, type WorkerOptions } from "./worker.js";

/** Options of a pool. */
export interface PoolOptions extends WorkerOptions {
  /** Warm processes per function version, and so its concurrency; default 4. */
  readonly maxWorkersPerFunction?: number;
  /** Stop processes idle this long; default 5 minutes. */
  readonly idleTimeoutMs?: number;
}

/** Options of one call. */
export interface InvokeOptions {
  /** Default: a fresh UUID. */
  readonly requestId?: string;
  /** Default: the request id (a call that is not retried needs no other). */
  readonly idempotencyKey?: string;
  /** Aborting kills the process running the call (or takes the call out of the line). */
  readonly signal?: AbortSignal;
}

/** A successful call. */
export interface InvokeResult {
  readonly payload: Json;
  readonly requestId: string;
  /** The tail of what the call printed. */
  readonly log: string;
}

/** A snapshot of one version's processes. */
export interface PoolGroupStats {
  readonly functionName: string;
  readonly version: number;
  readonly workers: number;
  readonly idle: number;
  readonly waiting: number;
  readonly pids: number[];
}

export type { LogLine };

interface Group {
  readonly fn: FunctionVersion;
  readonly workers: Set<Worker>;
  /** A stack: the most recently used worker is reused first, so the others can go idle. */
  readonly idle: Worker[];
  /** Callers in line; given a worker, or undefined meaning "room to start one". */
  readonly waiting: ((worker: Worker | undefined) => void)[];
  /** Calls in progress (waiting, starting or running): the group is kept while any are. */
  active: number;
}

/** The pool of function processes. One per server. */
export class FunctionPool {
  private readonly options: PoolOptions;
  private readonly groups = new Map<string, Group>();
  private readonly reaper: NodeJS.Timeout;
  private closed = false;

  constructor(options: PoolOptions = {}) {
    this.options = options;
    const idleMs = options.idleTimeoutMs ?? 300_000;
    this.reaper = setInterval(() => this.reap(idleMs), Math.min(idleMs, 10_000));
    this.reaper.unref();
  }

  /** Calls `fn` with `event`. Rejects with a TaskFailure named as Lambda names the error. */
  async invoke(
    fn: FunctionVersion,
    event: Json,
    options: InvokeOptions = {},
  ): Promise<InvokeResult> {
    const requestId = options.requestId ?? randomUUID();
    const group = this.group(fn);
    group.active++;
    try {
      const worker = await this.acquire(group, requestId, options.signal);
      try {
        const ids = { requestId, idempotencyKey: options.idempotencyKey ?? requestId };
        const outcome = await worker.call(event, ids, options.signal);
        return { payload: outcome.result, requestId, log: outcome.log };
      } finally {
        this.release(group, worker);
      }
    } finally {
      group.active--;
      this.dropIfUnused(group);
    }
  }

  /** Stops the idle processes of `name`'s versions other than `keep` (after a deploy or delete). */
  retire(name: string, keep?: number): void {
    for (const group of this.groups.values()) {
      if (group.fn.name !== name || group.fn.version === keep) continue;
      for (const worker of group.idle.splice(0)) void worker.kill();
    }
  }

  /** The processes of every version that has any. */
  stats(): PoolGroupStats[] {
    return [...this.groups.values()].map((group) => ({
      functionName: group.fn.name,
      version: group.fn.version,
      workers: group.workers.size,
      idle: group.idle.length,
      waiting: group.waiting.length,
      pids: [...group.workers].flatMap((worker) => (worker.pid === undefined ? [] : [worker.pid])),
    }));
  }

  /** Kills every process and refuses further calls; resolves when all have exited. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    const workers = [...this.groups.values()].flatMap((group) => [...group.workers]);
    for (const group of this.groups.values())
      for (const wake of group.waiting.splice(0)) wake(undefined);
    await Promise.all(workers.map((worker) => worker.kill()));
  }

  private group(fn: FunctionVersion): Group {
    const key = groupKey(fn);
    let group = this.groups.get(key);
    if (!group) {
      group = { fn, workers: new Set(), idle: [], waiting: [], active: 0 };
      this.groups.set(key, group);
    }
    return group;
  }

  private async acquire(group: Group, requestId: string, signal?: AbortSignal): Promise<Worker> {
    for (;;) {
      if (this.closed) throw new Error("The function pool is closed.");
      signal?.throwIfAborted();
      const idle = group.idle.pop();
      if (idle?.isAlive) return idle;
      if (idle) continue;
      if (group.workers.size < (this.options.maxWorkersPerFunction ?? 4))
        return this.spawn(group, requestId);
      const handed = await this.wait(group, signal);
      if (handed) return handed;
    }
  }

  private async spawn(group: Group, requestId: string): Promise<Worker> {
    const worker = new Worker(group.fn, this.options);
    group.workers.add(worker);
    worker.onExit = () => this.forget(group, worker);
    try {
      await worker.start(requestId);
      return worker;
    } catch (error) {
      await worker.kill();
      throw error;
    }
  }

  private wait(group: Group, signal?: AbortSignal): Promise<Worker | undefined> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = group.waiting.indexOf(wake);
        if (index >= 0) group.waiting.splice(index, 1);
        reject(signal?.reason);
      };
      const wake = (worker: Worker | undefined) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(worker);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      group.waiting.push(wake);
    });
  }

  private release(group: Group, worker: Worker): void {
    if (!worker.isAlive || this.closed) return;
    const next = group.waiting.shift();
    if (next) next(worker);
    else group.idle.push(worker);
  }

  /** A worker's process exited: drop it and let the first caller in line start another. */
  private forget(group: Group, worker: Worker): void {
    group.workers.delete(worker);
    const index = group.idle.indexOf(worker);
    if (index >= 0) group.idle.splice(index, 1);
    group.waiting.shift()?.(undefined);
    this.dropIfUnused(group);
  }

  private dropIfUnused(group: Group): void {
    if (group.workers.size === 0 && group.active === 0) this.groups.delete(groupKey(group.fn));
  }

  private reap(idleMs: number): void {
    const cutoff = performance.now() - idleMs;
    for (const group of this.groups.values()) {
      for (const worker of group.idle.filter((candidate) => candidate.lastUsed < cutoff)) {
        group.idle.splice(group.idle.indexOf(worker), 1);
        void worker.kill();
      }
    }
  }
}

/**
 * The processes of one version's code. The hash is part of it: a function deleted and
 * deployed again (on any node) restarts at version 1 with other code.
 */
function groupKey(fn: FunctionVersion): string {
  return `${fn.name}:${fn.version}:${fn.codeSha256}`;
}
