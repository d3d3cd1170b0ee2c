/**
 * The event bus service: buses, rules and targets (stored, then mirrored in the in-memory
 * registry the matchers run on), PutEvents with durable ingestion, dead letters, and the
 * delivery and schedule loops. The AWS endpoint, the REST API and the webhook sources all
 * call it.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../kernel/clock.js";
import { timeOrderedId } from "../../kernel/time-ordered-id.js";
import { StoreConflictError } from "../../store/errors.js";
import type {
  DeadLetterRecord,
  EventBusRecord,
  EventRuleRecord,
  EventStore,
  EventTarget,
  StatusEventRecord,
} from "../../store/events-port.js";
import type { Page, PageRequest } from "../../store/paging.js";
import type { WorkflowStore } from "../../store/workflows-port.js";
import type { EnvelopeContext, PutEventsRequestEntry } from "../envelope.js";
import { ArchiveRegistry } from "./archive-registry.js";
import { ArchiveRetentionLoop } from "./archive-retention.js";
import { ArchiveService } from "./archives.js";
import { type ArnScope, busArn, busNameOf, ruleArn } from "./arns.js";
import { ConfigurationReload } from "./configuration-reload.js";
import type { DeliveryPorts } from "./deliver.js";
import { DeliveryLoop } from "./delivery-loop.js";
import { DeliveryError, EventBusError, inserting } from "./errors.js";
import { EventRetentionLoop } from "./event-retention.js";
import { attachExecutionStarts } from "./execution-starts.js";
import {
  type IngestOptions,
  type IngestPlan,
  type PutEventsResult,
  planIngestion,
} from "./ingest.js";
import { type EventProbe, RuleRegistry } from "./registry.js";
import { ReplayLoop } from "./replay-loop.js";
import { ReplayService } from "./replays.js";
import type { BackoffOptions } from "./retry.js";
import { buildRule, checkRuleName, type PutRuleInput } from "./rules.js";
import { nextFireOf, ScheduleLoop } from "./schedule-loop.js";
import { planStatusEvents, StatusOutboxLoop } from "./status-outbox.js";
import { checkTarget, MAX_TARGETS_PER_RULE } from "./targets.js";

/** Options of the event bus service. */
export interface EventBusOptions extends ArnScope {
  store: WorkflowStore & EventStore;
  clock: Clock;
  /** Where deliveries go; to other buses, the bus itself unless `forwardToBus` is given. */
  ports: Omit<DeliveryPorts, "forwardToBus"> & Partial<Pick<DeliveryPorts, "forwardToBus">>;
  backoff?: BackoffOptions;
  log?: (message: string) => void;
  /** The prefix of this process's lease owners (its node's; see the engine's). */
  leaseOwnerPrefix?: string;
  /** Archived events a replay reads per transaction. */
  replayBatchSize?: number;
  /** How long accepted events are kept once no delivery needs them (a day unless given). */
  eventRetentionMs?: number;
  /** Events the retention loop deletes per transaction. */
  eventRetentionBatchSize?: number;
  /** Holds status events back this long before publishing them (crash tests only). */
  statusEventDelayMs?: number;
}

/** PutTargets' answer: the targets refused, each with its reason. */
export interface PutTargetsResult {
  FailedEntryCount: number;
  FailedEntries: { TargetId: string; ErrorCode: string; ErrorMessage: string }[];
}

const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;

/** EventBridge's refusal of DeleteEventBus, with what still uses the bus. */
function busInUse(name: string, users: { rules: string[]; archives: string[] }): EventBusError {
  // At most ten names each, so a bus with thousands of rules gets a readable message.
  const names = (list: string[]) =>
    list.length > 10
      ? `${list.slice(0, 10).join(", ")} and ${list.length - 10} more`
      : list.join(", ");
  const uses = [
    ...(users.rules.length > 0 ? [`rules ${names(users.rules)}`] : []),
    ...(users.archives.length > 0
      ? [`archives ${names(users.archives)} (their managed rules)`]
      : []),
  ];
  return new EventBusError(
    "ValidationException",
    `EventBus can't be deleted since it has rules. Event bus ${name} still has ${uses.join(" and ")}: delete them first.`,
  );
}

/** The event bus. */
export class EventBusService {
  readonly registry = new RuleRegistry();
  private readonly archiveRegistry = new ArchiveRegistry();
  /** Archives of the buses' events. */
  readonly archives: ArchiveService;
  /** Replays of archived events. */
  readonly replays: ReplayService;
  private readonly deliveries: DeliveryLoop;
  private readonly schedules: ScheduleLoop;
  private readonly replayLoop: ReplayLoop;
  private readonly retention: ArchiveRetentionLoop;
  private readonly eventRetention: EventRetentionLoop;
  private readonly statusOutbox: StatusOutboxLoop;
  private readonly configuration: ConfigurationReload;
  private readonly context: EnvelopeContext;
  private readonly ports: DeliveryPorts;

  constructor(private readonly options: EventBusOptions) {
    const log = options.log ?? ((text: string) => process.stderr.write(`${text}\n`));
    this.context = {
      // Ids that grow with time, as do the names of the executions they start.
      newId: () => timeOrderedId(options.clock.now()),
      now: () => new Date(options.clock.now()),
      account: options.account,
      region: options.region,
    };
    this.ports = {
      ...options.ports,
      forwardToBus:
        options.ports.forwardToBus ?? ((name, envelope) => this.forwardDelivery(name, envelope)),
    };
    this.deliveries = new DeliveryLoop({
      store: options.store,
      clock: options.clock,
      ports: this.ports,
      owner: `${options.leaseOwnerPrefix ?? ""}events-${randomUUID()}`,
      backoff: options.backoff,
      log,
    });
    this.schedules = new ScheduleLoop({
      store: options.store,
      clock: options.clock,
      registry: this.registry,
      context: this.context,
      onFired: () => this.deliveries.wake(),
      log,
    });
    const now = () => options.clock.now();
    const busExists = (name: string) => this.registry.hasBus(name);
    this.archives = new ArchiveService(
      options.store,
      this.archiveRegistry,
      options,
      now,
      busExists,
    );
    this.replayLoop = new ReplayLoop({
      store: options.store,
      clock: options.clock,
      registry: this.registry,
      onDeliveries: () => this.deliveries.wake(),
      log,
      ...(options.replayBatchSize !== undefined && { batchSize: options.replayBatchSize }),
    });
    this.replays = new ReplayService(
      options.store,
      options,
      now,
      { busExists, ruleExists: (bus, name) => this.registry.get(bus, name) !== undefined },
      () => this.replayLoop.wake(),
    );
    this.retention = new ArchiveRetentionLoop({ store: options.store, clock: options.clock, log });
    this.eventRetention = new EventRetentionLoop({
      store: options.store,
      clock: options.clock,
      log,
      ...(options.eventRetentionMs !== undefined && { retentionMs: options.eventRetentionMs }),
      ...(options.eventRetentionBatchSize !== undefined && {
        batchSize: options.eventRetentionBatchSize,
      }),
    });
    this.configuration = new ConfigurationReload({
      store: options.store,
      clock: options.clock,
      log,
      rules: this.registry,
      archives: this.archiveRegistry,
    });
    this.statusOutbox = new StatusOutboxLoop({
      store: options.store,
      clock: options.clock,
      log,
      publish: (events) => this.publishStatusOutbox(events, log),
      ...(options.statusEventDelayMs !== undefined && { delayMs: options.statusEventDelayMs }),
    });
  }

  private get store(): WorkflowStore & EventStore {
    return this.options.store;
  }

  /** Creates the default bus if needed, loads every rule, recovers leases, starts the loops. */
  async start(options: { loops?: boolean } = {}): Promise<void> {
    if (!(await this.store.getEventBus("default")))
      await this.store
        .createEventBus({
          name: "default",
          arn: busArn(this.options, "default"),
          createdAt: this.now(),
        })
        .catch((error) => {
          if (!(error instanceof StoreConflictError)) throw error;
        });
    await this.configuration.reload();
    await this.store.recoverDeliveryLeases(this.options.leaseOwnerPrefix ?? "");
    if (options.loops !== false) {
      this.configuration.start();
      this.deliveries.start();
      this.schedules.start();
      this.replayLoop.start();
      this.retention.start();
      this.eventRetention.start();
      // Its first round publishes what a crash left in the outbox.
      this.statusOutbox.start();
    }
  }

  async stop(): Promise<void> {
    await this.statusOutbox.stop();
    await this.eventRetention.stop();
    await this.retention.stop();
    await this.replayLoop.stop();
    await this.schedules.stop();
    await this.deliveries.stop();
    await this.configuration.stop();
  }

  /** Reloads buses, rules and archives if another node changed them (tests with loops off). */
  refreshConfiguration(): Promise<boolean> {
    return this.configuration.refresh();
  }

  /** Runs one batch of every active replay (tests with loops off); true while more remain. */
  runReplays(): Promise<boolean> {
    return this.replayLoop.runOnce();
  }

  /** Purges expired archived events now; returns how many. */
  purgeArchives(): Promise<number> {
    return this.retention.purge();
  }

  /** Deletes one batch of old events nothing needs any more (tests with loops off). */
  pruneEvents(): Promise<number> {
    return this.eventRetention.prune();
  }

  /** Publishes one batch of the status outbox now (tests with loops off); returns how many. */
  publishStatusEvents(): Promise<number> {
    return this.statusOutbox.publishDue();
  }

  /** Status events were committed to the outbox: publish them. */
  statusEventsCommitted(): void {
    this.statusOutbox.wake();
  }

  /** Fires the scheduled rules due now (the loop does this; tests with a manual clock call it). */
  fireDueSchedules(): Promise<number> {
    return this.schedules.fireDue();
  }

  private now(): number {
    return this.options.clock.now();
  }

  // Buses

  async createEventBus(name: string, description?: string): Promise<EventBusRecord> {
    if (!BUS_NAME.test(name) || name === "default")
      throw new EventBusError("ValidationException", `Event bus name '${name}' is not valid.`);
    const record: EventBusRecord = { name, arn: busArn(this.options, name), createdAt: this.now() };
    if (description !== undefined) record.description = description;
    await inserting(`Event bus ${name}`, () => this.store.createEventBus(record));
    this.registry.addBus(name);
    return record;
  }

  async describeEventBus(nameOrArn: string | undefined): Promise<EventBusRecord> {
    const name = busNameOf(nameOrArn);
    const bus = await this.store.getEventBus(name);
    if (!bus)
      throw new EventBusError("ResourceNotFoundException", `Event bus ${name} does not exist.`);
    return bus;
  }

  listEventBuses(prefix: string | undefined, page: PageRequest): Promise<Page<EventBusRecord>> {
    return this.store.listEventBuses(prefix, page);
  }

  /**
   * Deletes a bus. As in EventBridge, the default bus cannot be deleted, a bus that still has
   * rules is refused ("EventBus can't be deleted since it has rules."), and so is a bus an
   * archive reads (EventBridge's archives are managed rules on their bus). An unknown bus is
   * fine, as in AWS.
   */
  async deleteEventBus(nameOrArn: string): Promise<void> {
    const name = busNameOf(nameOrArn);
    if (name === "default")
      throw new EventBusError("ValidationException", "Cannot delete event bus default.");
    const outcome = await this.store.deleteUnusedEventBus(name);
    if (typeof outcome === "object") throw busInUse(name, outcome);
    this.registry.removeBus(name);
  }

  // Rules

  private async bus(nameOrArn: string | undefined): Promise<string> {
    const name = busNameOf(nameOrArn);
    if (!this.registry.hasBus(name))
      throw new EventBusError("ResourceNotFoundException", `Event bus ${name} does not exist.`);
    return name;
  }

  /** Creates or updates a rule; returns its ARN. */
  async putRule(input: PutRuleInput): Promise<string> {
    const busName = await this.bus(input.EventBusName);
    const name = checkRuleName(input.Name);
    const previous = await this.store.getRule(busName, name);
    const record = buildRule(
      input,
      busName,
      ruleArn(this.options, busName, name),
      this.now(),
      previous,
    );
    await this.store.putRule(record);
    this.registry.setRule(record);
    if (record.scheduleExpression !== undefined) this.schedules.wake();
    return record.arn;
  }

  async describeRule(name: string, busNameOrArn?: string): Promise<EventRuleRecord> {
    const busName = await this.bus(busNameOrArn);
    const rule = await this.store.getRule(busName, name);
    if (!rule)
      throw new EventBusError(
        "ResourceNotFoundException",
        `Rule ${name} does not exist on EventBus ${busName}.`,
      );
    return rule;
  }

  async listRules(
    busNameOrArn: string | undefined,
    prefix: string | undefined,
    page: PageRequest,
  ): Promise<Page<EventRuleRecord>> {
    return this.store.listRules(await this.bus(busNameOrArn), prefix, page);
  }

  /** Deletes a rule; one with targets only with `force` (AWS's rule). Unknown rules are fine. */
  async deleteRule(name: string, busNameOrArn?: string, force = false): Promise<void> {
    const busName = await this.bus(busNameOrArn);
    if (!force && (await this.store.listTargets(busName, name)).length > 0)
      throw new EventBusError("ValidationException", "Rule can't be deleted since it has targets.");
    await this.store.deleteRule(busName, name);
    this.registry.removeRule(busName, name);
  }

  /** EnableRule / DisableRule. A re-enabled schedule starts again from now. */
  async setRuleState(
    name: string,
    busNameOrArn: string | undefined,
    state: "ENABLED" | "DISABLED",
  ) {
    const rule = await this.describeRule(name, busNameOrArn);
    const updated: EventRuleRecord = { ...rule, state, updatedAt: this.now() };
    if (rule.scheduleExpression !== undefined && state === "ENABLED" && rule.state !== "ENABLED") {
      updated.nextFireAt = nextFireOf(rule, this.now());
    }
    await this.store.putRule(updated);
    this.registry.setRule(updated);
    this.schedules.wake();
  }

  // Targets

  /**
   * Adds or replaces targets. As in EventBridge, an invalid target is reported in
   * FailedEntries (with its error) while the valid ones are stored; an unknown rule, a bad
   * Targets list or too many targets refuse the whole call.
   */
  async putTargets(
    rule: string,
    busNameOrArn: string | undefined,
    raw: unknown[],
  ): Promise<PutTargetsResult> {
    const current = await this.describeRule(rule, busNameOrArn);
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > 10)
      throw new EventBusError("ValidationException", "Targets must have 1-10 members.");
    const lookups = {
      stateMachineExists: async (arn: string) =>
        (await this.store.getStateMachine(arn.split(":").slice(0, 7).join(":"))) !== undefined,
      apiDestinationExists: async (arn: string) =>
        (await this.store.getApiDestination(arn)) !== undefined,
      busExists: (name: string) => this.registry.hasBus(name),
    };
    const targets: EventTarget[] = [];
    const failed: PutTargetsResult["FailedEntries"] = [];
    for (const target of raw) {
      try {
        targets.push(await checkTarget(target, lookups));
      } catch (error) {
        if (!(error instanceof EventBusError)) throw error;
        const id = (target as { Id?: unknown } | null)?.Id;
        failed.push({
          TargetId: typeof id === "string" ? id : "",
          ErrorCode: error.code,
          ErrorMessage: error.message,
        });
      }
    }
    const existing = await this.store.listTargets(current.eventBusName, current.name);
    const ids = new Set([...existing.map((t) => t.Id), ...targets.map((t) => t.Id)]);
    if (ids.size > MAX_TARGETS_PER_RULE)
      throw new EventBusError(
        "LimitExceededException",
        `The requested resource exceeds the maximum number allowed: a rule has at most ${MAX_TARGETS_PER_RULE} targets.`,
      );
    if (targets.length > 0) {
      await this.store.putTargets(current.eventBusName, current.name, targets);
      this.registry.setTargets(
        current.eventBusName,
        current.name,
        await this.store.listTargets(current.eventBusName, current.name),
      );
    }
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  }

  /** Removes targets; returns the Ids that were not there. */
  async removeTargets(
    rule: string,
    busNameOrArn: string | undefined,
    ids: string[],
  ): Promise<string[]> {
    const current = await this.describeRule(rule, busNameOrArn);
    const missing = await this.store.removeTargets(current.eventBusName, current.name, ids);
    this.registry.setTargets(
      current.eventBusName,
      current.name,
      await this.store.listTargets(current.eventBusName, current.name),
    );
    return missing;
  }

  async listTargets(rule: string, busNameOrArn?: string): Promise<EventTarget[]> {
    const current = await this.describeRule(rule, busNameOrArn);
    return this.store.listTargets(current.eventBusName, current.name);
  }

  // Events

  /**
   * True when an event of `probe`'s source and detail-type on `busName` could be kept: a
   * pattern rule could match it, or an archive could take it. Publishers of optional events
   * (status changes) skip building them otherwise.
   */
  wantsEvents(busName: string, probe: EventProbe): boolean {
    return this.registry.couldMatch(busName, probe) || this.archiveRegistry.has(busName);
  }

  /**
   * PutEvents: answers only after every accepted event and its deliveries are committed.
   * Throws PutEventsRequestError for a request refused as a whole.
   */
  async putEvents(
    entries: PutEventsRequestEntry[],
    options: IngestOptions = {},
  ): Promise<PutEventsResult> {
    const plan = planIngestion(entries, this.registry, this.context, options, this.archiveRegistry);
    if (plan.events.length > 0) await this.accept(plan, [], options.syncedLater === true);
    return plan.result;
  }

  /** Stores a plan's events, starting its state machine targets in the same transaction. */
  private async accept(plan: IngestPlan, fromOutbox: string[], syncedLater = false) {
    await attachExecutionStarts(plan, this.ports);
    const started = await this.store.acceptEvents(
      plan.events,
      plan.deliveries,
      plan.archived,
      fromOutbox,
      { syncedLater },
    );
    if (started.length > 0) this.ports.executionsStarted?.(started);
    if (plan.deliveries.length > started.length) this.deliveries.wake();
  }

  /**
   * Publishes status outbox events (opsflow's own status change events) under their own ids,
   * taking them out of the outbox in the transaction that accepts them.
   */
  private async publishStatusOutbox(
    outbox: StatusEventRecord[],
    log: (message: string) => void,
  ): Promise<void> {
    const plan = planStatusEvents(outbox, this.registry, this.context, this.archiveRegistry, log);
    await this.accept(
      plan,
      outbox.map((event) => event.id),
    );
  }

  /** A delivery to another bus: what fails other than a DeliveryError is worth retrying. */
  private async forwardDelivery(busName: string, envelope: string): Promise<void> {
    try {
      await this.forward(busName, envelope);
    } catch (error) {
      if (error instanceof DeliveryError) throw error;
      throw new DeliveryError("SDK_CLIENT_ERROR", (error as Error).message, true);
    }
  }

  /** Sends an accepted event (envelope text) on to another bus, as a new event with its fields. */
  async forward(busName: string, envelope: string): Promise<void> {
    const event = JSON.parse(envelope) as Record<string, unknown>;
    const result = await this.putEvents(
      [
        {
          Source: event.source as string,
          DetailType: event["detail-type"] as string,
          Detail: JSON.stringify(event.detail),
          Resources: event.resources as string[],
          Time: event.time as string,
          EventBusName: busName,
        },
      ],
      { allowReservedSources: true },
    );
    const failed = result.Entries[0];
    if ("ErrorCode" in failed)
      throw new DeliveryError("RESOURCE_NOT_FOUND", failed.ErrorMessage, false);
  }

  listDeadLetters(
    filter: { eventBusName?: string; ruleName?: string; deadLetterArn?: string },
    page: PageRequest,
  ): Promise<Page<DeadLetterRecord>> {
    return this.store.listDeadLetters(filter, page);
  }

  /** Puts dead letters back in the delivery queue; returns how many moved. */
  async redriveDeadLetters(ids: number[]): Promise<number> {
    const moved = await this.store.redriveDeadLetters(ids, this.now());
    if (moved > 0) this.deliveries.wake();
    return moved;
  }
}
