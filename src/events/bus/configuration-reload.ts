/**
 * Keeps this node's matchers in step with the stored configuration: buses, rules with their
 * targets, and archives. This node applies its own changes to the registries at once; another
 * node's changes move the store's configuration version, and the next check (every second)
 * reloads everything into fresh registries and swaps them in.
 */
import type { Clock } from "../../kernel/clock.js";
import { PollLoop } from "../../kernel/poll-loop.js";
import type { EventStore } from "../../store/events-port.js";
import { ArchiveRegistry } from "./archive-registry.js";
import { RuleRegistry } from "./registry.js";

/** What the reload reads and fills. */
export interface ConfigurationReloadOptions {
  store: EventStore;
  clock: Clock;
  log(message: string): void;
  rules: RuleRegistry;
  archives: ArchiveRegistry;
}

/** Reloads the bus configuration when its version moves. */
export class ConfigurationReload extends PollLoop {
  private loadedVersion: string | undefined;

  constructor(private readonly options: ConfigurationReloadOptions) {
    super({ clock: options.clock, name: "event configuration", log: options.log });
  }

  /** Loads everything now (at start). */
  async reload(): Promise<void> {
    const { store } = this.options;
    // The version is read first: a change committed during the load moves it again, and the
    // next check loads once more.
    const version = await store.eventConfigurationVersion();
    const rules = new RuleRegistry();
    const archives = new ArchiveRegistry();
    const buses = await store.listEventBuses(undefined, { limit: 10_000 });
    for (const bus of buses.items) rules.addBus(bus.name);
    for (const { rule, targets } of await store.loadRules()) rules.setRule(rule, targets);
    for (const archive of await store.loadArchives()) archives.set(archive);
    this.options.rules.replaceWith(rules);
    this.options.archives.replaceWith(archives);
    this.loadedVersion = version;
  }

  /** Reloads when the stored version moved since the last load; true when it did. */
  async refresh(): Promise<boolean> {
    if ((await this.options.store.eventConfigurationVersion()) === this.loadedVersion) return false;
    await this.reload();
    return true;
  }

  protected async round(): Promise<void> {
    await this.refresh();
  }
}
