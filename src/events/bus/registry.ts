/**
 * The rules of every bus, in memory: one PatternMatcher per bus (all its enabled pattern
 * rules compiled into one machine, so matching cost does not grow with the rule count), and
 * each rule's targets. The store is the truth; this is rebuilt from it at start and updated
 * by the service after each committed change.
 */

import type { EventRuleRecord, EventTarget } from "../../store/events-port.js";
import { PatternMatcher } from "../pattern/index.js";

/** A rule with its targets. */
export interface RuleEntry {
  rule: EventRuleRecord;
  targets: EventTarget[];
}

interface BusRules {
  matcher: PatternMatcher;
  rules: Map<string, RuleEntry>;
}

/** Rules and matchers of all buses. */
export class RuleRegistry {
  private readonly buses = new Map<string, BusRules>();

  /** Registers a bus (no rules yet); existing buses are kept. */
  addBus(name: string): void {
    if (!this.buses.has(name))
      this.buses.set(name, { matcher: new PatternMatcher(), rules: new Map() });
  }

  hasBus(name: string): boolean {
    return this.buses.has(name);
  }

  removeBus(name: string): void {
    this.buses.delete(name);
  }

  /** Adds or replaces a rule (targets kept unless given). The pattern was validated before. */
  setRule(rule: EventRuleRecord, targets?: EventTarget[]): void {
    this.addBus(rule.eventBusName);
    const bus = this.buses.get(rule.eventBusName) as BusRules;
    const previous = bus.rules.get(rule.name);
    bus.rules.set(rule.name, { rule, targets: targets ?? previous?.targets ?? [] });
    bus.matcher.removeRule(rule.name);
    if (rule.state === "ENABLED" && rule.eventPattern !== undefined)
      bus.matcher.addRule(rule.name, rule.eventPattern);
  }

  removeRule(busName: string, ruleName: string): void {
    const bus = this.buses.get(busName);
    bus?.rules.delete(ruleName);
    bus?.matcher.removeRule(ruleName);
  }

  get(busName: string, ruleName: string): RuleEntry | undefined {
    return this.buses.get(busName)?.rules.get(ruleName);
  }

  setTargets(busName: string, ruleName: string, targets: EventTarget[]): void {
    const entry = this.get(busName, ruleName);
    if (entry) entry.targets = targets;
  }

  /** True when the bus has an enabled pattern rule (an event could match something). */
  hasPatternRules(busName: string): boolean {
    return (this.buses.get(busName)?.matcher.size ?? 0) > 0;
  }

  /** The enabled rules of a bus whose pattern matches the event, with their targets. */
  match(busName: string, event: unknown): RuleEntry[] {
    const bus = this.buses.get(busName);
    if (!bus) return [];
    return bus.matcher.matchesFor(event).map((name) => bus.rules.get(name) as RuleEntry);
  }
}
