import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ChoiceState, TaskState, WaitState } from "../../../../../src/asl/definition.js";
import {
  compileRunbook,
  DocumentError,
  END_CHECK_STATE,
  SUCCEEDED_STATE,
  stepOfState,
} from "../../../../../src/runbooks/document/index.js";
import { compiled, runbookOf, seedRunbook } from "./helpers.js";

const SEED_003 = "003-windows-patching-by-az/ssm-automation-document.resolved.json";
const SEED_004 = "004-azure-patch-with-rollback/Azure-PatchVMWithRollback.runbook.resolved.json";

describe("compiling Automation runbooks to ASL", () => {
  test("seed 003: one Task per step, retries, timeouts, Continue past InstallMoreWindowsUpdates", () => {
    const { definition, steps } = compiled(seedRunbook(SEED_003));
    assert.equal(definition.StartAt, "CreateImage");
    assert.deepEqual(
      steps.map((s) => s.stateName),
      [
        "CreateImage",
        "RunPreUpdateScript",
        "UpdateSSMAgent",
        "InstallWindowsUpdates",
        "InstallMoreWindowsUpdates",
        "RunPostUpdateScript",
      ],
    );
    const create = definition.States.CreateImage as TaskState;
    assert.equal(create.Resource, "arn:aws:states:::opsflow:automation.createImage");
    assert.deepEqual(create.Retry, [
      { ErrorEquals: ["States.ALL"], MaxAttempts: 2, IntervalSeconds: 1, BackoffRate: 1 },
    ]);
    assert.equal(create.ResultPath, "$.steps.CreateImage");
    assert.equal(create.Next, "RunPreUpdateScript");
    assert.equal(create.Catch?.[0].Next, "CreateImage.abort");
    const more = definition.States.InstallMoreWindowsUpdates as TaskState;
    assert.equal(more.TimeoutSeconds, 3600);
    // Continue is not critical by default: the failure goes straight on to the next step.
    assert.deepEqual(more.Catch, [
      {
        ErrorEquals: ["States.ALL"],
        ResultPath: "$.steps.InstallMoreWindowsUpdates.failure",
        Next: "RunPostUpdateScript",
      },
    ]);
    assert.equal((definition.States.RunPostUpdateScript as TaskState).Next, SUCCEEDED_STATE);
    assert.equal(definition.States[END_CHECK_STATE], undefined);
  });

  test("seed 004: branch, loop with a referenced sleep, step:RestoreVMDisk recorded as critical", () => {
    const { definition, steps } = compiled(seedRunbook(SEED_004));
    const choose = definition.States["ChooseOSforCommands.choose"] as ChoiceState;
    assert.deepEqual(
      choose.Choices.map((rule) => [rule.Variable, rule.StringEquals, rule.Next]),
      [
        [
          "$.steps.ChooseOSforCommands.NextStep",
          "ExtractVMDetailsfromWindows",
          "ExtractVMDetailsfromWindows",
        ],
        [
          "$.steps.ChooseOSforCommands.NextStep",
          "ExtractVMDetailsfromLinux",
          "ExtractVMDetailsfromLinux",
        ],
      ],
    );
    assert.equal(choose.Default, "ExtractVMDetailsfromLinux");
    const loop = definition.States["AssertSnapshotProvisionStatus.next"] as TaskState;
    assert.equal(loop.Resource, "arn:aws:states:::opsflow:automation.loopNext");
    const loopParameters = loop.Parameters as Record<string, unknown>;
    assert.equal(loopParameters.MaxIterations, 3);
    assert.equal(loopParameters.Steps, undefined, "the body is compiled into states");
    assert.equal(
      (definition.States["Sleep.wait"] as WaitState).SecondsPath,
      "$.steps.Sleep.Seconds",
    );
    assert.equal(
      (definition.States.CheckSnapshotStatus as TaskState).Next,
      "AssertSnapshotProvisionStatus.next",
      "the body's isEnd loops back",
    );
    const patches = definition.States.InstallPatches as TaskState;
    assert.equal(patches.Catch?.[0].Next, "InstallPatches.critical");
    assert.equal(definition.States["InstallPatches.critical"].Next, "RestoreVMDisk");
    assert.equal((definition.States.DeleteSnapshot as TaskState).Next, END_CHECK_STATE);
    assert.deepEqual(
      steps.filter((s) => s.loop).map((s) => s.name),
      ["Sleep", "CheckSnapshotStatus"],
    );
  });

  test("a Task's Parameters are the inputs as written, the step's description and the data", () => {
    const { definition } = compiled(
      runbookOf(
        [
          {
            name: "Lookup",
            action: "aws:executeAwsApi",
            inputs: { Service: "ssm", Api: "GetParameter", Name: "{{ Name }}" },
            outputs: [{ Name: "Value", Selector: "$.Parameter.Value", Type: "String" }],
          },
        ],
        { Name: { type: "String" } },
      ),
    );
    assert.deepEqual((definition.States.Lookup as TaskState).Parameters, {
      Service: "ssm",
      Api: "GetParameter",
      Name: "{{ Name }}",
      _step: {
        name: "Lookup",
        action: "aws:executeAwsApi",
        outputs: [{ Name: "Value", Selector: "$.Parameter.Value", Type: "String" }],
      },
      "_data.$": "$",
    });
  });

  test("literal sleeps are Waits, referenced ones a Task then a Wait; pause and approve wait for their task token", () => {
    const { definition } = compiled(
      runbookOf(
        [
          { name: "Short", action: "aws:sleep", inputs: { Duration: "PT1M30.5S" } },
          { name: "Until", action: "aws:sleep", inputs: { Timestamp: "2030-01-01T00:00:00Z" } },
          { name: "Later", action: "aws:sleep", inputs: { Timestamp: "{{ When }}" } },
          { name: "Hold", action: "aws:pause", inputs: {} },
          {
            name: "Ask",
            action: "aws:approve",
            inputs: { Approvers: ["alice"] },
            timeoutSeconds: 600,
          },
        ],
        { When: { type: "String" } },
      ),
    );
    assert.deepEqual(definition.States.Short, { Type: "Wait", Seconds: 91, Next: "Until" });
    assert.deepEqual(definition.States.Until, {
      Type: "Wait",
      Timestamp: "2030-01-01T00:00:00Z",
      Next: "Later",
    });
    assert.equal(
      (definition.States.Later as TaskState).Resource,
      "arn:aws:states:::opsflow:automation.sleep",
    );
    assert.deepEqual(definition.States["Later.wait"], {
      Type: "Wait",
      TimestampPath: "$.steps.Later.Timestamp",
      Next: "Hold",
    });
    assert.equal(
      (definition.States.Hold as TaskState).Resource,
      "arn:aws:states:::opsflow:automation.pause.waitForTaskToken",
    );
    const ask = definition.States.Ask as TaskState;
    assert.equal(ask.Resource, "arn:aws:states:::opsflow:automation.approve.waitForTaskToken");
    assert.equal(ask.TimeoutSeconds, 600);
  });

  test("a step no path reaches is left out (ASL refuses unreachable states) and stays listed", () => {
    const { definition, steps } = compiled(
      runbookOf([
        { name: "A", action: "aws:sleep", inputs: { Duration: "PT1S" }, isEnd: true },
        { name: "Orphan", action: "aws:sleep", inputs: { Duration: "PT1S" } },
      ]),
    );
    assert.deepEqual(Object.keys(definition.States), ["A", SUCCEEDED_STATE]);
    assert.deepEqual(steps[1], {
      name: "Orphan",
      action: "aws:sleep",
      stateName: "Orphan",
      states: [],
      isCritical: true,
    });
  });

  test("every state belongs to its step by name; the automation's own to none", () => {
    const { definition, steps } = compiled(seedRunbook(SEED_004));
    for (const step of steps)
      for (const state of step.states) assert.equal(stepOfState(state), step.name);
    const own = Object.keys(definition.States).filter((name) => stepOfState(name) === undefined);
    assert.deepEqual(own.sort(), ["Automation-End", "Automation-Failed", "Automation-Succeeded"]);
  });

  test("inputs ASL would read as paths, and names too long for states, are refused, located", () => {
    assert.throws(
      () =>
        compileRunbook(
          runbookOf([
            {
              name: "Call",
              action: "aws:invokeLambdaFunction",
              inputs: { FunctionName: "f", InputPayload: { "key.$": "$.x" } },
            },
          ]),
        ),
      (error: unknown) =>
        error instanceof DocumentError &&
        error.code === "InvalidDocumentContent" &&
        error.pointer === "/mainSteps/0/inputs/InputPayload/key.$",
    );
    const long = "L".repeat(78);
    assert.throws(
      () => compileRunbook(runbookOf([{ name: long, action: "aws:pause", inputs: {} }])),
      (error: unknown) => error instanceof DocumentError && error.pointer === "/mainSteps/0/name",
    );
  });
});
