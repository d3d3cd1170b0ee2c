/**
 * `opsflow agent status`: what the state directory says (no server call): the registration,
 * the invocations recorded and their state, and the reports waiting to be sent.
 */
import type { FinishRequest } from "../protocol.js";
import { InvocationRecords, type RecordState } from "./invocation-records.js";
import { type Registration, StateDir } from "./state-dir.js";

/** One recorded invocation, as status shows it. */
export interface InvocationSummary {
  commandId: string;
  documentName: string;
  state: RecordState;
  receivedAt: string;
  updatedAt: string;
  result?: FinishRequest;
  reportPending: boolean;
}

export interface AgentStatus {
  stateDir: string;
  registration: Registration;
  invocations: InvocationSummary[];
  /** Command ids whose result waits for the server's acknowledgement. */
  pendingReports: string[];
}

/** The status of a registered state directory. @throws AgentError `NotRegistered`. */
export function readAgentStatus(path: string): AgentStatus {
  const dir = new StateDir(path);
  const registration = dir.readRegistration();
  const records = new InvocationRecords(dir.invocationsPath, Date.now);
  const pending = new Set(records.pendingReports());
  return {
    stateDir: path,
    registration,
    invocations: records.list().map((record) => ({
      commandId: record.invocation.commandId,
      documentName: record.invocation.documentName,
      state: record.state,
      receivedAt: record.receivedAt,
      updatedAt: record.updatedAt,
      ...(record.result && { result: record.result }),
      reportPending: pending.has(record.invocation.commandId),
    })),
    pendingReports: [...pending],
  };
}

/** The status as text for people. */
export function formatAgentStatus(status: AgentStatus): string {
  const { registration } = status;
  const lines = [
    `instance id  ${registration.instanceId}`,
    `name         ${registration.name ?? "-"}`,
    `endpoint     ${registration.endpoint}`,
    `state dir    ${status.stateDir}`,
    `invocations  ${status.invocations.length} recorded, ${status.pendingReports.length} report(s) pending`,
  ];
  for (const invocation of status.invocations) {
    const result = invocation.result
      ? ` ${invocation.result.status} (exit code ${invocation.result.responseCode})`
      : "";
    const pending = invocation.reportPending ? " [report pending]" : "";
    lines.push(
      `  ${invocation.commandId}  ${invocation.documentName}  ${invocation.state}${result}${pending}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
