/**
 * The heartbeat of SSH hosts: they run no agent that polls, so the server checks them. Every
 * HEALTH_INTERVAL_MS, hosts not heard from within that time are probed (TCP and the SSH key
 * exchange, no login) and a host that presents its pinned key counts as a heartbeat; one that
 * does not answer, or presents another key, goes ConnectionLost like a silent agent.
 */
import { PollLoop, type PollLoopSettings } from "../kernel/poll-loop.js";
import type { FleetStore, ManagedNodeRecord } from "../store/fleet-port.js";
import type { FleetContext } from "./commands.js";
import { probeHostKey } from "./ssh/index.js";

/** How often hosts are checked: well inside the Online window (ONLINE_WINDOW_MS). */
export const HEALTH_INTERVAL_MS = 20_000;
const PROBE_TIMEOUT_MS = 5_000;
/** Probes at once. */
const PARALLEL = 8;

export class SshHealth extends PollLoop {
  constructor(
    private readonly fleet: FleetContext,
    settings: Omit<PollLoopSettings, "clock" | "name" | "maxSleepMs">,
  ) {
    super({ ...settings, clock: fleet.clock, name: "ssh health", maxSleepMs: HEALTH_INTERVAL_MS });
  }

  protected async round(): Promise<number> {
    const store: FleetStore = this.fleet.store;
    const quietSince = this.fleet.clock.now() - HEALTH_INTERVAL_MS;
    const due: ManagedNodeRecord[] = [];
    let nextToken: string | undefined;
    do {
      const page = await store.listNodes(
        { connections: ["ssh"], ping: { onlineSince: quietSince, online: false } },
        { limit: 500, ...(nextToken && { nextToken }) },
      );
      due.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken && !this.stopping);
    for (let i = 0; i < due.length && !this.stopping; i += PARALLEL)
      await Promise.all(due.slice(i, i + PARALLEL).map((node) => this.check(node)));
    return due.length;
  }

  private async check(node: ManagedNodeRecord): Promise<void> {
    if (node.connection.kind !== "ssh") return;
    const { host, port, hostKey } = node.connection;
    const presented = await probeHostKey({ host, port }, PROBE_TIMEOUT_MS).catch(() => undefined);
    if (presented === hostKey) await this.fleet.store.recordPing(node.id, this.fleet.clock.now());
  }
}
