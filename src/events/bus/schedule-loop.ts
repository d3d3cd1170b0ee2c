/**
 * Scheduled rules: each fires at its recorded next fire time. A fire is committed together
 * with the move of the rule's next fire time (store.recordScheduledFire), so a restart
 * neither skips a fire that was due nor repeats one that was recorded. Fires missed while the
 * server was down are coalesced into one, then the schedule continues from now.
 */
import type { Clock } from "../../runtime/clock.js";
import { Wakeup } from "../../runtime/durable/wakeup.js";
import type { EventRuleRecord } from "../../store/events-port.js";
import type { Store } from "../../store/port.js";
import { type EnvelopeContext, formatEventTime } from "../envelope.js";
import { nextFireTime, parseSchedule } from "../schedule/index.js";
import { deliveriesFor } from "./ingest.js";
import type { RuleRegistry } from "./registry.js";

/** Options of the schedule loop. */
export interface ScheduleLoopOptions {
  store: Store;
  clock: Clock;
  registry: RuleRegistry;
  context: EnvelopeContext;
  /** Deliveries were stored. */
  onFired: () => void;
  log: (message: string) => void;
}

/** The next fire time of a rule's schedule strictly after `after`. */
export function nextFireOf(rule: EventRuleRecord, after: number): number | undefined {
  if (rule.scheduleExpression === undefined) return undefined;
  const schedule = parseSchedule(rule.scheduleExpression, { anchor: new Date(rule.createdAt) });
  return nextFireTime(schedule, new Date(after))?.getTime();
}

/** Fires scheduled rules on time. */
export class ScheduleLoop {
  private readonly due = new Wakeup();
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: ScheduleLoopOptions) {}

  start(): void {
    this.stopped = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.due.ring();
    await this.running;
  }

  /** A scheduled rule changed. */
  wake(): void {
    this.due.ring();
  }

  /** Fires every rule due now; returns how many fired. */
  async fireDue(): Promise<number> {
    const { store, clock } = this.options;
    const now = clock.now();
    let fired = 0;
    for (const rule of await store.dueScheduledRules(now)) {
      if (await this.fire(rule, now)) fired++;
    }
    if (fired > 0) this.options.onFired();
    return fired;
  }

  private async fire(rule: EventRuleRecord, now: number): Promise<boolean> {
    const at = rule.nextFireAt as number;
    const { context, registry, store } = this.options;
    const envelope = {
      version: "0",
      id: context.newId(),
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: context.account,
      time: formatEventTime(new Date(at)),
      region: context.region,
      resources: [rule.arn],
      detail: {},
    };
    const event = {
      id: envelope.id,
      eventBusName: rule.eventBusName,
      envelope: JSON.stringify(envelope),
      ingestedAt: now,
    };
    const entry = registry.get(rule.eventBusName, rule.name);
    const targets = entry ? [{ rule: entry.rule, targets: entry.targets }] : [];
    const next = nextFireOf(rule, Math.max(at, now));
    return store.recordScheduledFire(
      rule.eventBusName,
      rule.name,
      at,
      next,
      event,
      deliveriesFor(event, targets, now),
    );
  }

  private async loop(): Promise<void> {
    const { store, clock } = this.options;
    while (!this.stopped) {
      try {
        await this.fireDue();
      } catch (error) {
        this.options.log(`schedule loop: ${(error as Error).stack ?? error}`);
      }
      const next = await store.nextScheduledFireAt().catch(() => undefined);
      const until = Math.min(next ?? Number.POSITIVE_INFINITY, clock.now() + 1000);
      await this.due.sleep((signal) => clock.sleepUntil(until, signal));
    }
  }
}
