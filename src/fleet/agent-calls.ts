/**
 * The server side of the agent protocol (protocol.ts) for an authenticated node: long polls
 * that hand out its invocations and cancellations, and its reports of start, output and end.
 * A node can only ever touch its own invocations.
 */
import type {
  FleetStore,
  InvocationStatusDetails,
  ManagedNodeRecord,
  NodeInfo,
  OutputStream,
} from "../store/fleet-port.js";
import type { CommandService, FleetContext } from "./commands.js";
import { FleetError } from "./errors.js";
import { isUuid } from "./ids.js";
import {
  type AgentInvocation,
  type FinishRequest,
  INLINE_OUTPUT_BYTES,
  MAX_POLL_WAIT_SECONDS,
  type OutputResponse,
  type PollResponse,
  type StartResponse,
} from "./protocol.js";
import { commandControl } from "./rate-control.js";

/** A delivered invocation the node never acknowledged is handed out again after this. */
const REDELIVER_AFTER_MS = 60_000;
/** Invocations handed out per poll. */
const DELIVERIES_PER_POLL = 16;
/**
 * A heartbeat is stored at most this often per node: every poll is one, but storing each
 * would cost a commit per idle agent every 20 s. Well inside ONLINE_WINDOW_MS with a poll's wait.
 */
const PING_WRITE_INTERVAL_MS = 45_000;

const FINISH_STATUSES: Record<FinishRequest["status"], InvocationStatusDetails[]> = {
  Success: ["Success"],
  Failed: ["Failed", "InvalidPlatform"],
  TimedOut: ["ExecutionTimedOut"],
  Cancelled: ["Cancelled"],
};

/** The agent endpoint's operations. */
export class AgentCalls {
  private readonly lastPing = new Map<string, number>();

  constructor(
    private readonly fleet: FleetContext,
    private readonly commands: CommandService,
  ) {}

  private get store(): FleetStore {
    return this.fleet.store;
  }

  /** A long poll: returns once the node has work or cancellations, or after `waitSeconds`. */
  async poll(
    node: ManagedNodeRecord,
    waitSeconds: number,
    info: NodeInfo | undefined,
    signal?: AbortSignal,
  ): Promise<PollResponse> {
    const { clock, hub } = this.fleet;
    const now = clock.now();
    if (info || now - (this.lastPing.get(node.id) ?? 0) >= PING_WRITE_INTERVAL_MS) {
      await this.store.recordPing(node.id, now, info);
      this.lastPing.set(node.id, now);
    }
    const wait = Math.min(Math.max(0, waitSeconds), MAX_POLL_WAIT_SECONDS) * 1000;
    const deadline = now + wait;
    for (;;) {
      const subscription = hub.subscribe(node.id);
      try {
        const response = await this.collect(node);
        if (response.invocations.length > 0 || response.cancel.length > 0) return response;
        if (clock.now() >= deadline || signal?.aborted || hub.closed) return response;
        const timer = new AbortController();
        const stop = () => timer.abort();
        signal?.addEventListener("abort", stop, { once: true });
        await Promise.race([
          subscription.woken,
          clock.sleepUntil(deadline, timer.signal).catch(() => undefined),
        ]);
        timer.abort();
        signal?.removeEventListener("abort", stop);
      } finally {
        subscription.close();
      }
    }
  }

  /** What the node should run or stop now. */
  private async collect(node: ManagedNodeRecord): Promise<PollResponse> {
    const now = this.fleet.clock.now();
    const deliveries = await this.store.claimInvocations(
      node.id,
      now,
      now - REDELIVER_AFTER_MS,
      DELIVERIES_PER_POLL,
    );
    const invocations: AgentInvocation[] = [];
    for (const { command } of deliveries) {
      try {
        const plugins = await this.fleet.documents.compile(
          command,
          node.info?.platformType ?? "Linux",
        );
        invocations.push({
          commandId: command.id,
          documentName: command.documentName,
          plugins,
          outputCapBytes: this.fleet.outputCapBytes,
        });
      } catch (error) {
        const unsupported = error instanceof FleetError && error.code === "UnsupportedPlatformType";
        const change = await this.store.finishInvocation(
          command.id,
          node.id,
          {
            status: "Failed",
            statusDetails: unsupported ? "InvalidPlatform" : "Failed",
            responseCode: -1,
            endedAt: now,
          },
          commandControl,
        );
        if (!unsupported) {
          const reason = error instanceof Error ? error.message : String(error);
          await this.store.appendOutput(
            command.id,
            node.id,
            "stderr",
            0,
            Buffer.from(`opsflow could not prepare the command for this node: ${reason}\n`),
            this.fleet.outputCapBytes,
          );
        }
        if (change) await this.commands.applied(change);
      }
    }
    const cancel = (await this.store.cancellationsFor(node.id)).map((inv) => inv.commandId);
    return { invocations, cancel };
  }

  /** The node recorded the invocation as started and asks whether to run it. */
  async start(node: ManagedNodeRecord, commandId: string): Promise<StartResponse> {
    const now = this.fleet.clock.now();
    const invocation = await this.store.startInvocation(this.checkId(commandId), node.id, now);
    if (!invocation) throw this.notYours(node, commandId);
    if (invocation.phase === "done") return { action: "stop" };
    if (invocation.cancelRequested) {
      const change = await this.store.finishInvocation(
        commandId,
        node.id,
        { status: "Cancelled", statusDetails: "Cancelled", responseCode: -1, endedAt: now },
        commandControl,
      );
      if (change) await this.commands.applied(change);
      return { action: "stop" };
    }
    return { action: "run" };
  }

  /** A chunk of output at `offset`. */
  async output(
    node: ManagedNodeRecord,
    commandId: string,
    stream: OutputStream,
    offset: number,
    data: Uint8Array,
  ): Promise<OutputResponse> {
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new FleetError("ValidationException", "offset must be a whole number of bytes ≥ 0.");
    const stored = await this.store.appendOutput(
      this.checkId(commandId),
      node.id,
      stream,
      offset,
      data,
      this.fleet.outputCapBytes,
    );
    if (!stored) throw this.notYours(node, commandId);
    return stored;
  }

  /** The node's report of how the invocation ended (idempotent). */
  async finish(node: ManagedNodeRecord, commandId: string, report: FinishRequest): Promise<void> {
    const allowed = FINISH_STATUSES[report?.status];
    if (!allowed?.includes(report.statusDetails) || !Number.isInteger(report.responseCode))
      throw new FleetError(
        "ValidationException",
        "finish needs status Success|Failed|TimedOut|Cancelled, matching statusDetails and an integer responseCode.",
      );
    const now = this.fleet.clock.now();
    await this.storeInlineOutput(node, this.checkId(commandId), report.output);
    if (report.reason) {
      const invocation = await this.store.getInvocation(this.checkId(commandId), node.id);
      if (invocation && invocation.phase !== "done")
        await this.store.appendOutput(
          commandId,
          node.id,
          "stderr",
          invocation.stderrBytes,
          Buffer.from(`\n${report.reason}\n`),
          this.fleet.outputCapBytes,
        );
    }
    const change = await this.store.finishInvocation(
      this.checkId(commandId),
      node.id,
      {
        status: report.status,
        statusDetails: report.statusDetails,
        responseCode: report.responseCode,
        endedAt: now,
      },
      commandControl,
    );
    if (!change) throw this.notYours(node, commandId);
    await this.commands.applied(change);
  }

  /**
   * Stores the output a finish report carries. A gap (the server holds less than the report
   * starts from, e.g. restored from a backup) refuses the report with the sizes held, so the
   * agent uploads from there and reports again; nothing is finished meanwhile.
   */
  private async storeInlineOutput(
    node: ManagedNodeRecord,
    commandId: string,
    output: FinishRequest["output"],
  ): Promise<void> {
    if (output === undefined) return;
    if (typeof output !== "object" || output === null)
      throw new FleetError("ValidationException", "finish output must be {stdout?, stderr?}.");
    let total = 0;
    for (const stream of ["stdout", "stderr"] as const) {
      const part = output[stream];
      if (part === undefined) continue;
      if (!Number.isSafeInteger(part?.offset) || part.offset < 0 || typeof part.data !== "string")
        throw new FleetError(
          "ValidationException",
          `finish output.${stream} must be {offset, data (base64)}.`,
        );
      const data = Buffer.from(part.data, "base64");
      total += data.length;
      if (total > INLINE_OUTPUT_BYTES)
        throw new FleetError(
          "ValidationException",
          `finish carries at most ${INLINE_OUTPUT_BYTES} bytes of output; upload the rest first.`,
        );
      const stored = await this.output(node, commandId, stream, part.offset, data);
      if (stored.size < part.offset + data.length && !stored.truncated)
        throw new FleetError(
          "OutputGap",
          `The server holds ${stored.size} bytes of ${stream}: upload from there, then report again.`,
        );
    }
  }

  private checkId(commandId: string): string {
    if (!isUuid(commandId))
      throw new FleetError("ValidationException", `'${commandId}' is not a command id.`);
    return commandId;
  }

  private notYours(node: ManagedNodeRecord, commandId: string): FleetError {
    return new FleetError("AgentForbidden", `Command ${commandId} was not sent to ${node.id}.`);
  }
}
