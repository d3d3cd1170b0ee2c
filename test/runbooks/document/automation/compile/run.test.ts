import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { JsonObject } from "../../../../../src/asl/json.js";
import { TaskFailure } from "../../../../../src/runtime/task-dispatcher.js";
import { failing, run, runbookOf, seedRunbook } from "./helpers.js";

const command = (name: string, fields: JsonObject = {}): JsonObject => ({
  name,
  action: "aws:runCommand",
  inputs: { DocumentName: "AWS-RunShellScript", InstanceIds: ["mi-0123456789abcdef0"] },
  ...fields,
});

describe("compiled runbooks run in memory", () => {
  test("steps run in list order; nextStep skips ahead; isEnd stops the automation", async () => {
    const outcome = await run(
      runbookOf([
        command("A", { nextStep: "C" }),
        command("B"),
        command("C", { isEnd: true }),
        command("D"),
      ]),
      { A: () => ({ Output: "from A" }) },
    );
    assert.equal(outcome.status, "SUCCEEDED");
    assert.deepEqual(outcome.calls, ["A", "C"]);
    assert.deepEqual(outcome.entered, ["A", "C"]);
    assert.deepEqual((outcome.output as JsonObject).steps, { A: { Output: "from A" }, C: {} });
  });

  test("onFailure Abort (the default) ends Failed with Automation.StepFailed naming the step", async () => {
    const outcome = await run(runbookOf([command("A"), command("B"), command("C")]), {
      B: failing(),
    });
    assert.equal(outcome.status, "FAILED");
    assert.equal(outcome.error, "Automation.StepFailed");
    assert.equal(outcome.cause, "Step B failed");
    assert.deepEqual(outcome.calls, ["A", "B"]);
  });

  test("onFailure Continue records the failure and goes on; not critical, so Success", async () => {
    const outcome = await run(runbookOf([command("A", { onFailure: "Continue" }), command("B")]), {
      A: failing("Boom"),
    });
    assert.equal(outcome.status, "SUCCEEDED");
    assert.deepEqual(outcome.calls, ["A", "B"]);
    const steps = (outcome.output as JsonObject).steps as JsonObject;
    assert.deepEqual(steps.A, { failure: { Error: "Boom", Cause: "attempt 1" } });
  });

  test("onFailure step:X jumps to X; a critical step then fails the automation at its end", async () => {
    const steps = (critical: boolean) =>
      runbookOf([
        command("Patch", { onFailure: "step:Restore", isCritical: critical, nextStep: "Clean" }),
        command("Restore", { nextStep: "Clean" }),
        command("Clean", { isEnd: true }),
      ]);
    const failed = await run(steps(true), { Patch: failing() });
    assert.deepEqual(failed.calls, ["Patch", "Restore", "Clean"]);
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.error, "Automation.StepFailed");
    assert.equal(failed.cause, "Step Patch failed");
    const tolerated = await run(steps(false), { Patch: failing() });
    assert.deepEqual(tolerated.calls, ["Patch", "Restore", "Clean"]);
    assert.equal(tolerated.status, "SUCCEEDED");
    const clean = await run(steps(true));
    assert.deepEqual(clean.calls, ["Patch", "Clean"]);
    assert.equal(clean.status, "SUCCEEDED");
  });

  test("maxAttempts retries 1 s apart on the injected clock; the last failure counts", async () => {
    const flaky = await run(runbookOf([command("A", { maxAttempts: 3 })]), { A: failing("X", 2) });
    assert.equal(flaky.status, "SUCCEEDED");
    assert.deepEqual(flaky.calls, ["A", "A", "A"]);
    assert.deepEqual(flaky.times, [0, 1000, 2000]);
    const broken = await run(runbookOf([command("A", { maxAttempts: 2 })]), { A: failing() });
    assert.deepEqual(broken.calls, ["A", "A"]);
    assert.equal(broken.status, "FAILED");
  });

  test("timeoutSeconds times an attempt out (States.Timeout), which onFailure handles", async () => {
    const hang = (_attempt: number) => new Promise<never>(() => {});
    const outcome = await run(
      runbookOf([command("Slow", { timeoutSeconds: 30, onFailure: "Continue" }), command("After")]),
      { Slow: hang },
    );
    assert.equal(outcome.status, "SUCCEEDED");
    assert.deepEqual(outcome.calls, ["Slow", "After"]);
    assert.equal(outcome.times[1], 30_000);
    const steps = (outcome.output as JsonObject).steps as JsonObject;
    assert.equal(((steps.Slow as JsonObject).failure as JsonObject).Error, "States.Timeout");
  });

  test("aws:branch goes to the first matching choice, else Default, else the next step", async () => {
    const document = (withDefault: boolean) =>
      runbookOf([
        command("Probe", {
          outputs: [{ Name: "platform", Selector: "$.platform", Type: "String" }],
        }),
        {
          name: "Choose",
          action: "aws:branch",
          inputs: {
            Choices: [
              { NextStep: "OnWindows", Variable: "{{ Probe.platform }}", StringEquals: "Windows" },
              { NextStep: "OnLinux", Variable: "{{ Probe.platform }}", StringEquals: "Linux" },
            ],
            ...(withDefault && { Default: "OnLinux" }),
          },
        },
        command("Next", { isEnd: true }),
        command("OnWindows", { isEnd: true }),
        command("OnLinux", { isEnd: true }),
      ]);
    const probe = (platform: string) => ({ Probe: () => ({ platform }) });
    assert.deepEqual((await run(document(false), probe("Windows"))).calls, ["Probe", "OnWindows"]);
    assert.deepEqual((await run(document(false), probe("Linux"))).calls, ["Probe", "OnLinux"]);
    assert.deepEqual((await run(document(true), probe("MacOS"))).calls, ["Probe", "OnLinux"]);
    assert.deepEqual((await run(document(false), probe("MacOS"))).calls, ["Probe", "Next"]);
  });

  test("aws:loop repeats its body while LoopCondition holds, at most MaxIterations", async () => {
    const document = runbookOf([
      {
        name: "Poll",
        action: "aws:loop",
        inputs: {
          MaxIterations: 3,
          LoopCondition: { Variable: "{{ Check.Status }}", StringEquals: "Pending" },
          Steps: [
            { name: "Wait", action: "aws:sleep", inputs: { Duration: "PT10S" } },
            command("Check", {
              isEnd: true,
              outputs: [{ Name: "Status", Selector: "$.Status", Type: "String" }],
            }),
          ],
        },
      },
      command("After"),
    ]);
    const pendingFor = (times: number) => ({
      Check: (attempt: number) => ({ Status: attempt <= times ? "Pending" : "Done" }),
    });
    const early = await run(document, pendingFor(1));
    assert.deepEqual(early.calls, ["Check", "Check", "After"]);
    assert.deepEqual(early.times, [10_000, 20_000, 20_000]);
    const capped = await run(document, pendingFor(10));
    assert.deepEqual(capped.calls, ["Check", "Check", "Check", "After"]);
    assert.equal(capped.status, "SUCCEEDED");
    const steps = (capped.output as JsonObject).steps as JsonObject;
    assert.equal((steps.Poll as JsonObject).CurrentIteration, 3);
  });

  test("aws:loop over Iterators gives the body each value; a body failure aborts", async () => {
    const seen: string[] = [];
    const document = runbookOf([
      {
        name: "Each",
        action: "aws:loop",
        inputs: {
          Iterators: ["a", "b", "c"],
          Steps: [
            {
              ...command("Use"),
              inputs: {
                DocumentName: "AWS-RunShellScript",
                InstanceIds: ["{{ Each.CurrentIteratorValue }}"],
              },
            },
          ],
        },
      },
    ]);
    const outcome = await run(document, {
      Use: (attempt, parameters) => {
        const steps = (parameters._data as JsonObject).steps as JsonObject;
        seen.push(String((steps.Each as JsonObject).CurrentIteratorValue));
        if (attempt === 3) throw new TaskFailure("Broken");
        return {};
      },
    });
    assert.deepEqual(seen, ["a", "b", "c"]);
    assert.equal(outcome.status, "FAILED");
    assert.equal(outcome.cause, "Step Use failed");
  });

  test("literal and referenced sleeps wait on the fast-forward clock, not in real time", async () => {
    const started = Date.now();
    const outcome = await run(
      runbookOf(
        [
          { name: "Nap", action: "aws:sleep", inputs: { Duration: "PT1H" } },
          command("Between"),
          { name: "Snooze", action: "aws:sleep", inputs: { Duration: "{{ Pause }}" } },
          command("Last"),
        ],
        { Pause: { type: "String" } },
      ),
      {},
      { Pause: "PT2M" },
    );
    assert.equal(outcome.status, "SUCCEEDED");
    assert.deepEqual(outcome.times, [3_600_000, 3_720_000]);
    assert.deepEqual(outcome.entered, ["Nap", "Between", "Snooze", "Last"]);
    assert.ok(Date.now() - started < 5_000);
  });

  test("aws:pause is a task the runtime answers (here at once)", async () => {
    const outcome = await run(runbookOf([{ name: "Hold", action: "aws:pause", inputs: {} }]));
    assert.equal(outcome.status, "SUCCEEDED");
    assert.deepEqual(outcome.calls, ["Hold"]);
  });

  test("seed 004 end to end: success deletes the snapshot; a failed patch restores, then fails", async () => {
    const document = seedRunbook(
      "004-azure-patch-with-rollback/Azure-PatchVMWithRollback.runbook.resolved.json",
    );
    const parameters = { InstanceId: "mi-0123456789abcdef0", SleepDuration: "PT30S" };
    const behaviours = {
      GetAzureNodePlatformDetails: () => ({ platform: "Linux" }),
      CheckSnapshotStatus: (attempt: number) => ({
        SnapshotStatus: attempt < 2 ? "Pending" : "Succeeded",
      }),
    };
    const ok = await run(document, behaviours, parameters);
    assert.equal(ok.status, "SUCCEEDED");
    assert.deepEqual(ok.calls, [
      "GetAzureNodePlatformDetails",
      "ExtractVMDetailsfromLinux",
      "ConvertStringtoJSON",
      "CreateSnapshot",
      "CheckSnapshotStatus",
      "CheckSnapshotStatus",
      "InstallPatches",
      "DeleteSnapshot",
    ]);
    assert.equal(ok.times.at(-1), 60_000, "two 30 s sleeps");
    const rolledBack = await run(
      document,
      { ...behaviours, InstallPatches: failing() },
      parameters,
    );
    assert.deepEqual(rolledBack.calls.slice(-3), [
      "InstallPatches",
      "RestoreVMDisk",
      "DeleteSnapshot",
    ]);
    assert.equal(rolledBack.status, "FAILED");
    assert.equal(rolledBack.cause, "Step InstallPatches failed");
  });
});
