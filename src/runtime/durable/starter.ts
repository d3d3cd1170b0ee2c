/**
 * Starting executions: which definition an ARN (machine, version or alias) names, the
 * execution's ARN and first event, and the same for nested executions started by a Task.
 */
import type { Json } from "../../asl/json.js";
import { startFrame } from "../../evaluator/index.js";
import type { Entropy } from "../../kernel/entropy.js";
import { timeOrderedId } from "../../kernel/time-ordered-id.js";
import type { StatusEventRecord } from "../../store/events-port.js";
import type {
  ExecutionRecord,
  NewExecution,
  StateMachineType,
  WorkflowStore,
} from "../../store/workflows-port.js";
import { TaskFailure } from "../task-dispatcher.js";
import { ServiceError } from "./errors.js";
import type { MachineCache } from "./machine-cache.js";
import { type ExecutionSnapshot, initialSnapshot } from "./snapshot.js";

/** What an ARN resolved to. */
export interface ResolvedMachine {
  stateMachineArn: string;
  name: string;
  type: StateMachineType;
  definition: string;
  roleArn: string;
  /** The version or alias ARN, when the caller named one. */
  qualifiedArn?: string;
  /** The machine's tags (team and unit tags decide what a start is charged). */
  tags?: Record<string, string>;
}

interface StarterConfig {
  region: string;
  account: string;
  entropy: Entropy;
  payloadLimitBytes: number | undefined;
  /** The RUNNING status event a stored execution starts with, if one is wanted. */
  statusEventOf?: (record: ExecutionRecord) => StatusEventRecord | undefined;
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** Builds and starts executions. */
export class ExecutionStarter {
  constructor(
    private readonly store: WorkflowStore,
    private readonly machines: MachineCache,
    private readonly config: StarterConfig,
  ) {}

  /** Resolves a state machine, version (`…:machine:3`) or alias (`…:machine:prod`) ARN. */
  async resolve(arn: string): Promise<ResolvedMachine> {
    const parts = arn.split(":");
    if (parts.length < 7 || parts[0] !== "arn" || parts[5] !== "stateMachine") {
      throw new ServiceError("InvalidArn", `Invalid Arn: '${arn}'`);
    }
    const base = parts.slice(0, 7).join(":");
    const machine = await this.store.getStateMachine(base);
    if (!machine)
      throw new ServiceError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
    const resolved: ResolvedMachine = {
      stateMachineArn: base,
      name: machine.name,
      type: machine.type,
      definition: machine.definition,
      roleArn: machine.roleArn,
      ...(machine.tags && { tags: machine.tags }),
    };
    if (parts.length === 7) return resolved;
    const qualifier = parts[7];
    const versionArn = /^\d+$/.test(qualifier) ? arn : await this.routeAlias(arn);
    const version = await this.store.getVersion(versionArn);
    if (!version)
      throw new ServiceError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
    return {
      ...resolved,
      definition: version.definition,
      roleArn: version.roleArn,
      qualifiedArn: arn,
    };
  }

  /** Picks a version of an alias by its routing weights. */
  private async routeAlias(aliasArn: string): Promise<string> {
    const alias = await this.store.getAlias(aliasArn);
    if (!alias)
      throw new ServiceError(
        "StateMachineDoesNotExist",
        `State Machine Does Not Exist: '${aliasArn}'`,
      );
    let pick = this.config.entropy.random() * 100;
    for (const route of alias.routing) {
      pick -= route.weight;
      if (pick < 0) return route.stateMachineVersionArn;
    }
    return alias.routing[alias.routing.length - 1].stateMachineVersionArn;
  }

  /** The new execution (record, runtime state, ExecutionStarted) of `machine` on `input`. */
  build(
    machine: ResolvedMachine,
    name: string | undefined,
    input: Json,
    now: number,
    parent?: ExecutionSnapshot["parent"],
  ): NewExecution {
    // A generated name grows with time, so the ARN index appends (see time-ordered-id.ts).
    const executionName = name ?? timeOrderedId(now);
    if (!NAME.test(executionName))
      throw new ServiceError("InvalidName", `Invalid Name: '${executionName}'`);
    const inputText = JSON.stringify(input);
    const limit = this.config.payloadLimitBytes;
    if (limit !== undefined && Buffer.byteLength(inputText) > limit) {
      throw new ServiceError(
        "InvalidExecutionInput",
        `Execution input is larger than the ${limit} byte limit.`,
      );
    }
    // Express executions have their own ARN shape on AWS: …:express:<machine>:<name>:<id>.
    const arn =
      machine.type === "EXPRESS"
        ? `arn:aws:states:${this.config.region}:${this.config.account}:express:${machine.name}:${executionName}:${this.config.entropy.uuid()}`
        : `arn:aws:states:${this.config.region}:${this.config.account}:execution:${machine.name}:${executionName}`;
    const record: ExecutionRecord = {
      arn,
      stateMachineArn: machine.stateMachineArn,
      name: executionName,
      status: "RUNNING",
      input: inputText,
      definition: machine.definition,
      roleArn: machine.roleArn,
      startedAt: now,
      redriveCount: 0,
    };
    if (machine.qualifiedArn) record.qualifiedArn = machine.qualifiedArn;
    if (parent) record.parentTaskToken = parent.token;
    const snapshot = initialSnapshot(startFrame(this.machines.get(machine.definition), input));
    if (parent) snapshot.parent = parent;
    const details: Record<string, Json> = {
      input,
      roleArn: machine.roleArn,
      stateMachineArn: machine.qualifiedArn ?? machine.stateMachineArn,
    };
    const execution: NewExecution = {
      record,
      state: JSON.stringify(snapshot),
      events: [{ id: 1, previousEventId: 0, type: "ExecutionStarted", timestamp: now, details }],
    };
    // Express executions are not stored: they publish no status events.
    const statusEvent =
      machine.type === "EXPRESS" ? undefined : this.config.statusEventOf?.(record);
    if (statusEvent) execution.statusEvent = statusEvent;
    return execution;
  }

  /** A nested execution for `states:startExecution`; failures are task failures. */
  async prepare(
    start: { stateMachineArn: string; input: Json; name?: string },
    parent: ExecutionSnapshot["parent"],
    now: number,
  ): Promise<NewExecution> {
    try {
      return this.build(
        await this.resolve(start.stateMachineArn),
        start.name,
        start.input,
        now,
        parent,
      );
    } catch (error) {
      if (error instanceof ServiceError)
        throw new TaskFailure(`StepFunctions.${error.code}Exception`, error.message);
      throw error;
    }
  }
}
