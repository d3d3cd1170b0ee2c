/**
 * Run Command end to end: real agents on this machine, a real server, the official SSM client
 * and the AWS CLI. Tag targeting, rate control (what runs and what is never sent), execution
 * timeouts and cancellation that kill whole process trees, and output cut as AWS cuts it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  AddTagsToResourceCommand,
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import {
  ADMIN,
  eventually,
  rest,
  type ServerProcess,
  startServerProcess,
} from "../server/harness.js";
import { type AgentProcess, ssmClient, startAgents } from "./fleet-harness.js";

const ENDED = new Set(["Success", "Failed", "TimedOut", "Cancelled"]);

describe("Run Command with real agents", () => {
  let server: ServerProcess;
  let ssm: SSMClient;
  let agents: AgentProcess[];
  const scratch = mkdtempSync(join(tmpdir(), "opsflow-run-command-"));

  before(async () => {
    server = await startServerProcess();
    ssm = ssmClient(server.url);
    agents = await startAgents(server.url, ssm, 3);
  });
  after(async () => {
    await Promise.all(agents.map((agent) => agent.kill()));
    await server.stop();
  });

  async function ended(commandId: string) {
    return eventually(async () => {
      const { Commands } = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
      const command = Commands?.[0];
      return command && ENDED.has(command.Status ?? "") ? command : undefined;
    }, 30_000);
  }

  async function invocations(commandId: string) {
    const { CommandInvocations } = await ssm.send(
      new ListCommandInvocationsCommand({ CommandId: commandId, Details: true }),
    );
    return new Map((CommandInvocations ?? []).map((inv) => [inv.InstanceId as string, inv]));
  }

  test("a command targeted by tag runs on the tagged nodes only, and its output is read back", async () => {
    const [a, b, c] = agents;
    for (const node of [a, b])
      await ssm.send(
        new AddTagsToResourceCommand({
          ResourceType: "ManagedInstance",
          ResourceId: node.instanceId,
          Tags: [{ Key: "env", Value: "staging" }],
        }),
      );
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: "ManagedInstance",
        ResourceId: c.instanceId,
        Tags: [{ Key: "env", Value: "prod" }],
      }),
    );
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        Targets: [{ Key: "tag:env", Values: ["staging"] }],
        Parameters: { commands: ["echo hello from $(hostname)", "echo oops >&2"] },
        Comment: "tag targeting",
      }),
    );
    const commandId = sent.Command?.CommandId as string;
    assert.equal(sent.Command?.TargetCount, 2);
    const command = await ended(commandId);
    assert.equal(command.Status, "Success");
    assert.equal(command.CompletedCount, 2);
    const byNode = await invocations(commandId);
    assert.deepEqual([...byNode.keys()].sort(), [a.instanceId, b.instanceId].sort());
    const output = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: a.instanceId }),
    );
    assert.equal(output.Status, "Success");
    assert.equal(output.ResponseCode, 0);
    assert.match(output.StandardOutputContent ?? "", /^hello from /);
    assert.equal(output.StandardErrorContent, "oops\n");
  });

  test("MaxConcurrency 1 and MaxErrors 0: after the first failure nothing more is sent", async () => {
    const marker = join(scratch, "rate-control");
    const ids = agents.map((agent) => agent.instanceId);
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds: ids,
        MaxConcurrency: "1",
        MaxErrors: "0",
        // Every node that runs it leaves a file; the first node to run it fails.
        Parameters: { commands: [`touch ${marker}-$(cat /proc/sys/kernel/random/uuid)`, "exit 3"] },
      }),
    );
    const commandId = sent.Command?.CommandId as string;
    const command = await ended(commandId);
    assert.equal(command.Status, "Failed");
    assert.equal(command.StatusDetails, "Failed");
    assert.equal(command.ErrorCount, 1);
    const byNode = await invocations(commandId);
    const first = byNode.get(ids[0]);
    assert.equal(first?.Status, "Failed");
    assert.equal(first?.CommandPlugins?.[0]?.ResponseCode, 3);
    for (const id of ids.slice(1)) {
      assert.equal(byNode.get(id)?.Status, "Cancelled");
      assert.equal(byNode.get(id)?.StatusDetails, "Terminated");
    }
    const ran = spawnSync("sh", ["-c", `ls ${scratch} | grep -c rate-control`], {
      encoding: "utf8",
    });
    assert.equal(ran.stdout.trim(), "1", "only the first node ran the command");
  });

  test("an execution timeout kills the whole process tree and ends ExecutionTimedOut", async () => {
    const late = join(scratch, "after-timeout");
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds: [agents[0].instanceId],
        Parameters: {
          commands: [`(sleep 4; touch ${late}) &`, "sleep 30"],
          executionTimeout: ["2"],
        },
      }),
    );
    const commandId = sent.Command?.CommandId as string;
    const command = await ended(commandId);
    assert.equal(command.Status, "Failed");
    const inv = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: agents[0].instanceId }),
    );
    assert.equal(inv.Status, "TimedOut");
    assert.equal(inv.StatusDetails, "ExecutionTimedOut");
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(existsSync(late), false, "the background child was killed with the script");
  });

  test("CancelCommand stops a running command on its node, children included", async () => {
    const started = join(scratch, "cancel-started");
    const late = join(scratch, "cancel-late");
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds: [agents[1].instanceId],
        Parameters: { commands: [`touch ${started}`, `(sleep 3; touch ${late}) &`, "sleep 60"] },
      }),
    );
    const commandId = sent.Command?.CommandId as string;
    await eventually(async () => (existsSync(started) ? true : undefined));
    await ssm.send(new CancelCommandCommand({ CommandId: commandId }));
    const command = await ended(commandId);
    assert.equal(command.Status, "Cancelled");
    const inv = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: agents[1].instanceId }),
    );
    assert.equal(inv.Status, "Cancelled");
    await new Promise((resolve) => setTimeout(resolve, 4000));
    assert.equal(existsSync(late), false, "the child was killed with the script");
  });

  test("output over 24,000 characters is cut in GetCommandInvocation; the full output stays readable", async () => {
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds: [agents[2].instanceId],
        Parameters: {
          commands: ["i=0; while [ $i -lt 5000 ]; do printf '%09d\\n' $i; i=$((i+1)); done"],
        },
      }),
    );
    const commandId = sent.Command?.CommandId as string;
    await ended(commandId);
    const inv = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: agents[2].instanceId }),
    );
    assert.equal(inv.StandardOutputContent?.length, 24_000);
    const full = await fetch(
      `${server.url}/v1/commands/${commandId}/invocations/${agents[2].instanceId}/output?stream=stdout`,
      {
        headers: { authorization: `Bearer ${ADMIN.token}` },
      },
    );
    assert.equal(full.status, 200);
    const text = await full.text();
    assert.equal(text.length, 50_000);
    assert.ok(text.endsWith("000004999\n"));
  });

  test("the AWS CLI sends a command and reads its output", async () => {
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
      AWS_DEFAULT_REGION: "us-east-1",
    };
    const aws = (...args: string[]) => {
      const result = spawnSync(
        "aws",
        ["ssm", ...args, "--endpoint-url", server.url, "--output", "json"],
        { encoding: "utf8", env },
      );
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout);
    };
    const sent = aws(
      "send-command",
      "--document-name",
      "AWS-RunShellScript",
      "--instance-ids",
      agents[0].instanceId,
      "--parameters",
      "commands=echo from the cli",
    );
    const commandId = sent.Command.CommandId as string;
    await ended(commandId);
    const inv = aws(
      "get-command-invocation",
      "--command-id",
      commandId,
      "--instance-id",
      agents[0].instanceId,
    );
    assert.equal(inv.Status, "Success");
    assert.equal(inv.StandardOutputContent, "from the cli\n");
  });

  test("NotificationConfig sends the command's end to an opsflow topic", async () => {
    const received: { Subject?: string; Message: string }[] = [];
    const hook = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        received.push(JSON.parse(body));
        response.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    try {
      const port = (hook.address() as AddressInfo).port;
      const topic = await rest(server.url, "POST", "/v1/topics", { name: "fleet-notices" });
      assert.equal(topic.status, 201, JSON.stringify(topic.body));
      const sub = await rest(server.url, "POST", "/v1/topics/fleet-notices/subscriptions", {
        protocol: "http",
        endpoint: `http://127.0.0.1:${port}/hook`,
      });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      const sent = await ssm.send(
        new SendCommandCommand({
          DocumentName: "AWS-RunShellScript",
          InstanceIds: [agents[0].instanceId],
          Parameters: { commands: ["true"] },
          ServiceRoleArn: "arn:aws:iam::123456789012:role/notify",
          NotificationConfig: {
            NotificationArn: topic.body.topicArn ?? topic.body.arn,
            NotificationEvents: ["Success", "Failed"],
            NotificationType: "Command",
          },
        }),
      );
      const commandId = sent.Command?.CommandId as string;
      await ended(commandId);
      const notice = await eventually(async () =>
        received.find((m) => m.Message.includes(commandId)),
      );
      const message = JSON.parse(notice.Message);
      assert.equal(message.status, "Success");
      assert.deepEqual(message.instanceIds, [agents[0].instanceId]);
    } finally {
      hook.close();
    }
  });
});
