/**
 * Scheduled rules: each fires at its recorded next fire time. A fire is committed together
 * with the move of the rule's next fire time (store.recordScheduledFire), so a restart
 * neither skips a fire that was due nor repeats one that was recorded. Fires missed while the
 * server was down are coalesced into one, then the schedule continues from now.
 */
import type { Clock } from "../../kernel/clock.js";
import { PollLoop } from "../../kernel/poll-loop.js";
import type { EventRuleRecord, EventStore } from "../../store/events-port.js";
import { type EnvelopeContext, formatEventTime } from "../envelope.js";
import { nextFireTime, parseSchedule } from "../schedule/index.js";
import { deliveriesFor } from "./ingest.js";
import type { RuleRegistry } from "./registry.js";

/** Options of the schedule loop. */
export interface ScheduleLoopOptions {
  store: EventStore;
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
export class ScheduleLoop extends PollLoop {
  constructor(private readonly options: ScheduleLoopOptions) {
    super({ clock: options.clock, name: "schedule loop", log: options.log });
  }

  protected round(): Promise<number> {
    return this.fireDue();
  }

  protected override nextDueAt(): Promise<number | undefined> {
    return this.options.store.nextScheduledFireAt();
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
}
