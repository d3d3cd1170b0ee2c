/**
 * What the agent remembers of each invocation, one folder per command id under
 * `invocations/`: record.json (the invocation and where it is), the output spools, the
 * scripts, and pending-report.json while a finish report waits for the server's
 * acknowledgement. record.json is written (fsynced) before the agent tells the server it
 * started, so an invocation delivered twice never runs twice, and a crash at any point leaves
 * a record the next start can act on.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { AgentInvocation, FinishRequest } from "../protocol.js";
import { writeDurably } from "./durable-file.js";

/**
 * `started`: recorded, running or about to; `reboot-pending`: a plugin asked for a reboot and
 * runs again (with the rest) on the next start; `finished`: ended, report pending or sent;
 * `stopped`: the server said not to run it; `reported`: the server acknowledged the result.
 */
export type RecordState = "started" | "reboot-pending" | "finished" | "stopped" | "reported";

/** record.json. */
export interface InvocationRecordFile {
  invocation: AgentInvocation;
  state: RecordState;
  /** When the agent received it, ISO 8601. */
  receivedAt: string;
  updatedAt: string;
  /** The process group of the plugin running now: a live one outlived a crashed agent. */
  processGroup?: number;
  /** The host boot the process group belongs to (see process-group.ts bootId). */
  processGroupBoot?: string;
  /** reboot-pending: the plugin to run again first. */
  rebootPluginIndex?: number;
  /** finished and reported: the result. */
  result?: FinishRequest;
}

const RECORD = "record.json";
const PENDING = "pending-report.json";

/** The invocation records of one state directory. */
export class InvocationRecords {
  constructor(
    private readonly root: string,
    private readonly now: () => number,
  ) {}

  /** The invocation's folder (spools and scripts live there). */
  folder(commandId: string): string {
    // Command ids are UUIDs; anything else must not climb out of the records folder.
    if (!/^[A-Za-z0-9._-]+$/.test(commandId) || commandId.startsWith("."))
      throw new Error(`unusable command id '${commandId}'`);
    return join(this.root, commandId);
  }

  has(commandId: string): boolean {
    return existsSync(join(this.folder(commandId), RECORD));
  }

  /**
   * Records a newly received invocation as started, durably. False when it was recorded
   * before (it must not run again).
   */
  create(invocation: AgentInvocation): boolean {
    const folder = this.folder(invocation.commandId);
    if (existsSync(join(folder, RECORD))) return false;
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const at = new Date(this.now()).toISOString();
    this.write({ invocation, state: "started", receivedAt: at, updatedAt: at });
    return true;
  }

  read(commandId: string): InvocationRecordFile | undefined {
    try {
      return JSON.parse(
        readFileSync(join(this.folder(commandId), RECORD), "utf8"),
      ) as InvocationRecordFile;
    } catch {
      return undefined;
    }
  }

  /** Changes a record durably and returns it. */
  update(
    commandId: string,
    change: Partial<Omit<InvocationRecordFile, "invocation" | "receivedAt">>,
  ): InvocationRecordFile {
    const current = this.read(commandId);
    if (!current) throw new Error(`no record of command ${commandId}`);
    const next = { ...current, ...change, updatedAt: new Date(this.now()).toISOString() };
    // Once it will not run again, its scripts (parameter values, secrets among them) go.
    if (next.state !== "started" && next.state !== "reboot-pending")
      next.invocation = { ...next.invocation, plugins: [] };
    this.write(next);
    return next;
  }

  /** Every record, oldest first. */
  list(): InvocationRecordFile[] {
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch {
      return [];
    }
    return names
      .filter((name) => !name.startsWith("."))
      .map((name) => this.read(name))
      .filter((record): record is InvocationRecordFile => record !== undefined)
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }

  /** Stores the finish report before it is sent: it survives until the server acknowledges it. */
  writePending(commandId: string, report: FinishRequest): void {
    writeDurably(join(this.folder(commandId), PENDING), JSON.stringify(report));
  }

  readPending(commandId: string): FinishRequest | undefined {
    try {
      return JSON.parse(
        readFileSync(join(this.folder(commandId), PENDING), "utf8"),
      ) as FinishRequest;
    } catch {
      return undefined;
    }
  }

  /** The server acknowledged the report. */
  removePending(commandId: string): void {
    rmSync(join(this.folder(commandId), PENDING), { force: true });
  }

  /** Command ids with a report waiting for the server. */
  pendingReports(): string[] {
    return this.list()
      .map((record) => record.invocation.commandId)
      .filter((id) => existsSync(join(this.folder(id), PENDING)));
  }

  /**
   * Deletes folders of invocations reported (or stopped) before `beforeMs`: the server will
   * not deliver them again that long after they ended.
   */
  prune(beforeMs: number): number {
    let removed = 0;
    for (const record of this.list()) {
      const ended = record.state === "reported" || record.state === "stopped";
      if (ended && Date.parse(record.updatedAt) < beforeMs) {
        rmSync(this.folder(record.invocation.commandId), { recursive: true, force: true });
        removed += 1;
      }
    }
    return removed;
  }

  private write(record: InvocationRecordFile): void {
    writeDurably(join(this.folder(record.invocation.commandId), RECORD), JSON.stringify(record));
  }
}
