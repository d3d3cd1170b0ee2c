/**
 * Workflow tasks waiting for a command (opsflow:runCommand.sync): once the command ends its
 * task is settled through its token with every node's status and output, or failed with a
 * named error when the command failed as a whole. Settling is retried from the expiry loop
 * until it is recorded, so a crash between the command's end and the settlement loses nothing;
 * settling twice is harmless (the second finds the task settled).
 */
import type { CommandRecord, FleetStore } from "../store/fleet-port.js";
import type { CommandService } from "./commands.js";

/** How a waiting task is settled: with an output document, or an error and a cause. */
export type TaskSettlement = { output: string } | { error: string; cause: string };

/** Settles a workflow task by its token (the engine's). */
export type SettleTask = (token: string, settlement: TaskSettlement) => Promise<unknown>;

/** The errors a waiting task fails with, by how the command ended. */
export const COMMAND_ERRORS = {
  Failed: "Fleet.MaxErrorsExceeded",
  TimedOut: "Fleet.CommandTimedOut",
  Cancelled: "Fleet.CommandCancelled",
  NoInstancesInTag: "Fleet.NoInstancesInTag",
} as const;

const TERMINAL = new Set(["Success", "Failed", "TimedOut", "Cancelled"]);

/** True when `command` has a waiting task to settle now. */
export function awaitsSettlement(command: CommandRecord): boolean {
  return command.waiter !== undefined && !command.waiter.settled && TERMINAL.has(command.status);
}

/** Settles the waiting task of an ended command and records that it was. */
export async function settleWaiter(
  command: CommandRecord,
  store: FleetStore,
  commands: CommandService,
  settle: SettleTask,
): Promise<void> {
  if (!command.waiter) return;
  const result = await commandResult(command, store, commands);
  const error =
    command.statusDetails === "NoInstancesInTag"
      ? COMMAND_ERRORS.NoInstancesInTag
      : command.status === "Success" || command.statusDetails === "Incomplete"
        ? undefined
        : COMMAND_ERRORS[command.status as "Failed" | "TimedOut" | "Cancelled"];
  const text = JSON.stringify(result);
  await settle(command.waiter.taskToken, error ? { error, cause: text } : { output: text }).catch(
    () => undefined,
  );
  await store.markWaiterSettled(command.id);
}

/** The task's result: the command's status and each node's status and output. */
async function commandResult(command: CommandRecord, store: FleetStore, commands: CommandService) {
  const invocations = [];
  let nextToken: string | undefined;
  do {
    const page = await store.listInvocations(
      { commandId: command.id },
      { limit: 100, ...(nextToken && { nextToken }) },
    );
    for (const inv of page.items)
      invocations.push({
        InstanceId: inv.instanceId,
        Status: inv.status,
        StatusDetails: inv.statusDetails,
        ResponseCode: inv.responseCode,
        StandardOutputContent: await commands.outputContent(inv, "stdout"),
        StandardErrorContent: await commands.outputContent(inv, "stderr"),
      });
    nextToken = page.nextToken;
  } while (nextToken);
  return {
    CommandId: command.id,
    DocumentName: command.documentName,
    Status: command.status,
    StatusDetails: command.statusDetails,
    TargetCount: command.progress.targetCount,
    CompletedCount: command.progress.completedCount,
    ErrorCount: command.progress.errorCount,
    Invocations: invocations,
  };
}
