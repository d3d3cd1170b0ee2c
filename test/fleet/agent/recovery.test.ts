/**
 * What an agent start does with the records a previous run left (pure plan).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type {
  InvocationRecordFile,
  RecordState,
} from "../../../src/fleet/agent/invocation-records.js";
import { recoveryPlan } from "../../../src/fleet/agent/recovery.js";

function record(
  id: string,
  state: RecordState,
  extra: Partial<InvocationRecordFile> = {},
): InvocationRecordFile {
  return {
    invocation: { commandId: id, documentName: "D", plugins: [], outputCapBytes: 10 },
    state,
    receivedAt: "2026-12-08T00:00:00.000Z",
    updatedAt: "2026-12-08T00:00:00.000Z",
    ...extra,
  };
}

test("interrupted commands are reported Failed -1 with the reason; reboots rerun; pending reports resend", () => {
  const plan = recoveryPlan(
    [
      record("a", "started", { processGroup: 1234, processGroupBoot: "boot-1" }),
      record("b", "started", { processGroup: 99, processGroupBoot: "boot-0" }),
      record("c", "reboot-pending", { rebootPluginIndex: 2 }),
      record("d", "finished"),
      record("e", "finished"),
      record("f", "reported"),
      record("g", "stopped"),
    ],
    (id) => id === "d",
    "2026-12-08T01:00:00.000Z",
    "boot-1",
  );
  const reason = "the agent stopped while the command ran (restarted at 2026-12-08T01:00:00.000Z)";
  const report = { status: "Failed", statusDetails: "Failed", responseCode: -1, reason };
  assert.deepEqual(plan, [
    { kind: "report-interrupted", commandId: "a", report, orphanGroup: 1234 },
    // A process group of an earlier boot is someone else's now: never killed.
    { kind: "report-interrupted", commandId: "b", report },
    { kind: "rerun", invocation: record("c", "reboot-pending").invocation, pluginIndex: 2 },
    { kind: "resend", commandId: "d" },
  ]);
});
