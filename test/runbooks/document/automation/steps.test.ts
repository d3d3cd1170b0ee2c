import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { accepted, oneStep, refused, withSteps } from "./helpers.js";

const sleep = (name: string, fields: Record<string, unknown> = {}) => ({
  name,
  action: "aws:sleep",
  inputs: { Duration: "PT1S" },
  ...fields,
});

/** A loop step whose body is `body`. */
const loop = (name: string, body: unknown[], fields: Record<string, unknown> = {}) => ({
  name,
  action: "aws:loop",
  inputs: { Iterators: ["a", "b"], Steps: body },
  ...fields,
});

describe("Automation runbooks: steps", () => {
  test("every step field is read", () => {
    const doc = accepted(
      withSteps(
        sleep("a", {
          description: "wait",
          maxAttempts: 3,
          timeoutSeconds: 60,
          onFailure: "step:c",
          onCancel: "step:c",
          isCritical: false,
          isEnd: false,
          nextStep: "c",
        }),
        sleep("b"),
        {
          name: "c",
          action: "aws:executeAwsApi",
          inputs: { Service: "ssm", Api: "DescribeInstanceInformation" },
          outputs: [
            {
              Name: "platform",
              Selector: "$.InstanceInformationList[0].PlatformType",
              Type: "String",
            },
          ],
        },
      ),
    );
    assert.deepEqual(doc.mainSteps[0], {
      name: "a",
      action: "aws:sleep",
      inputs: { Duration: "PT1S" },
      description: "wait",
      maxAttempts: 3,
      timeoutSeconds: 60,
      onFailure: "step:c",
      onCancel: "step:c",
      isCritical: false,
      isEnd: false,
      nextStep: "c",
    });
    assert.deepEqual(doc.mainSteps[2].outputs, [
      { Name: "platform", Selector: "$.InstanceInformationList[0].PlatformType", Type: "String" },
    ]);
  });

  test("names: [a-zA-Z0-9_]+, unique across the document, loop bodies included", () => {
    refused(withSteps(sleep("bad-name")), "/mainSteps/0/name", /letters, digits and _/);
    refused(
      withSteps({ action: "aws:sleep", inputs: {} }),
      "/mainSteps/0/name",
      /a step name \(a string\)/,
    );
    refused(withSteps(sleep("a"), sleep("a")), "/mainSteps/1/name", /"a" is used twice/);
    refused(
      withSteps(sleep("a"), loop("l", [sleep("a")])),
      "/mainSteps/1/inputs/Steps/0/name",
      /"a" is used twice/,
    );
    refused(
      withSteps(loop("l", [sleep("x")]), sleep("x")),
      "/mainSteps/1/name",
      /"x" is used twice/,
    );
  });

  test("an action opsflow does not run is refused naming the step and the action", () => {
    refused(
      withSteps({ name: "odd", action: "aws:foo", inputs: {} }),
      "/mainSteps/0/action",
      /^step odd: action aws:foo is not supported by opsflow/,
    );
    refused(
      withSteps({ name: "odd", inputs: {} }),
      "/mainSteps/0/action",
      /an action \(a string\)/,
    );
  });

  test("unknown step keys and non-object inputs are refused", () => {
    refused(withSteps(sleep("a", { retries: 2 })), "/mainSteps/0/retries", /unknown key "retries"/);
    refused(
      oneStep("aws:sleep", "PT1S"),
      "/mainSteps/0/inputs",
      /the inputs of aws:sleep \(an object\)/,
    );
    refused(withSteps({ name: "a", action: "aws:sleep" }), "/mainSteps/0/inputs", /an object/);
    accepted(withSteps({ name: "p", action: "aws:pause" }));
  });

  test("maxAttempts and timeoutSeconds: whole numbers from 1, timeouts within the action's maximum", () => {
    refused(
      withSteps(sleep("a", { maxAttempts: 0 })),
      "/mainSteps/0/maxAttempts",
      /at least 1, got 0/,
    );
    refused(
      withSteps(sleep("a", { maxAttempts: 1.5 })),
      "/mainSteps/0/maxAttempts",
      /whole number/,
    );
    refused(
      withSteps(sleep("a", { timeoutSeconds: 0 })),
      "/mainSteps/0/timeoutSeconds",
      /at least 1/,
    );
    refused(
      oneStep(
        "aws:executeScript",
        { Runtime: "python3.11", Handler: "h", Script: "x" },
        { timeoutSeconds: 601 },
      ),
      "/mainSteps/0/timeoutSeconds",
      /at most 600 \(the maximum for aws:executeScript\)/,
    );
    refused(
      oneStep("aws:invokeLambdaFunction", { FunctionName: "f" }, { timeoutSeconds: 301 }),
      "/mainSteps/0/timeoutSeconds",
      /at most 300/,
    );
    refused(
      oneStep("aws:approve", { Approvers: ["a"] }, { timeoutSeconds: 30 * 86400 + 1 }),
      "/mainSteps/0/timeoutSeconds",
      /at most 2592000/,
    );
    accepted(oneStep("aws:invokeLambdaFunction", { FunctionName: "f" }, { timeoutSeconds: 300 }));
  });

  test("onFailure: Abort, Continue or step:NAME naming a step", () => {
    refused(
      withSteps(sleep("a", { onFailure: "Retry" })),
      "/mainSteps/0/onFailure",
      /Abort, Continue or step:NAME/,
    );
    refused(
      withSteps(sleep("a", { onFailure: "step:nope" }), sleep("b")),
      "/mainSteps/0/onFailure",
      /a step in mainSteps, got "nope"/,
    );
    accepted(withSteps(sleep("a", { onFailure: "Continue" }), sleep("b", { onFailure: "step:a" })));
  });

  test("onCancel: Abort or step:NAME, never to the actions cancels cannot run, never on a loop", () => {
    refused(
      withSteps(sleep("a", { onCancel: "Continue" })),
      "/mainSteps/0/onCancel",
      /Abort or step:NAME/,
    );
    refused(
      withSteps(sleep("a", { onCancel: "step:b" }), sleep("b")),
      "/mainSteps/0/onCancel",
      /b is aws:sleep/,
    );
    for (const action of ["aws:pause", "aws:approve", "aws:createImage", "aws:createTags"]) {
      const inputs =
        action === "aws:approve"
          ? { Approvers: ["a"] }
          : action === "aws:createImage"
            ? { InstanceId: "i", ImageName: "n" }
            : action === "aws:createTags"
              ? { ResourceIds: ["i"], Tags: [{ Key: "k", Value: "v" }] }
              : {};
      refused(
        withSteps(sleep("a", { onCancel: "step:t" }), { name: "t", action, inputs }),
        "/mainSteps/0/onCancel",
        new RegExp(`t is ${action}`),
      );
    }
    refused(
      withSteps(loop("l", [sleep("x")], { onCancel: "Abort" })),
      "/mainSteps/0/onCancel",
      /no onCancel on aws:loop/,
    );
    accepted(withSteps(loop("l", [sleep("x", { onCancel: "Abort" })])));
  });

  test("isCritical and isEnd are booleans; nextStep names a step", () => {
    refused(withSteps(sleep("a", { isEnd: "yes" })), "/mainSteps/0/isEnd", /true or false/);
    refused(withSteps(sleep("a", { isCritical: 1 })), "/mainSteps/0/isCritical", /true or false/);
    refused(
      withSteps(sleep("a", { nextStep: "z" })),
      "/mainSteps/0/nextStep",
      /a step in mainSteps, got "z"/,
    );
    refused(withSteps(sleep("a", { nextStep: 3 })), "/mainSteps/0/nextStep", /a string/);
  });

  test("outputs: Name, a Selector starting with $, a known Type", () => {
    const output = (o: unknown) => withSteps(sleep("a", { outputs: o }));
    refused(output({ Name: "x" }), "/mainSteps/0/outputs", /a list of \{Name, Selector, Type\}/);
    refused(
      output([{ Name: "x", Selector: "Payload.x", Type: "String" }]),
      "/mainSteps/0/outputs/0/Selector",
      /JSONPath starting with \$/,
    );
    refused(
      output([{ Name: "x", Selector: "$.x", Type: "Text" }]),
      "/mainSteps/0/outputs/0/Type",
      /one of String, StringList, Integer, Boolean, MapList, StringMap/,
    );
    refused(
      output([{ Selector: "$.x", Type: "String" }]),
      "/mainSteps/0/outputs/0/Name",
      /an output name/,
    );
    refused(
      output([{ Name: "x", Selector: "$.x", Type: "String", Extra: 1 }]),
      "/mainSteps/0/outputs/0/Extra",
      /unknown key/,
    );
    refused(
      output([
        { Name: "x", Selector: "$.x", Type: "String" },
        { Name: "x", Selector: "$.y", Type: "String" },
      ]),
      "/mainSteps/0/outputs/1/Name",
      /used twice/,
    );
  });

  test("inside a loop body, nextStep and onFailure point at body steps", () => {
    refused(
      withSteps(sleep("outside"), loop("l", [sleep("x", { nextStep: "outside" })])),
      "/mainSteps/1/inputs/Steps/0/nextStep",
      /a step in the same loop body, got "outside"/,
    );
    refused(
      withSteps(sleep("outside"), loop("l", [sleep("x", { onFailure: "step:outside" })])),
      "/mainSteps/1/inputs/Steps/0/onFailure",
      /in the same loop body/,
    );
    refused(
      withSteps(loop("l", [sleep("x")]), sleep("after", { nextStep: "x" })),
      "/mainSteps/1/nextStep",
      /a step in mainSteps, got "x"/,
    );
    const doc = accepted(
      withSteps(loop("l", [sleep("x", { nextStep: "y" }), sleep("y", { isEnd: true })])),
    );
    assert.deepEqual(
      doc.mainSteps[0].steps?.map((s) => s.nextStep ?? null),
      ["y", null],
    );
  });
});
