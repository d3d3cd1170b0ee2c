/**
 * Activations and managed nodes through @aws-sdk/client-ssm against a real server process:
 * activations created, described, filtered and deleted (their codes never in the audit log);
 * nodes registered through the agent endpoint, described and filtered, tagged, and
 * deregistered, after which their signed calls are refused.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as ssm from "@aws-sdk/client-ssm";
import { rest, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";
import { rejectsWith } from "./sdk-helpers.js";
import { LINUX_INFO, registerNode, type TestNode } from "./ssm-fleet-node.js";

let server: ServerProcess;
let client: ssm.SSMClient;

before(async () => {
  server = await startServerProcess();
  client = new ssm.SSMClient(sdkConfig(server.url));
});
after(async () => {
  client?.destroy();
  await server?.stop();
});

const activate = async (input: Partial<ssm.CreateActivationCommandInput> = {}) => {
  const created = await client.send(
    new ssm.CreateActivationCommand({ IamRole: "SSMServiceRole", ...input }),
  );
  return { id: created.ActivationId as string, code: created.ActivationCode as string };
};
const describeNodes = async (input: ssm.DescribeInstanceInformationCommandInput = {}) =>
  (
    (await client.send(new ssm.DescribeInstanceInformationCommand(input)))
      .InstanceInformationList ?? []
  )
    .map((n) => n.InstanceId)
    .sort();

describe("SSM activations and managed nodes through @aws-sdk/client-ssm", () => {
  test("activations: create, describe with filters, delete; the code is not audited", async () => {
    const expires = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const created = await activate({
      Description: "web tier",
      DefaultInstanceName: "web",
      RegistrationLimit: 3,
      ExpirationDate: expires,
      Tags: [{ Key: "env", Value: "prod" }],
    });
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    assert.match(created.code, /^[A-Za-z0-9]{20}$/);
    const other = await activate({ IamRole: "OtherRole" });

    const byId = await client.send(
      new ssm.DescribeActivationsCommand({
        Filters: [{ FilterKey: "ActivationIds", FilterValues: [created.id] }],
      }),
    );
    assert.equal(byId.ActivationList?.length, 1);
    const shown = byId.ActivationList?.[0];
    assert.equal(shown?.ActivationId, created.id);
    assert.equal(shown?.Description, "web tier");
    assert.equal(shown?.DefaultInstanceName, "web");
    assert.equal(shown?.IamRole, "SSMServiceRole");
    assert.equal(shown?.RegistrationLimit, 3);
    assert.equal(shown?.RegistrationsCount, 0);
    assert.equal(shown?.Expired, false);
    assert.equal(shown?.ExpirationDate?.getTime(), expires.getTime());
    assert.ok(shown?.CreatedDate instanceof Date);
    assert.deepEqual(shown?.Tags, [{ Key: "env", Value: "prod" }]);

    const byRole = await client.send(
      new ssm.DescribeActivationsCommand({
        Filters: [{ FilterKey: "IamRole", FilterValues: ["OtherRole"] }],
      }),
    );
    assert.deepEqual(
      byRole.ActivationList?.map((a) => a.ActivationId),
      [other.id],
    );
    await rejectsWith(
      client.send(
        new ssm.DescribeActivationsCommand({
          Filters: [{ FilterKey: "Nope" as never, FilterValues: ["x"] }],
        }),
      ),
      "InvalidFilter",
    );
    await rejectsWith(
      client.send(new ssm.CreateActivationCommand({ IamRole: "R", RegistrationLimit: 5000 })),
      "ValidationException",
    );
    await rejectsWith(
      client.send(
        new ssm.CreateActivationCommand({
          IamRole: "R",
          ExpirationDate: new Date(Date.now() - 1000),
        }),
      ),
      "InvalidParameters",
    );

    await client.send(new ssm.DeleteActivationCommand({ ActivationId: other.id }));
    const after = await client.send(
      new ssm.DescribeActivationsCommand({
        Filters: [{ FilterKey: "ActivationIds", FilterValues: [other.id] }],
      }),
    );
    assert.deepEqual(after.ActivationList, []);
    await rejectsWith(
      client.send(new ssm.DeleteActivationCommand({ ActivationId: other.id })),
      "InvalidActivationId",
    );

    const audit = await rest(server.url, "GET", "/v1/audit/events?action=ssm:CreateActivation");
    assert.equal(audit.status, 200);
    assert.ok(audit.body.items.length >= 2);
    assert.ok(
      !JSON.stringify(audit.body).includes(created.code),
      "the activation code is not audited",
    );
  });

  describe("registered nodes", () => {
    let linux: TestNode;
    let windows: TestNode;
    let activationId: string;

    before(async () => {
      const activation = await activate({
        DefaultInstanceName: "fleet",
        RegistrationLimit: 2,
        Tags: [{ Key: "tier", Value: "web" }],
      });
      activationId = activation.id;
      linux = await registerNode(server.url, activation);
      windows = await registerNode(server.url, activation, {
        ...LINUX_INFO,
        platformType: "Windows",
        platformName: "Windows Server 2022",
        computerName: "win-1",
      });
      await assert.rejects(
        registerNode(server.url, activation),
        /InvalidActivation/,
        "the limit is 2",
      );
    });

    test("DescribeInstanceInformation lists them with SSM's fields", async () => {
      const list =
        (await client.send(new ssm.DescribeInstanceInformationCommand({})))
          .InstanceInformationList ?? [];
      const node = list.find((n) => n.InstanceId === linux.id);
      assert.ok(node, JSON.stringify(list));
      assert.match(node.InstanceId ?? "", /^mi-[0-9a-f]{17}$/);
      assert.equal(node.PingStatus, "Online");
      assert.ok(node.LastPingDateTime instanceof Date);
      assert.equal(node.AgentVersion, "0.0.0-test");
      assert.equal(node.IsLatestVersion, false);
      assert.equal(node.PlatformType, "Linux");
      assert.equal(node.PlatformName, "Ubuntu");
      assert.equal(node.PlatformVersion, "24.04");
      assert.equal(node.ActivationId, activationId);
      assert.equal(node.IamRole, "SSMServiceRole");
      assert.ok(node.RegistrationDate instanceof Date);
      assert.equal(node.ResourceType, "ManagedInstance");
      assert.equal(node.Name, "fleet");
      assert.equal(node.IPAddress, "10.0.0.5");
      assert.equal(node.ComputerName, "web-1.example");
      assert.equal(node.SourceId, linux.id);
      assert.equal(node.SourceType, "AWS::SSM::ManagedInstance");
    });

    test("DescribeInstanceInformation filters: ids, platform, ping, resource type, tags", async () => {
      const both = [linux.id, windows.id].sort();
      const ids = [{ Key: "InstanceIds", Values: both }];
      assert.deepEqual(await describeNodes({ Filters: ids }), both);
      assert.deepEqual(
        await describeNodes({ Filters: [...ids, { Key: "PlatformTypes", Values: ["Windows"] }] }),
        [windows.id],
      );
      assert.deepEqual(
        await describeNodes({
          InstanceInformationFilterList: [
            { key: "InstanceIds", valueSet: both },
            { key: "PlatformTypes", valueSet: ["Linux"] },
          ],
        }),
        [linux.id],
      );
      assert.deepEqual(
        await describeNodes({ Filters: [...ids, { Key: "PingStatus", Values: ["Online"] }] }),
        both,
      );
      assert.deepEqual(
        await describeNodes({
          Filters: [...ids, { Key: "PingStatus", Values: ["ConnectionLost"] }],
        }),
        [],
      );
      assert.deepEqual(
        await describeNodes({
          Filters: [...ids, { Key: "ResourceType", Values: ["EC2Instance"] }],
        }),
        [],
      );
      assert.deepEqual(
        await describeNodes({
          Filters: [...ids, { Key: "ResourceType", Values: ["ManagedInstance"] }],
        }),
        both,
      );
      assert.deepEqual(
        await describeNodes({ Filters: [...ids, { Key: "tag:tier", Values: ["web"] }] }),
        both,
      );
      assert.deepEqual(
        await describeNodes({ Filters: [...ids, { Key: "tag:tier", Values: ["db"] }] }),
        [],
      );
      assert.deepEqual(
        await describeNodes({ Filters: [...ids, { Key: "tag-key", Values: ["tier"] }] }),
        both,
      );
      assert.deepEqual(
        await describeNodes({ Filters: [...ids, { Key: "tag-key", Values: ["owner"] }] }),
        [],
      );
      await rejectsWith(
        client.send(
          new ssm.DescribeInstanceInformationCommand({
            Filters: [{ Key: "PlatformTypes", Values: ["Solaris"] }],
          }),
        ),
        "InvalidInstanceInformationFilterValue",
        /Solaris/,
      );
      await rejectsWith(
        client.send(
          new ssm.DescribeInstanceInformationCommand({
            Filters: [{ Key: "Colour", Values: ["x"] }],
          }),
        ),
        "InvalidFilterKey",
      );
      const first = await client.send(
        new ssm.DescribeInstanceInformationCommand({ Filters: ids, MaxResults: 5 }),
      );
      assert.equal(first.InstanceInformationList?.length, 2);
    });

    test("tags on a managed node: add, list, remove; other resource types are refused", async () => {
      const resource = { ResourceType: "ManagedInstance" as const, ResourceId: linux.id };
      await client.send(
        new ssm.AddTagsToResourceCommand({
          ...resource,
          Tags: [
            { Key: "owner", Value: "ops" },
            { Key: "tier", Value: "api" },
          ],
        }),
      );
      const listed = await client.send(new ssm.ListTagsForResourceCommand(resource));
      assert.deepEqual(listed.TagList?.map((t) => `${t.Key}=${t.Value}`).sort(), [
        "owner=ops",
        "tier=api",
      ]);
      assert.deepEqual(await describeNodes({ Filters: [{ Key: "tag:tier", Values: ["api"] }] }), [
        linux.id,
      ]);
      await client.send(new ssm.RemoveTagsFromResourceCommand({ ...resource, TagKeys: ["tier"] }));
      assert.deepEqual((await client.send(new ssm.ListTagsForResourceCommand(resource))).TagList, [
        { Key: "owner", Value: "ops" },
      ]);
      await rejectsWith(
        client.send(
          new ssm.ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: "/x" }),
        ),
        "InvalidResourceType",
      );
      await rejectsWith(
        client.send(
          new ssm.AddTagsToResourceCommand({
            ResourceType: "ManagedInstance",
            ResourceId: "mi-00000000000000000",
            Tags: [{ Key: "a", Value: "b" }],
          }),
        ),
        "InvalidResourceId",
      );
      await rejectsWith(
        client.send(
          new ssm.AddTagsToResourceCommand({
            ...resource,
            Tags: [{ Key: "aws:reserved", Value: "b" }],
          }),
        ),
        "ValidationException",
      );
      assert.deepEqual((await client.send(new ssm.ListTagsForResourceCommand(resource))).TagList, [
        { Key: "owner", Value: "ops" },
      ]);
    });

    test("DeregisterManagedInstance: the node is gone and its signed calls fail 401", async () => {
      const polled = await windows.call("/poll", { waitSeconds: 0 });
      assert.equal(polled.status, 200, JSON.stringify(polled.body));
      await client.send(new ssm.DeregisterManagedInstanceCommand({ InstanceId: windows.id }));
      const refused = await windows.call("/poll", { waitSeconds: 0 });
      assert.equal(refused.status, 401);
      assert.equal((refused.body as { code: string }).code, "AgentUnauthorized");
      assert.deepEqual(
        await describeNodes({ Filters: [{ Key: "InstanceIds", Values: [windows.id, linux.id] }] }),
        [linux.id],
      );
      await rejectsWith(
        client.send(new ssm.DeregisterManagedInstanceCommand({ InstanceId: windows.id })),
        "InvalidInstanceId",
      );
      assert.equal(
        (await linux.call("/poll", { waitSeconds: 0 })).status,
        200,
        "the other node still works",
      );
    });
  });
});
