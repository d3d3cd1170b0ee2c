/**
 * The archives of every bus, in memory: one PatternMatcher per bus holding the patterns of its
 * ENABLED archives (an archive without a pattern takes every event), so PutEvents finds the
 * archives an event belongs to in one match. The store is the truth; the service updates this
 * after each committed change.
 */
import type { ArchiveRecord } from "../../store/events-port.js";
import { PatternMatcher } from "../pattern/index.js";

interface BusArchives {
  matcher: PatternMatcher;
  /** Archives without a pattern: every event of the bus. */
  all: Set<string>;
}

/** Archive matchers of all buses. */
export class ArchiveRegistry {
  private buses = new Map<string, BusArchives>();
  private busOf = new Map<string, string>();

  /** Takes over `loaded`'s archives at once (a reload). */
  replaceWith(loaded: ArchiveRegistry): void {
    this.buses = loaded.buses;
    this.busOf = loaded.busOf;
  }

  /** Adds or replaces an archive (its pattern was validated before). */
  set(archive: ArchiveRecord): void {
    this.remove(archive.name);
    if (archive.state !== "ENABLED") return;
    let bus = this.buses.get(archive.eventBusName);
    if (!bus) {
      bus = { matcher: new PatternMatcher(), all: new Set() };
      this.buses.set(archive.eventBusName, bus);
    }
    if (archive.eventPattern === undefined) bus.all.add(archive.name);
    else bus.matcher.addRule(archive.name, archive.eventPattern);
    this.busOf.set(archive.name, archive.eventBusName);
  }

  remove(name: string): void {
    const busName = this.busOf.get(name);
    if (busName === undefined) return;
    const bus = this.buses.get(busName);
    bus?.all.delete(name);
    bus?.matcher.removeRule(name);
    this.busOf.delete(name);
  }

  /** True when the bus has an enabled archive. */
  has(busName: string): boolean {
    const bus = this.buses.get(busName);
    return bus !== undefined && (bus.all.size > 0 || bus.matcher.size > 0);
  }

  /** Names of the archives of `busName` the event belongs to. */
  match(busName: string, event: unknown): string[] {
    const bus = this.buses.get(busName);
    if (!bus) return [];
    const matched = bus.matcher.size > 0 ? bus.matcher.matchesFor(event) : [];
    return bus.all.size > 0 ? [...bus.all, ...matched] : matched;
  }
}
