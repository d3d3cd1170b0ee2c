/**
 * Run Command through @aws-sdk/client-ssm against a real server process, with a node that
 * registers and signs its own agent calls (no agent process): refused SendCommands change
 * nothing; a command is listed, delivered, run (as the node reports it) and its output read
 * back through ListCommandInvocations and GetCommandInvocation; CancelCommand; ListCommands'
 * filters; SendCommand is authorised on the document and on each node.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as ssm from "@aws-sdk/client-ssm";
import { makeUser } from "./auth-helpers.js";
import { rest, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";
import { rejectsWith } from "./sdk-helpers.js";
import { registerNode, type TestNode } from "./ssm-fleet-node.js";

let server: ServerProcess;
let client: ssm.SSMClient;
let node: TestNode;
let other: TestNode;

before(async () => {
  server = await startServerProcess();
  client = new ssm.SSMClient(sdkConfig(server.url));
  const created = await client.send(
    new ssm.CreateActivationCommand({
      IamRole: "R",
      RegistrationLimit: 2,
      DefaultInstanceName: "box",
    }),
  );
  const activation = { id: created.ActivationId as string, code: created.ActivationCode as string };
  node = await registerNode(server.url, activation);
  other = await registerNode(server.url, activation);
  await client.send(
    new ssm.AddTagsToResourceCommand({
      ResourceType: "ManagedInstance",
      ResourceId: other.id,
      Tags: [{ Key: "role", Value: "db" }],
    }),
  );
});
after(async () => {
  client?.destroy();
  await server?.stop();
});

const send = (input: Partial<ssm.SendCommandCommandInput>) =>
  client.send(
    new ssm.SendCommandCommand({
      DocumentName: "AWS-RunShellScript",
      Parameters: { commands: ["echo hello"] },
      ...input,
    }),
  );
const listCommands = async (input: ssm.ListCommandsCommandInput = {}) =>
  (await client.send(new ssm.ListCommandsCommand(input))).Commands ?? [];

describe("Run Command through @aws-sdk/client-ssm", () => {
  test("refused SendCommands change nothing", async () => {
    await rejectsWith(
      send({ DocumentName: "No-Such-Document", InstanceIds: [node.id] }),
      "InvalidDocument",
    );
    await rejectsWith(
      send({ InstanceIds: [node.id], Parameters: { commands: ["x"], colour: ["red"] } }),
      "InvalidParameters",
      /colour/,
    );
    await rejectsWith(
      send({ InstanceIds: [node.id], Parameters: {} }),
      "InvalidParameters",
      /commands/,
    );
    await rejectsWith(send({ InstanceIds: ["mi-0123456789abcdef0"] }), "InvalidInstanceId");
    await rejectsWith(send({ InstanceIds: [node.id, node.id] }), "DuplicateInstanceId");
    await rejectsWith(
      send({ InstanceIds: [node.id], Targets: [{ Key: "tag:role", Values: ["db"] }] }),
      "ValidationException",
      /not both/,
    );
    await rejectsWith(
      send({ InstanceIds: [node.id], MaxConcurrency: "0" }),
      "ValidationException",
      /MaxConcurrency/,
    );
    await rejectsWith(
      send({ InstanceIds: [node.id], MaxErrors: "x%" }),
      "ValidationException",
      /MaxErrors/,
    );
    await rejectsWith(
      send({ InstanceIds: [node.id], TimeoutSeconds: 5 }),
      "ValidationException",
      /TimeoutSeconds/,
    );
    await rejectsWith(
      send({ InstanceIds: [node.id], NotificationConfig: { NotificationArn: "not-an-arn" } }),
      "InvalidNotificationConfig",
    );
    await rejectsWith(
      send({ InstanceIds: [node.id], DocumentHash: "0".repeat(64) }),
      "InvalidDocument",
      /DocumentHash/,
    );
    assert.deepEqual(await listCommands(), []);
    assert.deepEqual(
      (await client.send(new ssm.ListCommandInvocationsCommand({}))).CommandInvocations,
      [],
    );
  });

  test("a command: sent, listed, delivered, run and its output read back", async () => {
    const { Command: sent } = await send({
      InstanceIds: [node.id],
      Comment: "say hello",
      TimeoutSeconds: 600,
      MaxConcurrency: "1",
      MaxErrors: "0",
      OutputS3BucketName: "my-bucket",
      CloudWatchOutputConfig: { CloudWatchOutputEnabled: false },
      NotificationConfig: {
        NotificationArn: "arn:aws:sns:us-east-1:123456789012:ops",
        NotificationEvents: ["Success", "Failed"],
        NotificationType: "Command",
      },
      ServiceRoleArn: "arn:aws:iam::123456789012:role/notify",
    });
    assert.match(sent?.CommandId ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(sent?.DocumentName, "AWS-RunShellScript");
    assert.equal(sent?.DocumentVersion, "1");
    assert.equal(sent?.Comment, "say hello");
    assert.deepEqual(sent?.Parameters, { commands: ["echo hello"] });
    assert.deepEqual(sent?.InstanceIds, [node.id]);
    assert.deepEqual(sent?.Targets, []);
    assert.equal(sent?.Status, "Pending");
    assert.equal(sent?.TargetCount, 1);
    assert.equal(sent?.CompletedCount, 0);
    assert.equal(sent?.ErrorCount, 0);
    assert.equal(sent?.MaxConcurrency, "1");
    assert.equal(sent?.MaxErrors, "0");
    assert.equal(sent?.TimeoutSeconds, 600);
    assert.equal(sent?.OutputS3BucketName, "my-bucket");
    assert.equal(sent?.ServiceRole, "arn:aws:iam::123456789012:role/notify");
    assert.deepEqual(sent?.NotificationConfig, {
      NotificationArn: "arn:aws:sns:us-east-1:123456789012:ops",
      NotificationEvents: ["Success", "Failed"],
      NotificationType: "Command",
    });
    assert.ok(sent?.RequestedDateTime instanceof Date && sent.ExpiresAfter instanceof Date);
    assert.equal(
      (sent?.ExpiresAfter?.getTime() ?? 0) - (sent?.RequestedDateTime?.getTime() ?? 0),
      600_000,
    );
    const commandId = sent?.CommandId as string;

    assert.deepEqual(
      (await listCommands()).map((c) => c.CommandId),
      [commandId],
    );
    assert.deepEqual(
      (await listCommands({ InstanceId: node.id })).map((c) => c.CommandId),
      [commandId],
    );
    assert.deepEqual(await listCommands({ InstanceId: other.id }), []);
    const pending = await client.send(
      new ssm.ListCommandInvocationsCommand({ CommandId: commandId, Details: true }),
    );
    const invocation = pending.CommandInvocations?.[0];
    assert.equal(invocation?.InstanceId, node.id);
    assert.equal(invocation?.InstanceName, "box");
    assert.equal(invocation?.Comment, "say hello");
    assert.equal(invocation?.Status, "Pending");
    assert.deepEqual(
      invocation?.CommandPlugins?.map((p) => [p.Name, p.Status, p.Output]),
      [["runShellScript", "Pending", ""]],
    );
    const brief = await client.send(
      new ssm.ListCommandInvocationsCommand({ CommandId: commandId }),
    );
    assert.deepEqual(brief.CommandInvocations?.[0]?.CommandPlugins, []);

    // The node takes it, runs it and reports, as its agent would.
    const polled = (await node.call("/poll", { waitSeconds: 0 })).body as {
      invocations: { commandId: string }[];
    };
    assert.deepEqual(
      polled.invocations.map((i) => i.commandId),
      [commandId],
    );
    assert.equal((await node.call(`/invocations/${commandId}/start`, {})).status, 200);
    const long = `${"x".repeat(3000)}\nhello\n`;
    const out = await node.callRaw(
      `/invocations/${commandId}/output?stream=stdout&offset=0`,
      new TextEncoder().encode(long),
    );
    assert.equal(out.status, 200, JSON.stringify(out.body));
    await node.callRaw(
      `/invocations/${commandId}/output?stream=stderr&offset=0`,
      new TextEncoder().encode("warning: loud\n"),
    );
    const finished = await node.call(`/invocations/${commandId}/finish`, {
      status: "Success",
      statusDetails: "Success",
      responseCode: 0,
    });
    assert.equal(finished.status, 200, JSON.stringify(finished.body));

    const result = await client.send(
      new ssm.GetCommandInvocationCommand({ CommandId: commandId, InstanceId: node.id }),
    );
    assert.equal(result.Status, "Success");
    assert.equal(result.StatusDetails, "Success");
    assert.equal(result.ResponseCode, 0);
    assert.equal(result.PluginName, "runShellScript");
    assert.equal(result.DocumentName, "AWS-RunShellScript");
    assert.equal(result.StandardOutputContent, long);
    assert.equal(result.StandardErrorContent, "warning: loud\n");
    assert.match(result.ExecutionStartDateTime ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(result.ExecutionEndDateTime ?? "", /^\d{4}-\d\d-\d\dT/);
    assert.match(result.ExecutionElapsedTime ?? "", /^PT\d+(\.\d+)?S$/);
    await rejectsWith(
      client.send(
        new ssm.GetCommandInvocationCommand({
          CommandId: commandId,
          InstanceId: node.id,
          PluginName: "nope",
        }),
      ),
      "InvalidPluginName",
    );
    await rejectsWith(
      client.send(
        new ssm.GetCommandInvocationCommand({ CommandId: commandId, InstanceId: other.id }),
      ),
      "InvocationDoesNotExist",
    );
    const detailed = await client.send(
      new ssm.ListCommandInvocationsCommand({ CommandId: commandId, Details: true }),
    );
    const plugin = detailed.CommandInvocations?.[0]?.CommandPlugins?.[0];
    assert.equal(plugin?.Status, "Success");
    assert.equal(plugin?.ResponseCode, 0);
    assert.equal(plugin?.Output, "x".repeat(2500), "plugin Output is the first 2,500 characters");
    assert.ok(
      plugin?.ResponseStartDateTime instanceof Date &&
        plugin.ResponseFinishDateTime instanceof Date,
    );
    const done = (await listCommands({ CommandId: commandId }))[0];
    assert.equal(done?.Status, "Success");
    assert.equal(done?.CompletedCount, 1);

    const filtered = async (Filters: ssm.CommandFilter[]) =>
      (await listCommands({ Filters })).map((c) => c.CommandId);
    assert.deepEqual(await filtered([{ key: "Status", value: "Success" }]), [commandId]);
    assert.deepEqual(await filtered([{ key: "Status", value: "Failed" }]), []);
    assert.deepEqual(await filtered([{ key: "DocumentName", value: "AWS-RunShellScript" }]), [
      commandId,
    ]);
    assert.deepEqual(await filtered([{ key: "ExecutionStage", value: "Complete" }]), [commandId]);
    assert.deepEqual(
      await filtered([{ key: "InvokedAfter", value: new Date(Date.now() + 60_000).toISOString() }]),
      [],
    );
    assert.deepEqual(
      await filtered([
        { key: "InvokedBefore", value: new Date(Date.now() + 60_000).toISOString() },
      ]),
      [commandId],
    );
    await rejectsWith(
      client.send(
        new ssm.ListCommandsCommand({ Filters: [{ key: "Colour" as never, value: "x" }] }),
      ),
      "InvalidFilterKey",
    );
  });

  test("Targets by tag, and CancelCommand before delivery", async () => {
    const { Command: sent } = await send({ Targets: [{ Key: "tag:role", Values: ["db"] }] });
    assert.deepEqual(sent?.InstanceIds, [other.id]);
    assert.deepEqual(sent?.Targets, [{ Key: "tag:role", Values: ["db"] }]);
    const commandId = sent?.CommandId as string;
    await client.send(new ssm.CancelCommandCommand({ CommandId: commandId }));
    const cancelled = (await listCommands({ CommandId: commandId }))[0];
    assert.equal(cancelled?.Status, "Cancelled");
    const invocation = (
      await client.send(new ssm.ListCommandInvocationsCommand({ CommandId: commandId }))
    ).CommandInvocations?.[0];
    assert.equal(invocation?.Status, "Cancelled");
    assert.deepEqual(
      ((await other.call("/poll", { waitSeconds: 0 })).body as { invocations: unknown[] })
        .invocations,
      [],
    );
    await rejectsWith(
      client.send(
        new ssm.CancelCommandCommand({ CommandId: "00000000-0000-4000-8000-000000000000" }),
      ),
      "InvalidCommandId",
    );
    await rejectsWith(
      client.send(new ssm.CancelCommandCommand({ CommandId: commandId, InstanceIds: [node.id] })),
      "InvalidInstanceId",
    );
  });

  test("a policy can allow commands only on nodes with a tag (aws:ResourceTag), by id or by tag", async () => {
    const user = await makeUser(server.url, "tagged-runner", []);
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["ssm:SendCommand"],
          Resource: ["arn:aws:ssm:us-east-1::document/AWS-RunShellScript"],
        },
        {
          Effect: "Allow",
          Action: ["ssm:SendCommand"],
          Resource: ["arn:aws:ssm:us-east-1:123456789012:managed-instance/*"],
          Condition: { StringEquals: { "aws:ResourceTag/role": "db" } },
        },
      ],
    };
    const put = await rest(server.url, "PUT", "/v1/users/tagged-runner/policies/run", {
      document: policy,
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const as = new ssm.SSMClient({ ...sdkConfig(server.url), credentials: user.key });
    try {
      const byTag = await as.send(
        new ssm.SendCommandCommand({
          DocumentName: "AWS-RunShellScript",
          Targets: [{ Key: "tag:role", Values: ["db"] }],
          Parameters: { commands: ["id"] },
        }),
      );
      assert.deepEqual(byTag.Command?.InstanceIds, [other.id]);
      const byId = await as.send(
        new ssm.SendCommandCommand({
          DocumentName: "AWS-RunShellScript",
          InstanceIds: [other.id],
          Parameters: { commands: ["id"] },
        }),
      );
      assert.equal(byId.Command?.TargetCount, 1);
      await rejectsWith(
        as.send(
          new ssm.SendCommandCommand({
            DocumentName: "AWS-RunShellScript",
            InstanceIds: [node.id],
            Parameters: { commands: ["id"] },
          }),
        ),
        "AccessDeniedException",
        new RegExp(`managed-instance/${node.id}`),
      );
    } finally {
      as.destroy();
    }
  });

  test("SendCommand is authorised on the document and on each target node", async () => {
    const user = await makeUser(server.url, "runner", []);
    const arn = "arn:aws:ssm:us-east-1:";
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["ssm:SendCommand"],
          Resource: [
            `${arn}:document/AWS-RunShellScript`,
            `${arn}123456789012:managed-instance/${node.id}`,
          ],
        },
      ],
    };
    const put = await rest(server.url, "PUT", "/v1/users/runner/policies/run", {
      document: policy,
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const as = new ssm.SSMClient({ ...sdkConfig(server.url), credentials: user.key });
    try {
      const before = (await listCommands()).length;
      await rejectsWith(
        as.send(
          new ssm.SendCommandCommand({
            DocumentName: "AWS-RunShellScript",
            InstanceIds: [other.id],
            Parameters: { commands: ["id"] },
          }),
        ),
        "AccessDeniedException",
        new RegExp(`managed-instance/${other.id}`),
      );
      await rejectsWith(
        as.send(
          new ssm.SendCommandCommand({
            DocumentName: "AWS-RunShellScript",
            Targets: [{ Key: "tag:role", Values: ["db"] }],
            Parameters: { commands: ["id"] },
          }),
        ),
        "AccessDeniedException",
        // Nodes chosen by tag are checked one by one once resolved.
        new RegExp(`managed-instance/${other.id}`),
      );
      assert.equal((await listCommands()).length, before);
      const { Command: allowed } = await as.send(
        new ssm.SendCommandCommand({
          DocumentName: "AWS-RunShellScript",
          InstanceIds: [node.id],
          Parameters: { commands: ["id"] },
        }),
      );
      assert.equal(allowed?.Status, "Pending");
      const audit = await rest(
        server.url,
        "GET",
        "/v1/audit/events?action=ssm:SendCommand&user=runner",
      );
      const resources = audit.body.items.map((e: { resources: string[] }) => e.resources);
      assert.ok(
        resources.some(
          (r: string[]) =>
            r.includes(`${arn}123456789012:managed-instance/${node.id}`) &&
            r.includes(`${arn}:document/AWS-RunShellScript`),
        ),
        JSON.stringify(resources),
      );
    } finally {
      as.destroy();
    }
  });
});
