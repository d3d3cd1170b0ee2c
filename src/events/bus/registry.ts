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
  /** {@link RuleRegistry.couldMatch} answers by probe, until the bus's rules change. */
  couldMatch: Map<string, boolean>;
}

/** The envelope fields every event of one kind has the same value in. */
export interface EventProbe {
  source: string;
  "detail-type": string;
}

/**
 * Whether `pattern` could match some event with `probe`'s source and detail-type: its
 * conditions on those two fields (the others depend on each event) accept the probe. A
 * pattern with a top-level `$or`, or none of those fields, is taken to match.
 */
function patternCouldMatch(pattern: string, probe: EventProbe): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(pattern);
  } catch {
    return true;
  }
  if (typeof parsed !== "object" || parsed === null || "$or" in parsed) return true;
  const fixed = Object.fromEntries(
    Object.entries(parsed).filter(([key]) => key === "source" || key === "detail-type"),
  );
  if (Object.keys(fixed).length === 0) return true;
  const matcher = new PatternMatcher();
  matcher.addRule("fixed", fixed);
  return matcher.matchesFor(probe).length > 0;
}

/** Rules and matchers of all buses. */
export class RuleRegistry {
  private buses = new Map<string, BusRules>();

  /** Takes over `loaded`'s buses and rules at once (a reload: no moment without rules). */
  replaceWith(loaded: RuleRegistry): void {
    this.buses = loaded.buses;
  }

  /** Registers a bus (no rules yet); existing buses are kept. */
  addBus(name: string): void {
    if (!this.buses.has(name))
      this.buses.set(name, {
        matcher: new PatternMatcher(),
        rules: new Map(),
        couldMatch: new Map(),
      });
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
    bus.couldMatch.clear();
    if (rule.state === "ENABLED" && rule.eventPattern !== undefined)
      bus.matcher.addRule(rule.name, rule.eventPattern);
  }

  removeRule(busName: string, ruleName: string): void {
    const bus = this.buses.get(busName);
    bus?.rules.delete(ruleName);
    bus?.matcher.removeRule(ruleName);
    bus?.couldMatch.clear();
  }

  get(busName: string, ruleName: string): RuleEntry | undefined {
    return this.buses.get(busName)?.rules.get(ruleName);
  }

  setTargets(busName: string, ruleName: string, targets: EventTarget[]): void {
    const entry = this.get(busName, ruleName);
    if (entry) entry.targets = targets;
  }

  /**
   * True when an enabled pattern rule of the bus could match events with `probe`'s source and
   * detail-type. Cheap to ask per event: the answer is kept until the bus's rules change.
   */
  couldMatch(busName: string, probe: EventProbe): boolean {
    const bus = this.buses.get(busName);
    if (!bus || bus.matcher.size === 0) return false;
    const key = `${probe.source}\u0000${probe["detail-type"]}`;
    let answer = bus.couldMatch.get(key);
    if (answer === undefined) {
      answer = [...bus.rules.values()].some(
        ({ rule }) =>
          rule.state === "ENABLED" &&
          rule.eventPattern !== undefined &&
          patternCouldMatch(rule.eventPattern, probe),
      );
      bus.couldMatch.set(key, answer);
    }
    return answer;
  }

  /** The enabled rules of a bus whose pattern matches the event, with their targets. */
  match(busName: string, event: unknown): RuleEntry[] {
    const bus = this.buses.get(busName);
    if (!bus) return [];
    return bus.matcher.matchesFor(event).map((name) => bus.rules.get(name) as RuleEntry);
  }
}
