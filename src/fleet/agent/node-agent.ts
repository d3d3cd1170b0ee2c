/**
 * `opsflow agent run`: the long-poll loop and the life of each invocation on this node.
 *
 * - Connects out only; reconnects with full-jitter back-off after network errors and 5xx.
 * - Each invocation is recorded on disk before the server is told it started, so it runs at
 *   most once; its result is written to disk before it is sent and kept until acknowledged.
 * - On start it settles what a previous run left: records still `started` (the agent died
 *   mid-command) are reported Failed; `reboot-pending` ones run again from the plugin that
 *   asked for the reboot; pending reports are sent.
 * - A 401/403 (the node was deregistered) stops the agent with `AgentError` `Unauthorized`.
 */
import { spawn } from "node:child_process";
import type { Clock } from "../../kernel/clock.js";
import type { NodeInfo } from "../../store/fleet-port.js";
import {
  type AgentInvocation,
  type FinishRequest,
  INLINE_OUTPUT_BYTES,
  type PollResponse,
} from "../protocol.js";
import type { AgentClient } from "./agent-client.js";
import { Backoff, type Sleep } from "./backoff.js";
import { AgentError } from "./errors.js";
import { executeInvocation } from "./executor.js";
import type { InvocationRecords } from "./invocation-records.js";
import { OutputUploader } from "./output-upload.js";
import { bootId, killProcessGroup, processGroupAlive } from "./process-group.js";
import { recoveryPlan } from "./recovery.js";

/** What the agent needs; everything with time or chance in it is injected. */
export interface NodeAgentSettings {
  client: AgentClient;
  records: InvocationRecords;
  clock: Clock;
  random: () => number;
  sleep: Sleep;
  /** Shell command that reboots the host. */
  rebootCommand: string;
  /** aws:updateSsmAgent's install command (`{version}` is replaced); npm unless given. */
  updateCommand?: string;
  collectInfo(): NodeInfo;
  agentVersion: string;
  log(line: string): void;
  /** How long the server may hold a poll (20 s unless given). */
  waitSeconds?: number;
  /** How often running output is sent (5 s unless given). */
  uploadIntervalMs?: number;
}

/** Reported records are forgotten after this long. */
const RECORD_RETENTION_MS = 30 * 24 * 3600 * 1000;

/** How `run` ended (a deregistered node throws instead). */
export type AgentEnd = "stopped" | "rebooted" | "updated";

/** The agent of one registered node. */
export class NodeAgent {
  private readonly stopping = new AbortController();
  private readonly running = new Map<string, AbortController>();
  private readonly reporting = new Set<string>();
  private readonly tasks = new Set<Promise<void>>();
  private fatal: AgentError | undefined;
  private rebooted = false;
  private updated = false;

  constructor(private readonly settings: NodeAgentSettings) {}

  /** Runs until `stop`, a reboot, or deregistration (throws AgentError `Unauthorized`). */
  async run(): Promise<AgentEnd> {
    this.recover();
    const backoff = this.backoff();
    let sentInfo: string | undefined;
    while (!this.stopping.signal.aborted) {
      const info = this.settings.collectInfo();
      const infoText = JSON.stringify(info);
      try {
        const answer = await this.settings.client.poll(
          { waitSeconds: this.settings.waitSeconds ?? 20, ...(infoText !== sentInfo && { info }) },
          this.stopping.signal,
        );
        sentInfo = infoText;
        backoff.reset();
        this.handle(answer);
      } catch (error) {
        if (this.stopping.signal.aborted) break;
        if (error instanceof AgentError && error.code === "Unauthorized") {
          this.fail(error);
          break;
        }
        this.settings.log(`poll failed (${(error as Error).message}); retrying`);
        await backoff.wait(this.stopping.signal).catch(() => undefined);
      }
    }
    await Promise.allSettled([...this.tasks]);
    if (this.fatal) throw this.fatal;
    return this.rebooted ? "rebooted" : this.updated ? "updated" : "stopped";
  }

  /** Stops polling and kills running commands (their records stay: the next start reports them). */
  stop(): void {
    this.stopping.abort(new Error("the agent is stopping"));
    for (const cancel of this.running.values()) cancel.abort();
  }

  private handle(answer: PollResponse): void {
    for (const commandId of answer.cancel ?? []) {
      const cancel = this.running.get(commandId);
      if (cancel) {
        this.settings.log(`cancelling command ${commandId}`);
        cancel.abort();
      }
    }
    for (const invocation of answer.invocations ?? []) {
      try {
        this.accept(invocation);
      } catch (error) {
        // One bad invocation (an unusable id, a full disk) must not lose the others.
        this.settings.log(
          `cannot take command ${invocation.commandId}: ${(error as Error).message}`,
        );
      }
    }
  }

  /** A delivered invocation: run it unless it was recorded before (at most once). */
  private accept(invocation: AgentInvocation): void {
    const { records } = this.settings;
    const id = invocation.commandId;
    if (this.running.has(id)) return;
    if (!records.create(invocation)) {
      if (records.readPending(id)) this.spawn(() => this.report(id));
      return;
    }
    this.settings.log(`received command ${id} (${invocation.documentName})`);
    this.spawn(() => this.begin(invocation));
  }

  private async begin(invocation: AgentInvocation): Promise<void> {
    const id = invocation.commandId;
    const backoff = this.backoff();
    for (;;) {
      try {
        const answer = await this.settings.client.start(id);
        if (answer.action === "stop") {
          this.settings.records.update(id, { state: "stopped" });
          this.settings.log(`command ${id} ended on the server before it started; not running it`);
          return;
        }
        break;
      } catch (error) {
        if (!(await this.retryable(error, backoff, `start of ${id}`))) {
          if (error instanceof AgentError && error.code === "Rejected")
            this.settings.records.update(id, { state: "stopped" });
          return;
        }
      }
    }
    await this.execute(invocation, 0);
  }

  private async execute(invocation: AgentInvocation, startPluginIndex: number): Promise<void> {
    const { records, clock } = this.settings;
    const id = invocation.commandId;
    const cancel = new AbortController();
    this.running.set(id, cancel);
    const uploader = new OutputUploader(
      (...args) => this.settings.client.output(...args),
      id,
      records.folder(id),
    );
    const uploading = new AbortController();
    const periodic = this.uploadWhileRunning(uploader, uploading.signal);
    let result: Awaited<ReturnType<typeof executeInvocation>>;
    try {
      result = await executeInvocation({
        invocation,
        folder: records.folder(id),
        startPluginIndex,
        clock,
        cancel: cancel.signal,
        agentVersion: this.settings.agentVersion,
        ...(this.settings.updateCommand && { updateCommand: this.settings.updateCommand }),
        onProcessGroup: (group) =>
          records.update(id, {
            processGroup: group,
            processGroupBoot: group ? bootId() : undefined,
          }),
      });
    } finally {
      this.running.delete(id);
      uploading.abort();
      await periodic;
    }
    // Stopping killed it: leave the record `started`, the next start reports it.
    if (this.stopping.signal.aborted) return;
    if (result.kind === "reboot") {
      records.update(id, { state: "reboot-pending", rebootPluginIndex: result.pluginIndex });
      await this.reboot(id);
      return;
    }
    this.settings.log(
      `command ${id} ended ${result.report.status} (exit code ${result.report.responseCode})`,
    );
    await this.finish(id, result.report, uploader);
    if (result.restart) {
      // A new version is installed: stop, so the service manager starts it.
      this.settings.log(`command ${id} installed a new agent version: stopping to restart with it`);
      this.updated = true;
      this.stop();
    }
  }

  private async uploadWhileRunning(uploader: OutputUploader, done: AbortSignal): Promise<void> {
    const { clock } = this.settings;
    const interval = this.settings.uploadIntervalMs ?? 5000;
    while (!done.aborted) {
      try {
        await clock.sleepUntil(clock.now() + interval, done);
        await uploader.flush();
      } catch {
        // Unreachable now: the spool keeps it, the final upload retries.
      }
    }
  }

  /** Writes the report to disk (pending), then sends output and report until acknowledged. */
  private async finish(
    id: string,
    report: FinishRequest,
    uploader?: OutputUploader,
  ): Promise<void> {
    this.settings.records.writePending(id, report);
    this.settings.records.update(id, {
      state: "finished",
      result: report,
      processGroup: undefined,
    });
    await this.report(id, uploader);
  }

  private async report(id: string, uploader?: OutputUploader): Promise<void> {
    const { records, client } = this.settings;
    if (this.reporting.has(id)) return;
    this.reporting.add(id);
    const sender =
      uploader ?? new OutputUploader((...args) => client.output(...args), id, records.folder(id));
    const backoff = this.backoff();
    // Small output rides in the report itself, unless the server said it holds less than
    // that output starts from (409): then everything is uploaded first.
    let inline = true;
    try {
      for (;;) {
        const report = records.readPending(id);
        if (!report) return;
        try {
          const output = inline ? await sender.tail(INLINE_OUTPUT_BYTES) : undefined;
          if (!output) await sender.flush();
          await client.finish(id, output ? { ...report, output } : report);
          records.update(id, { state: "reported" });
          records.removePending(id);
          return;
        } catch (error) {
          if (error instanceof AgentError && error.status === 409 && inline) {
            inline = false;
            continue;
          }
          if (!(await this.retryable(error, backoff, `report of ${id}`))) {
            if (error instanceof AgentError && error.code === "Rejected") {
              // The server will never take it (it no longer knows the command): stop trying.
              records.removePending(id);
              records.update(id, { state: "reported" });
            }
            return;
          }
        }
      }
    } finally {
      this.reporting.delete(id);
    }
  }

  /**
   * After a failed call: true when it is worth trying again (after the back-off); false when
   * not (refused for good, deregistered, or the agent is stopping).
   */
  private async retryable(error: unknown, backoff: Backoff, what: string): Promise<boolean> {
    if (this.stopping.signal.aborted) return false;
    if (!(error instanceof AgentError)) {
      this.settings.log(`${what} failed: ${(error as Error).stack ?? error}`);
      return false;
    }
    if (error.code === "Unauthorized") {
      this.fail(error);
      return false;
    }
    if (!error.transient) {
      this.settings.log(`${what} refused by the server (${error.message}); giving up on it`);
      return false;
    }
    this.settings.log(`${what} failed (${error.message}); retrying`);
    try {
      await backoff.wait(this.stopping.signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Settles what the previous run of the agent left behind. */
  private recover(): void {
    const { records, clock, log } = this.settings;
    records.prune(clock.now() - RECORD_RETENTION_MS);
    const restartedAt = new Date(clock.now()).toISOString();
    const plan = recoveryPlan(
      records.list(),
      (id) => records.readPending(id) !== undefined,
      restartedAt,
      bootId(),
    );
    for (const action of plan) {
      if (action.kind === "report-interrupted") {
        // A process group that outlived the agent can no longer be watched: end it.
        if (action.orphanGroup !== undefined && processGroupAlive(action.orphanGroup))
          killProcessGroup(action.orphanGroup);
        log(`command ${action.commandId} was running when the agent stopped: reporting it Failed`);
        this.spawn(() => this.finish(action.commandId, action.report));
      } else if (action.kind === "rerun") {
        const id = action.invocation.commandId;
        log(`command ${id} continues after the reboot (plugin ${action.pluginIndex + 1})`);
        records.update(id, { state: "started" });
        this.spawn(() => this.execute(action.invocation, action.pluginIndex));
      } else {
        this.spawn(() => this.report(action.commandId));
      }
    }
  }

  /** Runs the reboot command, then stops taking work (a real reboot ends the process anyway). */
  private async reboot(id: string): Promise<void> {
    if (this.rebooted) return;
    this.rebooted = true;
    this.settings.log(`command ${id} asked for a reboot: running '${this.settings.rebootCommand}'`);
    await new Promise<void>((done) => {
      const child = spawn(this.settings.rebootCommand, { shell: true, stdio: "ignore" });
      child.on("error", (error) => {
        this.settings.log(`the reboot command failed: ${error.message}`);
        done();
      });
      child.on("exit", () => done());
    });
    this.stop();
  }

  private fail(error: AgentError): void {
    this.fatal ??= error;
    this.stop();
  }

  private backoff(): Backoff {
    return new Backoff({ random: this.settings.random, sleep: this.settings.sleep });
  }

  private spawn(task: () => Promise<void>): void {
    const running: Promise<void> = task()
      .catch((error) => this.settings.log(`internal error: ${(error as Error).stack ?? error}`))
      .finally(() => this.tasks.delete(running));
    this.tasks.add(running);
  }
}
