/**
 * A Step Functions workflow that runs a command and waits for it (opsflow:runCommand.sync):
 * the execution waits durably while the agents work, gets each node's status and output,
 * and a command that passes MaxErrors fails the task with Fleet.MaxErrorsExceeded, which
 * Catch handles. A secret given as {{ssm-secure:...}} reaches the node but not the history.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as sfn from "@aws-sdk/client-sfn";
import { PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import {
  eventually,
  type ServerProcess,
  sdkConfig,
  startServerProcess,
} from "../server/harness.js";
import { type AgentProcess, ssmClient, startAgents } from "./fleet-harness.js";

const SECRET = "s3cret-patch-token-4b1f";

/** Files under `dir` whose bytes contain `text`. */
function filesHolding(dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile() && readFileSync(path).includes(text));
}

describe("workflows that wait for commands", () => {
  let server: ServerProcess;
  let ssm: SSMClient;
  let states: sfn.SFNClient;
  let agents: AgentProcess[];

  before(async () => {
    server = await startServerProcess();
    ssm = ssmClient(server.url);
    states = new sfn.SFNClient(sdkConfig(server.url));
    agents = await startAgents(server.url, ssm, 2);
    await ssm.send(
      new PutParameterCommand({ Name: "/patch/token", Value: SECRET, Type: "SecureString" }),
    );
  });
  after(async () => {
    await Promise.all(agents.map((agent) => agent.kill()));
    await server.stop();
  });

  async function run(name: string, definition: object, input: object) {
    const machine = await states.send(
      new sfn.CreateStateMachineCommand({
        name,
        definition: JSON.stringify(definition),
        roleArn: "arn:aws:iam::123456789012:role/x",
      }),
    );
    const started = await states.send(
      new sfn.StartExecutionCommand({
        stateMachineArn: machine.stateMachineArn,
        input: JSON.stringify(input),
      }),
    );
    const done = await eventually(async () => {
      const d = await states.send(
        new sfn.DescribeExecutionCommand({ executionArn: started.executionArn }),
      );
      return d.status === "RUNNING" ? undefined : d;
    }, 40_000);
    const history = await states.send(
      new sfn.GetExecutionHistoryCommand({ executionArn: started.executionArn, maxResults: 1000 }),
    );
    return { done, history: JSON.stringify(history.events) };
  }

  test("the task's result is every node's status and output", async () => {
    const { done, history } = await run(
      "run-and-wait",
      {
        StartAt: "Run",
        States: {
          Run: {
            Type: "Task",
            Resource: "arn:aws:states:::opsflow:runCommand.sync",
            Parameters: {
              DocumentName: "AWS-RunShellScript",
              "InstanceIds.$": "$.nodes",
              Parameters: {
                commands: [
                  "token='{{ssm-secure:/patch/token}}'",
                  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell, not JavaScript
                  "echo token has ${#token} characters",
                ],
              },
            },
            End: true,
          },
        },
      },
      { nodes: agents.map((agent) => agent.instanceId) },
    );
    assert.equal(done.status, "SUCCEEDED", history);
    const output = JSON.parse(done.output ?? "{}");
    assert.equal(output.Status, "Success");
    assert.equal(output.Invocations.length, 2);
    for (const inv of output.Invocations) {
      assert.equal(inv.Status, "Success");
      assert.equal(inv.StandardOutputContent, `token has ${SECRET.length} characters\n`);
    }
    assert.equal(history.includes(SECRET), false, "the secret never reaches the history");
    // The nodes ran it with the secret, and kept none of it once the command ended.
    for (const agent of agents)
      assert.deepEqual(
        filesHolding(agent.stateDir, SECRET),
        [],
        `${agent.stateDir} holds the secret`,
      );
  });

  test("a command that fails on more nodes than MaxErrors fails the task with Fleet.MaxErrorsExceeded", async () => {
    const { done } = await run(
      "run-and-catch",
      {
        StartAt: "Run",
        States: {
          Run: {
            Type: "Task",
            Resource: "arn:aws:states:::opsflow:runCommand.sync",
            Parameters: {
              DocumentName: "AWS-RunShellScript",
              "InstanceIds.$": "$.nodes",
              Parameters: { commands: ["exit 5"] },
            },
            Catch: [
              { ErrorEquals: ["Fleet.MaxErrorsExceeded"], ResultPath: "$.error", Next: "Failed" },
            ],
            End: true,
          },
          Failed: { Type: "Pass", End: true },
        },
      },
      { nodes: [agents[0].instanceId] },
    );
    assert.equal(done.status, "SUCCEEDED");
    const output = JSON.parse(done.output ?? "{}");
    assert.equal(output.error.Error, "Fleet.MaxErrorsExceeded");
    const cause = JSON.parse(output.error.Cause);
    assert.equal(cause.Invocations[0].ResponseCode, 5);
  });

  test("aws-sdk:ssm tasks call the fleet operations: DescribeInstanceInformation, SendCommand, GetCommandInvocation", async () => {
    const { done, history } = await run(
      "sdk-tasks",
      {
        StartAt: "Nodes",
        States: {
          Nodes: {
            Type: "Task",
            Resource: "arn:aws:states:::aws-sdk:ssm:describeInstanceInformation",
            Parameters: { Filters: [{ Key: "PingStatus", Values: ["Online"] }] },
            ResultSelector: { "ids.$": "$.InstanceInformationList[*].InstanceId" },
            ResultPath: "$.online",
            Next: "Send",
          },
          Send: {
            Type: "Task",
            Resource: "arn:aws:states:::aws-sdk:ssm:sendCommand",
            Parameters: {
              DocumentName: "AWS-RunShellScript",
              "InstanceIds.$": "States.Array($.node)",
              Parameters: { commands: ["echo via the sdk"] },
            },
            ResultSelector: { "id.$": "$.Command.CommandId" },
            ResultPath: "$.command",
            Next: "Read",
          },
          Read: {
            Type: "Task",
            Resource: "arn:aws:states:::aws-sdk:ssm:getCommandInvocation",
            Parameters: { "CommandId.$": "$.command.id", "InstanceId.$": "$.node" },
            Retry: [
              {
                ErrorEquals: ["Ssm.InvocationNotFinished"],
                IntervalSeconds: 1,
                MaxAttempts: 20,
                BackoffRate: 1,
              },
            ],
            Next: "Finished?",
          },
          "Finished?": {
            Type: "Choice",
            Choices: [{ Variable: "$.Status", StringEquals: "Success", Next: "Done" }],
            Default: "Wait",
          },
          Wait: { Type: "Wait", Seconds: 1, Next: "Again" },
          Again: {
            Type: "Pass",
            Parameters: { "node.$": "$$.Execution.Input.node", command: { "id.$": "$.CommandId" } },
            Next: "Read",
          },
          Done: { Type: "Pass", End: true },
        },
      },
      { node: agents[0].instanceId },
    );
    assert.equal(done.status, "SUCCEEDED", history);
    const output = JSON.parse(done.output ?? "{}");
    assert.equal(output.StandardOutputContent, "via the sdk\n");
    assert.match(
      history,
      new RegExp(agents[1].instanceId),
      "DescribeInstanceInformation listed the other node too",
    );
  });

  test("an aws-sdk:ssm task that the fleet refuses fails with the SSM error's name", async () => {
    const { done } = await run(
      "sdk-error",
      {
        StartAt: "Send",
        States: {
          Send: {
            Type: "Task",
            Resource: "arn:aws:states:::aws-sdk:ssm:sendCommand",
            Parameters: { DocumentName: "No-Such-Document", InstanceIds: ["mi-00000000000000000"] },
            End: true,
          },
        },
      },
      {},
    );
    assert.equal(done.status, "FAILED");
    assert.equal(done.error, "Ssm.InvalidDocument");
  });
});
