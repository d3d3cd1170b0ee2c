/**
 * What an agent start does about the records a previous run left (pure: records in, actions
 * out). A record still `started` means the agent stopped while the command ran: it is
 * reported Failed with the reason (its orphaned process group, if any, is ended first). A
 * `reboot-pending` one runs again from the plugin that asked for the reboot. A finished one
 * whose report was never acknowledged is sent again.
 */
import type { AgentInvocation, FinishRequest } from "../protocol.js";
import type { InvocationRecordFile } from "./invocation-records.js";

export type RecoveryAction =
  | {
      kind: "report-interrupted";
      commandId: string;
      report: FinishRequest;
      /** The process group to end, when it belongs to this boot of the host. */
      orphanGroup?: number;
    }
  | { kind: "rerun"; invocation: AgentInvocation; pluginIndex: number }
  | { kind: "resend"; commandId: string };

/** The reason a report of an interrupted command gives. */
export function interruptedReason(restartedAt: string): string {
  return `the agent stopped while the command ran (restarted at ${restartedAt})`;
}

/** The actions for `records`, given when the agent restarted and the current boot id. */
export function recoveryPlan(
  records: InvocationRecordFile[],
  hasPendingReport: (commandId: string) => boolean,
  restartedAt: string,
  currentBoot: string,
): RecoveryAction[] {
  const actions: RecoveryAction[] = [];
  for (const record of records) {
    const commandId = record.invocation.commandId;
    if (record.state === "started") {
      const orphan =
        record.processGroup !== undefined && record.processGroupBoot === currentBoot
          ? record.processGroup
          : undefined;
      actions.push({
        kind: "report-interrupted",
        commandId,
        report: {
          status: "Failed",
          statusDetails: "Failed",
          responseCode: -1,
          reason: interruptedReason(restartedAt),
        },
        ...(orphan !== undefined && { orphanGroup: orphan }),
      });
    } else if (record.state === "reboot-pending") {
      actions.push({
        kind: "rerun",
        invocation: record.invocation,
        pluginIndex: record.rebootPluginIndex ?? 0,
      });
    } else if (hasPendingReport(commandId)) {
      actions.push({ kind: "resend", commandId });
    }
  }
  return actions;
}
