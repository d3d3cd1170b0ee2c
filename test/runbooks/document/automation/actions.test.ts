import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AUTOMATION_ACTIONS } from "../../../../src/runbooks/document/index.js";
import { accepted, oneStep, refused, withSteps } from "./helpers.js";

const AT = "/mainSteps/0/inputs";

/** A valid step of each action: every registered action is accepted with these inputs. */
const VALID: Record<string, Record<string, unknown>> = {
  "aws:runCommand": {
    DocumentName: "AWS-RunShellScript",
    InstanceIds: ["i-1"],
    Parameters: { commands: ["ls"] },
  },
  "aws:executeScript": {
    Runtime: "python3.11",
    Handler: "h",
    Script: "def h(e, c): return e",
    InputPayload: {},
  },
  "aws:invokeLambdaFunction": { FunctionName: "f", InputPayload: { a: 1 } },
  "aws:executeAwsApi": { Service: "ssm", Api: "DescribeInstanceInformation", Filters: [] },
  "aws:branch": { Choices: [{ NextStep: "only", Variable: "x", StringEquals: "x" }] },
  "aws:loop": { Iterators: ["a"], Steps: [{ name: "body", action: "aws:pause", inputs: {} }] },
  "aws:sleep": { Duration: "PT1S" },
  "aws:pause": {},
  "aws:approve": { Approvers: ["alice"], MinRequiredApprovals: 1, Message: "ok?" },
  "aws:waitForAwsResourceProperty": {
    Service: "ec2",
    Api: "DescribeInstances",
    PropertySelector: "$.State",
    DesiredValues: ["running"],
  },
  "aws:assertAwsResourceProperty": {
    Service: "ec2",
    Api: "DescribeInstances",
    PropertySelector: "$.State",
    DesiredValues: ["running"],
  },
  "aws:executeAutomation": { DocumentName: "Child", RuntimeParameters: { a: ["b"] } },
  "aws:executeStateMachine": { stateMachineArn: "arn:aws:states:r:1:stateMachine:x", input: "{}" },
  "aws:invokeWebhook": { IntegrationName: "hook", Body: "{}" },
  "aws:createImage": { InstanceId: "i-1", ImageName: "img", NoReboot: true },
  "aws:deleteImage": { ImageId: "ami-1" },
  "aws:changeInstanceState": { InstanceIds: ["i-1"], DesiredState: "stopped" },
  "aws:createTags": { ResourceIds: ["i-1"], Tags: [{ Key: "k", Value: "v" }] },
  "aws:copyImage": { SourceRegion: "r", SourceImageId: "ami-1", ImageName: "copy" },
  "aws:runInstances": { ImageId: "ami-1", InstanceType: "t3.micro" },
  "aws:createStack": { StackName: "s", TemplateBody: "{}" },
  "aws:deleteStack": { StackName: "s" },
};

describe("Automation runbooks: actions", () => {
  test("every registered action accepts valid inputs and has a test here", () => {
    assert.deepEqual(Object.keys(VALID).sort(), Object.keys(AUTOMATION_ACTIONS).sort());
    for (const [action, inputs] of Object.entries(VALID)) accepted(oneStep(action, inputs));
  });

  test("required inputs are named", () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ["aws:runCommand", {}, "DocumentName"],
      ["aws:executeScript", { Handler: "h", Script: "x" }, "Runtime"],
      ["aws:invokeLambdaFunction", {}, "FunctionName"],
      ["aws:executeAwsApi", { Api: "X" }, "Service"],
      ["aws:executeAwsApi", { Service: "ssm" }, "Api"],
      ["aws:branch", {}, "Choices"],
      ["aws:loop", { Iterators: ["a"] }, "Steps"],
      ["aws:approve", {}, "Approvers"],
      [
        "aws:waitForAwsResourceProperty",
        { Service: "s", Api: "A", DesiredValues: ["x"] },
        "PropertySelector",
      ],
      [
        "aws:assertAwsResourceProperty",
        { Service: "s", Api: "A", PropertySelector: "$.x" },
        "DesiredValues",
      ],
      ["aws:executeAutomation", {}, "DocumentName"],
      ["aws:executeStateMachine", {}, "stateMachineArn"],
      ["aws:invokeWebhook", {}, "IntegrationName"],
      ["aws:createImage", { InstanceId: "i" }, "ImageName"],
      ["aws:deleteImage", {}, "ImageId"],
      ["aws:changeInstanceState", { InstanceIds: ["i"] }, "DesiredState"],
      ["aws:createTags", { Tags: [] }, "ResourceIds"],
      ["aws:copyImage", { SourceRegion: "r", ImageName: "n" }, "SourceImageId"],
      ["aws:runInstances", {}, "ImageId"],
      ["aws:createStack", { TemplateBody: "{}" }, "StackName"],
      ["aws:deleteStack", {}, "StackName"],
    ];
    for (const [action, inputs, missing] of cases)
      refused(
        oneStep(action, inputs),
        `${AT}/${missing}`,
        new RegExp(`expected input ${missing} \\(required by ${action}`),
      );
  });

  test("literal inputs are typed; a {{ }} reference may stand for any type", () => {
    refused(
      oneStep("aws:runCommand", { DocumentName: 5 }),
      `${AT}/DocumentName`,
      /DocumentName as a string, got 5/,
    );
    refused(
      oneStep("aws:runCommand", { DocumentName: "d", InstanceIds: "i-1" }),
      `${AT}/InstanceIds`,
      /a string list/,
    );
    refused(
      oneStep("aws:runCommand", { DocumentName: "d", Parameters: [] }),
      `${AT}/Parameters`,
      /an object/,
    );
    refused(
      oneStep("aws:runCommand", { DocumentName: "d", TimeoutSeconds: "soon" }),
      `${AT}/TimeoutSeconds`,
      /an integer/,
    );
    refused(
      oneStep("aws:runCommand", { DocumentName: "d", InstanceIds: ["i"], Targets: [] }),
      `${AT}/Targets`,
      /InstanceIds or Targets, not both/,
    );
    refused(
      oneStep("aws:runCommand", { DocumentName: "d", Bogus: 1 }),
      `${AT}/Bogus`,
      /unknown input "Bogus" for aws:runCommand/,
    );
    refused(
      oneStep("aws:createImage", { InstanceId: "i", ImageName: "n", NoReboot: "maybe" }),
      `${AT}/NoReboot`,
      /a boolean/,
    );
    refused(
      oneStep("aws:createTags", { ResourceIds: ["i"], Tags: ["k=v"] }),
      `${AT}/Tags`,
      /a list of objects/,
    );
    refused(
      oneStep("aws:changeInstanceState", { InstanceIds: ["i"], DesiredState: "paused" }),
      `${AT}/DesiredState`,
      /one of running, stopped, terminated/,
    );
    refused(
      oneStep("aws:createTags", { ResourceIds: ["i"], Tags: [], ResourceType: "S3" }),
      `${AT}/ResourceType`,
      /one of EC2, ManagedInstance/,
    );
    refused(
      oneStep("aws:invokeLambdaFunction", { FunctionName: "f", InvocationType: "Later" }),
      `${AT}/InvocationType`,
      /RequestResponse, Event, DryRun/,
    );
    refused(
      oneStep("aws:invokeLambdaFunction", { FunctionName: "f", InputPayload: "x" }),
      `${AT}/InputPayload`,
      /an object/,
    );
    refused(
      oneStep("aws:executeAutomation", { DocumentName: "d", Tags: [{}, {}, {}, {}, {}, {}] }),
      `${AT}/Tags`,
      /at most 5 tags/,
    );
    refused(
      oneStep("aws:createStack", { StackName: "s" }),
      `${AT}/TemplateBody`,
      /TemplateBody or TemplateURL/,
    );
    refused(
      oneStep("aws:deleteStack", { StackName: "s", RetainResources: "r" }),
      `${AT}/RetainResources`,
      /a string list/,
    );
    refused(
      oneStep("aws:copyImage", {
        SourceRegion: "r",
        SourceImageId: "a",
        ImageName: "n",
        Encrypted: "no",
      }),
      `${AT}/Encrypted`,
      /a boolean/,
    );
    refused(
      oneStep("aws:runInstances", { ImageId: "a", MaxInstanceCount: "many" }),
      `${AT}/MaxInstanceCount`,
      /an integer/,
    );
    refused(
      oneStep("aws:pause", { Reason: "x" }),
      `${AT}/Reason`,
      /unknown input "Reason" for aws:pause/,
    );
    accepted(
      withSteps(
        {
          name: "s",
          action: "aws:runCommand",
          inputs: { DocumentName: "d", InstanceIds: "{{ InstanceId }}" },
        },
        {
          name: "t",
          action: "aws:createImage",
          inputs: { InstanceId: "i", ImageName: "n", NoReboot: "{{ InstanceId }}" },
        },
      ),
    );
    // API passthrough actions take the operation's own fields.
    accepted(
      oneStep("aws:executeAwsApi", {
        Service: "ec2",
        Api: "DescribeInstances",
        InstanceIds: ["i"],
        DryRun: false,
      }),
    );
  });

  test("aws:executeScript: Runtime python3.x, nodejs* or PowerShell*; Handler; Script or Attachment", () => {
    refused(
      oneStep("aws:executeScript", { Runtime: "ruby3", Handler: "h", Script: "x" }),
      `${AT}/Runtime`,
      /python3.x, nodejs\* or PowerShell\*/,
    );
    refused(
      oneStep("aws:executeScript", { Runtime: "python3.8", Script: "x" }),
      `${AT}/Handler`,
      /required by aws:executeScript with python3.8/,
    );
    refused(
      oneStep("aws:executeScript", { Runtime: "python3.8", Handler: "h" }),
      `${AT}/Script`,
      /Script or Attachment/,
    );
    refused(
      oneStep("aws:executeScript", {
        Runtime: "python3.8",
        Handler: "h",
        Script: "x",
        Attachment: "a.zip",
      }),
      `${AT}/Attachment`,
      /not both/,
    );
    refused(
      oneStep("aws:executeScript", {
        Runtime: "nodejs20.x",
        Handler: "h",
        Script: "x",
        InputPayload: [1],
      }),
      `${AT}/InputPayload`,
      /an object/,
    );
    accepted(oneStep("aws:executeScript", { Runtime: "PowerShell 7.4", Script: "Write-Output 1" }));
    accepted(
      oneStep("aws:executeScript", {
        Runtime: "nodejs20.x",
        Handler: "index.handler",
        Attachment: "code.zip",
      }),
    );
  });

  test("aws:branch: choices with NextStep and a known operator, targets that exist", () => {
    const branch = (inputs: unknown) =>
      withSteps(
        { name: "b", action: "aws:branch", inputs },
        { name: "x", action: "aws:pause", inputs: {} },
      );
    const choice = (fields: Record<string, unknown>) =>
      branch({ Choices: [{ NextStep: "x", Variable: "{{ InstanceId }}", ...fields }] });
    refused(branch({ Choices: [] }), `${AT}/Choices`, /a non-empty list of choices/);
    refused(
      branch({ Choices: [{ Variable: "v", StringEquals: "a" }] }),
      `${AT}/Choices/0/NextStep`,
      /the name of a step/,
    );
    refused(
      choice({ StringLike: "a*" }),
      `${AT}/Choices/0/StringLike`,
      /unknown operator "StringLike"/,
    );
    refused(
      choice({}),
      `${AT}/Choices/0`,
      /exactly one comparison operator beside Variable, got none/,
    );
    refused(
      choice({ StringEquals: "a", Contains: "b" }),
      `${AT}/Choices/0`,
      /got StringEquals, Contains/,
    );
    refused(choice({ NumericGreater: "ten" }), `${AT}/Choices/0/NumericGreater`, /a number/);
    refused(choice({ BooleanEquals: "yes" }), `${AT}/Choices/0/BooleanEquals`, /true or false/);
    refused(choice({ StringEquals: 5 }), `${AT}/Choices/0/StringEquals`, /a string/);
    refused(
      branch({ Choices: [{ NextStep: "x", StringEquals: "a" }] }),
      `${AT}/Choices/0/Variable`,
      /expected Variable/,
    );
    refused(
      branch({ Choices: [{ NextStep: "x", And: [] }] }),
      `${AT}/Choices/0/And`,
      /non-empty list of conditions/,
    );
    refused(
      branch({
        Choices: [
          {
            NextStep: "x",
            Or: [
              { Variable: "v", EqualsIgnoreCase: "a" },
              { Variable: "v", Matches: "b" },
            ],
          },
        ],
      }),
      `${AT}/Choices/0/Or/1/Matches`,
      /unknown operator/,
    );
    refused(
      branch({
        Choices: [{ NextStep: "x", Not: { Variable: "v", StringEquals: "a" }, Variable: "v" }],
      }),
      `${AT}/Choices/0/Variable`,
      /nothing beside Not/,
    );
    refused(
      branch({ Choices: [{ NextStep: "nowhere", Variable: "v", StringEquals: "a" }] }),
      `${AT}/Choices/0/NextStep`,
      /a step in mainSteps, got "nowhere"/,
    );
    refused(
      branch({ Choices: [{ NextStep: "x", Variable: "v", StringEquals: "a" }], Default: "gone" }),
      `${AT}/Default`,
      /got "gone"/,
    );
    accepted(
      branch({
        Choices: [
          {
            NextStep: "x",
            And: [
              { Variable: "v", NumericGreaterOrEquals: 3 },
              { Not: { Variable: "v", StartsWith: "a" } },
            ],
          },
          { NextStep: "x", Variable: "v", BooleanEquals: true },
        ],
        Default: "x",
      }),
    );
  });

  test("aws:loop: Iterators or LoopCondition, MaxIterations up to 100, a body", () => {
    const body = [{ name: "in", action: "aws:pause", inputs: {} }];
    refused(oneStep("aws:loop", { Steps: body }), AT, /Iterators \(for each\) or LoopCondition/);
    refused(
      oneStep("aws:loop", {
        Iterators: ["a"],
        LoopCondition: { Variable: "v", StringEquals: "a" },
        Steps: body,
      }),
      `${AT}/LoopCondition`,
      /not both/,
    );
    refused(
      oneStep("aws:loop", { Iterators: ["a"], MaxIterations: 101, Steps: body }),
      `${AT}/MaxIterations`,
      /from 1 to 100, got 101/,
    );
    refused(
      oneStep("aws:loop", { Iterators: Array.from({ length: 101 }, String), Steps: body }),
      `${AT}/Iterators`,
      /at most 100/,
    );
    refused(
      oneStep("aws:loop", { LoopCondition: { Variable: "v", Equals: "a" }, Steps: body }),
      `${AT}/LoopCondition/Equals`,
      /unknown operator/,
    );
    refused(
      oneStep("aws:loop", { Iterators: ["a"], IteratorDataType: "Float", Steps: body }),
      `${AT}/IteratorDataType`,
      /String, Integer, Boolean, StringMap/,
    );
    refused(
      oneStep("aws:loop", { Iterators: ["a"], Steps: [] }),
      `${AT}/Steps`,
      /non-empty list of steps/,
    );
    refused(
      oneStep("aws:loop", {
        Iterators: ["a"],
        Steps: [{ name: "in", action: "aws:sleep", inputs: {} }],
      }),
      `${AT}/Steps/0/inputs/Duration`,
      /Duration or Timestamp/,
    );
    const doc = accepted(
      oneStep("aws:loop", {
        MaxIterations: 3,
        LoopCondition: { Variable: "{{ in.ApprovalStatus }}", StringEquals: "Waiting" },
        Steps: [
          {
            name: "in",
            action: "aws:approve",
            inputs: { Approvers: ["{{ only.CurrentIteratorValue }}"] },
          },
        ],
      }),
    );
    assert.ok(doc.documentType === "Automation");
    assert.equal(doc.mainSteps[0].steps?.[0].action, "aws:approve");
  });

  test("aws:sleep: an ISO 8601 Duration up to 604799 s, or a Timestamp", () => {
    refused(
      oneStep("aws:sleep", { Duration: "10 minutes" }),
      `${AT}/Duration`,
      /an ISO 8601 duration/,
    );
    refused(oneStep("aws:sleep", { Duration: "PT" }), `${AT}/Duration`, /an ISO 8601 duration/);
    refused(
      oneStep("aws:sleep", { Duration: "P7D" }),
      `${AT}/Duration`,
      /at most 604799 seconds, got "P7D" \(604800 s\)/,
    );
    refused(
      oneStep("aws:sleep", { Timestamp: "tomorrow" }),
      `${AT}/Timestamp`,
      /ISO 8601 date-time/,
    );
    refused(
      oneStep("aws:sleep", { Duration: "PT1S", Timestamp: "2024-01-01T00:00:00Z" }),
      `${AT}/Timestamp`,
      /exactly one/,
    );
    refused(oneStep("aws:sleep", {}), `${AT}/Duration`, /exactly one/);
    accepted(oneStep("aws:sleep", { Duration: "P6DT23H59M59S" }));
    accepted(oneStep("aws:sleep", { Timestamp: "2024-01-01T00:00:00+02:00" }));
    accepted(oneStep("aws:sleep", { Duration: "{{ InstanceId }}" }));
  });

  test("aws:approve: 1 to 10 approvers, MinRequiredApprovals within them, Message up to 4096", () => {
    const approvers = Array.from({ length: 11 }, (_, i) => `user${i}`);
    refused(oneStep("aws:approve", { Approvers: approvers }), `${AT}/Approvers`, /1 to 10 names/);
    refused(oneStep("aws:approve", { Approvers: [] }), `${AT}/Approvers`, /1 to 10/);
    refused(
      oneStep("aws:approve", { Approvers: ["a", "b"], MinRequiredApprovals: 3 }),
      `${AT}/MinRequiredApprovals`,
      /from 1 to 2, got 3/,
    );
    refused(
      oneStep("aws:approve", { Approvers: ["a"], Message: "x".repeat(4097) }),
      `${AT}/Message`,
      /at most 4096 characters/,
    );
    refused(
      oneStep("aws:approve", { Approvers: ["a"], NotificationArn: 5 }),
      `${AT}/NotificationArn`,
      /a string/,
    );
    accepted(
      oneStep("aws:approve", {
        Approvers: approvers.slice(0, 10),
        MinRequiredApprovals: 10,
        NotificationArn: "arn:aws:sns:r:1:AutomationTopic",
      }),
    );
  });

  test("property actions: PropertySelector is a JSONPath, DesiredValues a non-empty list", () => {
    for (const action of ["aws:waitForAwsResourceProperty", "aws:assertAwsResourceProperty"]) {
      refused(
        oneStep(action, {
          Service: "s",
          Api: "A",
          PropertySelector: "State",
          DesiredValues: ["x"],
        }),
        `${AT}/PropertySelector`,
        /starting with \$/,
      );
      refused(
        oneStep(action, { Service: "s", Api: "A", PropertySelector: "$.State", DesiredValues: [] }),
        `${AT}/DesiredValues`,
        /non-empty list/,
      );
    }
  });
});
