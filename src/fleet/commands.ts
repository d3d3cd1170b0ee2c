/**
 * Run Command: SendCommand stores the command and one invocation per target node before it
 * answers, releases the first ones under MaxConcurrency, and wakes their agents; the agents'
 * reports (agent-calls.ts) settle invocations and release the next. Listing, output and
 * cancellation read and change the same records, so every server node sharing the database
 * sees one state.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../kernel/clock.js";
import type {
  CommandChange,
  CommandFilter,
  CommandRecord,
  FleetStore,
  InvocationFilter,
  InvocationRecord,
  OutputStream,
} from "../store/fleet-port.js";
import type { Page, PageRequest } from "../store/paging.js";
import type { CommandDocuments } from "./command-documents.js";
import { type CommandPublisher, publishChange, publishSent } from "./command-events.js";
import { awaitsSettlement, type SettleTask, settleWaiter } from "./command-waiters.js";
import type { DeliveryHub } from "./delivery-hub.js";
import { FleetError } from "./errors.js";
import { isUuid } from "./ids.js";
import { commandControl, resolveLimit } from "./rate-control.js";
import { resolveTargets, type Target } from "./targets.js";

/** What SendCommand asks for. */
export interface SendCommandRequest {
  documentName: string;
  documentVersion?: string;
  instanceIds?: string[];
  targets?: Target[];
  parameters?: Record<string, string[]>;
  timeoutSeconds?: number;
  comment?: string;
  maxConcurrency?: string;
  maxErrors?: string;
  notification?: CommandRecord["notification"];
  serviceRoleArn?: string;
  /** The id to give the command (a workflow task's, so a re-run finds the command it sent). */
  commandId?: string;
  /** A workflow task waiting for the command to end. */
  taskToken?: string;
  /**
   * Checks that the caller may run the command on these nodes (those chosen by tag are known
   * only now); throws to refuse, before anything is stored.
   */
  authorizeNodes?: (instanceIds: string[]) => Promise<void>;
}

/** The settings of a fleet. */
export interface FleetContext {
  store: FleetStore;
  documents: CommandDocuments;
  hub: DeliveryHub;
  publisher: CommandPublisher;
  clock: Clock;
  region: string;
  account: string;
  /** Bytes of each output stream kept per invocation. */
  outputCapBytes: number;
  /** Tells this server node's SSH runner that SSH hosts have work. */
  sshWork?: () => void;
  /** Settles workflow tasks waiting for commands (opsflow:runCommand.sync). */
  settleTask?: SettleTask;
}

/** SSM's bounds on TimeoutSeconds, and its default. */
const MIN_TIMEOUT = 30;
const MAX_TIMEOUT = 2_592_000;
const DEFAULT_TIMEOUT = 3600;

/** Where GetCommandInvocation cuts output, as SSM does. */
export const OUTPUT_CONTENT_CHARS = 24_000;

/** Sending, listing and cancelling commands. */
export class CommandService {
  constructor(private readonly fleet: FleetContext) {}

  /** Stores the command and its invocations, then wakes the first nodes. */
  async send(request: SendCommandRequest, requestedBy: string): Promise<CommandRecord> {
    const { store, clock } = this.fleet;
    const timeoutSeconds = request.timeoutSeconds ?? DEFAULT_TIMEOUT;
    if (
      !Number.isInteger(timeoutSeconds) ||
      timeoutSeconds < MIN_TIMEOUT ||
      timeoutSeconds > MAX_TIMEOUT
    )
      throw new FleetError(
        "ValidationException",
        `TimeoutSeconds must be a whole number from ${MIN_TIMEOUT} to ${MAX_TIMEOUT}.`,
      );
    if ((request.comment?.length ?? 0) > 100)
      throw new FleetError("ValidationException", "Comment must be at most 100 characters.");
    const parameters = request.parameters ?? {};
    const prepared = await this.fleet.documents.prepare(
      request.documentName,
      request.documentVersion,
      parameters,
    );
    const nodes = await resolveTargets(store, request.instanceIds, request.targets);
    await request.authorizeNodes?.(nodes.map((node) => node.id));
    const maxConcurrency = request.maxConcurrency ?? "50";
    const maxErrors = request.maxErrors ?? "0";
    const concurrencyLimit = resolveLimit("MaxConcurrency", maxConcurrency, nodes.length);
    const errorLimit = resolveLimit("MaxErrors", maxErrors, nodes.length);
    const now = clock.now();
    const command: CommandRecord = {
      id: request.commandId ?? randomUUID(),
      documentName: prepared.documentName,
      documentVersion: prepared.documentVersion,
      documentContent: prepared.content,
      parameters,
      instanceIds: nodes.map((node) => node.id),
      targets: request.targets ?? [],
      comment: request.comment ?? "",
      requestedAt: now,
      expiresAfter: now + timeoutSeconds * 1000,
      timeoutSeconds,
      executionTimeoutSeconds: prepared.executionTimeoutSeconds,
      maxConcurrency,
      maxErrors,
      status: "Pending",
      statusDetails: "Pending",
      progress: {
        concurrencyLimit,
        errorLimit,
        targetCount: nodes.length,
        completedCount: 0,
        successCount: 0,
        errorCount: 0,
        deliveryTimedOutCount: 0,
        queuedCount: nodes.length,
        inFlightCount: 0,
        cancelRequested: false,
      },
      requestedBy,
      ...(request.notification && { notification: request.notification }),
      ...(request.serviceRoleArn && { serviceRoleArn: request.serviceRoleArn }),
      ...(request.taskToken && { waiter: { taskToken: request.taskToken, settled: false } }),
    };
    const invocations = nodes.map((node, ordinal) => ({
      instanceId: node.id,
      ordinal,
      instanceName: node.name ?? node.info?.computerName ?? "",
    }));
    const change = await store.createCommand(command, invocations, commandControl);
    this.fleet.hub.wake(change.wake);
    if (nodes.some((node) => node.connection.kind === "ssh")) this.fleet.sshWork?.();
    await publishSent(this.fleet.publisher, change.command, this.fleet.region, this.fleet.account);
    // A command that ends at once (no node matched) settles its waiting task now.
    if (this.fleet.settleTask && awaitsSettlement(change.command))
      await settleWaiter(change.command, store, this, this.fleet.settleTask);
    return change.command;
  }

  async get(commandId: string): Promise<CommandRecord> {
    const command = isUuid(commandId) ? await this.fleet.store.getCommand(commandId) : undefined;
    if (!command) throw new FleetError("InvalidCommandId", `Command ${commandId} does not exist.`);
    return command;
  }

  list(filter: CommandFilter, page: PageRequest): Promise<Page<CommandRecord>> {
    if (filter.commandId !== undefined && !isUuid(filter.commandId))
      throw new FleetError("InvalidCommandId", `Command ${filter.commandId} does not exist.`);
    return this.fleet.store.listCommands(filter, page);
  }

  listInvocations(filter: InvocationFilter, page: PageRequest): Promise<Page<InvocationRecord>> {
    if (filter.commandId !== undefined && !isUuid(filter.commandId))
      throw new FleetError("InvalidCommandId", `Command ${filter.commandId} does not exist.`);
    return this.fleet.store.listInvocations(filter, page);
  }

  /** One node's invocation of a command. */
  async invocation(commandId: string, instanceId: string): Promise<InvocationRecord> {
    await this.get(commandId);
    const invocation = await this.fleet.store.getInvocation(commandId, instanceId);
    if (!invocation)
      throw new FleetError(
        "InvocationDoesNotExist",
        `Command ${commandId} was not sent to ${instanceId}.`,
      );
    return invocation;
  }

  /** The first OUTPUT_CONTENT_CHARS characters of a stream, as GetCommandInvocation shows it. */
  async outputContent(invocation: InvocationRecord, stream: OutputStream): Promise<string> {
    // A character is at most 4 bytes of UTF-8.
    const bytes = await this.fleet.store.readOutput(
      invocation.commandId,
      invocation.instanceId,
      stream,
      0,
      OUTPUT_CONTENT_CHARS * 4,
    );
    return [...Buffer.from(bytes).toString("utf8")].slice(0, OUTPUT_CONTENT_CHARS).join("");
  }

  /** A slice of a stream's full output. */
  readOutput(
    invocation: InvocationRecord,
    stream: OutputStream,
    offset: number,
    length: number,
  ): Promise<Uint8Array> {
    return this.fleet.store.readOutput(
      invocation.commandId,
      invocation.instanceId,
      stream,
      offset,
      length,
    );
  }

  /** Cancels the command on `instanceIds` (all its nodes when undefined). */
  async cancel(commandId: string, instanceIds?: string[]): Promise<void> {
    const command = await this.get(commandId);
    if (instanceIds) {
      if (new Set(instanceIds).size !== instanceIds.length)
        throw new FleetError("DuplicateInstanceId", "InstanceIds names a node twice.");
      const unknown = instanceIds.find((id) => !command.instanceIds.includes(id));
      if (unknown)
        throw new FleetError(
          "InvalidInstanceId",
          `Command ${commandId} was not sent to ${unknown}.`,
        );
    }
    const change = await this.fleet.store.cancelCommand(
      commandId,
      instanceIds,
      this.fleet.clock.now(),
      commandControl,
    );
    if (change) await this.applied(change);
  }

  /** Wakes the nodes a change concerns and publishes what it changed. */
  async applied(change: CommandChange): Promise<void> {
    this.fleet.hub.wake(change.wake);
    await publishChange(
      this.fleet.publisher,
      change,
      this.fleet.region,
      this.fleet.account,
      this.fleet.clock.now(),
    );
    if (this.fleet.settleTask && awaitsSettlement(change.command))
      await settleWaiter(change.command, this.fleet.store, this, this.fleet.settleTask);
  }
}
