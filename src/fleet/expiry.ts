/**
 * Ends what ran out of time: invocations not started before their command's delivery
 * deadline end DeliveryTimedOut, and running ones whose node never reported past their
 * execution timeout (plus a grace for the node's own report) end ExecutionTimedOut. Every
 * server node runs it; the store makes each ending happen once.
 */
import { PollLoop, type PollLoopSettings } from "../kernel/poll-loop.js";
import { type SettleTask, settleWaiter } from "./command-waiters.js";
import type { CommandService, FleetContext } from "./commands.js";
import { commandControl } from "./rate-control.js";

/** How long past its execution timeout a running invocation waits for its node's report. */
export const EXECUTION_GRACE_MS = 60_000;

export class InvocationExpiry extends PollLoop {
  constructor(
    private readonly fleet: FleetContext,
    private readonly commands: CommandService,
    settings: Omit<PollLoopSettings, "clock" | "name">,
  ) {
    super({ ...settings, clock: fleet.clock, name: "invocation expiry" });
  }

  protected async round(): Promise<number> {
    const changes = await this.fleet.store.expireInvocations(
      this.fleet.clock.now(),
      EXECUTION_GRACE_MS,
      commandControl,
    );
    for (const change of changes) await this.commands.applied(change);
    // Waiting tasks whose settlement a crash interrupted.
    const { settleTask } = this.fleet;
    const unsettled = settleTask ? await this.fleet.store.unsettledWaiters(50) : [];
    for (const command of unsettled)
      await settleWaiter(command, this.fleet.store, this.commands, settleTask as SettleTask);
    return changes.length + unsettled.length;
  }
}
