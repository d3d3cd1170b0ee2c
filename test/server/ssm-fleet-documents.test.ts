/**
 * SSM documents through @aws-sdk/client-ssm against a real server process: Command documents
 * in JSON and YAML created, read back (in either format), described with their parameters
 * and platforms, updated into versions, given a new default version and deleted; bad content
 * refused with where it is wrong; ListDocuments by owner and tag; the built-in documents
 * listed and described, and never changed.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import * as ssm from "@aws-sdk/client-ssm";
import { parse } from "yaml";
import { type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";
import { rejectsWith } from "./sdk-helpers.js";

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

const commandDocument = (echo: string) =>
  JSON.stringify({
    schemaVersion: "2.2",
    description: `Echo ${echo}`,
    parameters: {
      message: { type: "String", description: "What to say", default: echo },
      times: { type: "String", default: "1" },
    },
    mainSteps: [
      { action: "aws:runShellScript", name: "say", inputs: { runCommand: ["echo {{ message }}"] } },
    ],
  });

const YAML_DOCUMENT = `schemaVersion: "2.2"
description: Restart a Windows service
parameters:
  service:
    type: String
    description: The service
mainSteps:
  - action: aws:runPowerShellScript
    name: restart
    precondition:
      StringEquals: [platformType, Windows]
    inputs:
      runCommand:
        - Restart-Service {{ service }}
`;

const create = (input: Partial<ssm.CreateDocumentCommandInput> & { Name: string }) =>
  client.send(
    new ssm.CreateDocumentCommand({
      Content: commandDocument("hi"),
      DocumentType: "Command",
      ...input,
    }),
  );
const names = async (input: ssm.ListDocumentsCommandInput) =>
  ((await client.send(new ssm.ListDocumentsCommand(input))).DocumentIdentifiers ?? [])
    .map((d) => d.Name)
    .sort();

describe("SSM documents through @aws-sdk/client-ssm", () => {
  test("a JSON Command document: created and described with its parameters and platforms", async () => {
    const { DocumentDescription: created } = await create({
      Name: "Echo-Doc",
      VersionName: "first",
      Tags: [{ Key: "team", Value: "ops" }],
    });
    assert.equal(created?.Name, "Echo-Doc");
    assert.equal(created?.Owner, "123456789012");
    assert.equal(created?.DocumentVersion, "1");
    assert.equal(created?.LatestVersion, "1");
    assert.equal(created?.DefaultVersion, "1");
    assert.equal(created?.VersionName, "first");
    assert.equal(created?.Status, "Active");
    assert.equal(created?.DocumentType, "Command");
    assert.equal(created?.DocumentFormat, "JSON");
    assert.equal(created?.SchemaVersion, "2.2");
    assert.equal(created?.Description, "Echo hi");
    assert.equal(created?.HashType, "Sha256");
    assert.match(created?.Hash ?? "", /^[0-9a-f]{64}$/);
    assert.ok(created?.CreatedDate instanceof Date);
    assert.deepEqual(created?.PlatformTypes, ["Linux", "MacOS"]);
    assert.deepEqual(created?.Parameters, [
      { Name: "message", Type: "String", Description: "What to say", DefaultValue: "hi" },
      { Name: "times", Type: "String", DefaultValue: "1" },
    ]);
    assert.deepEqual(created?.Tags, [{ Key: "team", Value: "ops" }]);

    const described = await client.send(new ssm.DescribeDocumentCommand({ Name: "Echo-Doc" }));
    assert.deepEqual(described.Document, created);
    const byArn = await client.send(
      new ssm.DescribeDocumentCommand({
        Name: "arn:aws:ssm:us-east-1:123456789012:document/Echo-Doc",
        VersionName: "first",
      }),
    );
    assert.equal(byArn.Document?.Name, "Echo-Doc");
    // An ARN of another account, or without the account, is not this document.
    for (const Name of [
      "arn:aws:ssm:us-east-1:999999999999:document/Echo-Doc",
      "arn:aws:ssm:us-east-1::document/Echo-Doc",
      "arn:aws:ssm:eu-west-1:123456789012:document/Echo-Doc",
    ])
      await rejectsWith(client.send(new ssm.DescribeDocumentCommand({ Name })), "InvalidDocument");
    await rejectsWith(create({ Name: "Echo-Doc" }), "DocumentAlreadyExists");
    await rejectsWith(create({ Name: "AWS-Mine" }), "ValidationException", /reserved/);
  });

  test("a YAML document: read back as written, or converted to JSON", async () => {
    const { DocumentDescription: created } = await create({
      Name: "Restart-Service",
      Content: YAML_DOCUMENT,
      DocumentFormat: "YAML",
    });
    assert.equal(created?.DocumentFormat, "YAML");
    assert.deepEqual(created?.PlatformTypes, ["Windows"]);
    assert.deepEqual(created?.Parameters, [
      { Name: "service", Type: "String", Description: "The service" },
    ]);
    const asWritten = await client.send(new ssm.GetDocumentCommand({ Name: "Restart-Service" }));
    assert.equal(asWritten.Content, YAML_DOCUMENT);
    assert.equal(asWritten.DocumentFormat, "YAML");
    assert.equal(asWritten.DocumentType, "Command");
    assert.equal(asWritten.DocumentVersion, "1");
    assert.equal(asWritten.Status, "Active");
    const asJson = await client.send(
      new ssm.GetDocumentCommand({ Name: "Restart-Service", DocumentFormat: "JSON" }),
    );
    assert.equal(asJson.DocumentFormat, "JSON");
    assert.deepEqual(JSON.parse(asJson.Content ?? ""), parse(YAML_DOCUMENT));
  });

  test("bad content is refused saying where, and nothing is stored", async () => {
    const bad = JSON.stringify({
      schemaVersion: "2.2",
      mainSteps: [{ action: "aws:runShellScript", name: "x", inputs: { runCommand: 42 } }],
    });
    await rejectsWith(
      create({ Name: "Bad-Doc", Content: bad }),
      "InvalidDocumentContent",
      /mainSteps\/0/,
    );
    await rejectsWith(
      create({ Name: "Bad-Yaml", Content: "schemaVersion: [", DocumentFormat: "YAML" }),
      "InvalidDocumentContent",
      /line 1/,
    );
    await rejectsWith(
      create({
        Name: "Bad-Schema",
        Content: JSON.stringify({ schemaVersion: "9.9", mainSteps: [] }),
      }),
      "InvalidDocumentSchemaVersion",
    );
    await rejectsWith(
      client.send(new ssm.GetDocumentCommand({ Name: "Bad-Doc" })),
      "InvalidDocument",
    );
    assert.deepEqual(await names({ Filters: [{ Key: "Name", Values: ["Bad-"] }] }), []);
  });

  test("versions: update, list, default version, delete a version, delete the document", async () => {
    await create({ Name: "Versioned", Content: commandDocument("v1") });
    const { DocumentDescription: v2 } = await client.send(
      new ssm.UpdateDocumentCommand({
        Name: "Versioned",
        Content: commandDocument("v2"),
        DocumentVersion: "$LATEST",
        VersionName: "second",
      }),
    );
    assert.equal(v2?.DocumentVersion, "2");
    assert.equal(v2?.LatestVersion, "2");
    assert.equal(v2?.DefaultVersion, "1");
    await rejectsWith(
      client.send(
        new ssm.UpdateDocumentCommand({ Name: "Versioned", Content: commandDocument("v2") }),
      ),
      "DuplicateDocumentContent",
    );
    await rejectsWith(
      client.send(
        new ssm.UpdateDocumentCommand({
          Name: "Versioned",
          Content: commandDocument("v3"),
          VersionName: "second",
        }),
      ),
      "DuplicateDocumentVersionName",
    );
    await rejectsWith(
      client.send(
        new ssm.UpdateDocumentCommand({
          Name: "Versioned",
          Content: commandDocument("v3"),
          DocumentVersion: "1",
        }),
      ),
      "InvalidDocumentVersion",
    );
    const versions = await client.send(new ssm.ListDocumentVersionsCommand({ Name: "Versioned" }));
    assert.deepEqual(
      versions.DocumentVersions?.map((v) => [
        v.DocumentVersion,
        v.IsDefaultVersion,
        v.VersionName,
        v.Status,
      ]),
      [
        ["1", true, undefined, "Active"],
        ["2", false, "second", "Active"],
      ],
    );
    const paged = await client.send(
      new ssm.ListDocumentVersionsCommand({ Name: "Versioned", MaxResults: 1 }),
    );
    assert.equal(paged.DocumentVersions?.length, 1);
    const rest = await client.send(
      new ssm.ListDocumentVersionsCommand({
        Name: "Versioned",
        MaxResults: 1,
        NextToken: paged.NextToken,
      }),
    );
    assert.deepEqual(
      rest.DocumentVersions?.map((v) => v.DocumentVersion),
      ["2"],
    );
    assert.equal(rest.NextToken, undefined);

    const content = async (input: ssm.GetDocumentCommandInput) =>
      JSON.parse((await client.send(new ssm.GetDocumentCommand(input))).Content ?? "").description;
    assert.equal(await content({ Name: "Versioned" }), "Echo v1");
    assert.equal(await content({ Name: "Versioned", DocumentVersion: "$LATEST" }), "Echo v2");
    const changed = await client.send(
      new ssm.UpdateDocumentDefaultVersionCommand({ Name: "Versioned", DocumentVersion: "2" }),
    );
    assert.deepEqual(changed.Description, {
      Name: "Versioned",
      DefaultVersion: "2",
      DefaultVersionName: "second",
    });
    assert.equal(await content({ Name: "Versioned" }), "Echo v2");
    assert.equal(await content({ Name: "Versioned", DocumentVersion: "1" }), "Echo v1");
    await rejectsWith(
      client.send(
        new ssm.UpdateDocumentDefaultVersionCommand({ Name: "Versioned", DocumentVersion: "7" }),
      ),
      "InvalidDocumentVersion",
    );

    await rejectsWith(
      client.send(new ssm.DeleteDocumentCommand({ Name: "Versioned", DocumentVersion: "2" })),
      "InvalidDocumentOperation",
      /default/,
    );
    await client.send(new ssm.DeleteDocumentCommand({ Name: "Versioned", DocumentVersion: "1" }));
    const left = await client.send(new ssm.ListDocumentVersionsCommand({ Name: "Versioned" }));
    assert.deepEqual(
      left.DocumentVersions?.map((v) => v.DocumentVersion),
      ["2"],
    );
    await client.send(new ssm.DeleteDocumentCommand({ Name: "Versioned" }));
    await rejectsWith(
      client.send(new ssm.DescribeDocumentCommand({ Name: "Versioned" })),
      "InvalidDocument",
    );
    await rejectsWith(
      client.send(new ssm.DeleteDocumentCommand({ Name: "Versioned" })),
      "InvalidDocument",
    );
  });

  test("ListDocuments by owner, name, type and tags; tags of a document", async () => {
    await create({
      Name: "Tagged-A",
      Tags: [
        { Key: "team", Value: "payments" },
        { Key: "tier", Value: "1" },
      ],
    });
    await create({ Name: "Tagged-B", Tags: [{ Key: "team", Value: "search" }] });
    const mine = await names({ Filters: [{ Key: "Owner", Values: ["Self"] }] });
    assert.ok(mine.includes("Tagged-A") && mine.includes("Tagged-B"), mine.join());
    assert.ok(!mine.some((n) => n?.startsWith("AWS-")), mine.join());
    const amazon = await names({ Filters: [{ Key: "Owner", Values: ["Amazon"] }] });
    for (const builtin of [
      "AWS-RunShellScript",
      "AWS-RunPowerShellScript",
      "AWS-RunPatchBaseline",
      "AWS-UpdateSSMAgent",
    ])
      assert.ok(amazon.includes(builtin), `${builtin} in ${amazon.join()}`);
    assert.ok(!amazon.includes("Tagged-A"));
    assert.deepEqual(await names({ Filters: [{ Key: "tag:team", Values: ["payments"] }] }), [
      "Tagged-A",
    ]);
    assert.deepEqual(
      await names({ Filters: [{ Key: "tag:team", Values: ["payments", "search"] }] }),
      ["Tagged-A", "Tagged-B"],
    );
    assert.deepEqual(await names({ Filters: [{ Key: "TagKeys", Values: ["tier"] }] }), [
      "Tagged-A",
    ]);
    assert.deepEqual(await names({ DocumentFilterList: [{ key: "Name", value: "Tagged-" }] }), [
      "Tagged-A",
      "Tagged-B",
    ]);
    assert.deepEqual(
      await names({
        Filters: [
          { Key: "Name", Values: ["AWS-Run"] },
          { Key: "PlatformTypes", Values: ["Windows"] },
        ],
      }),
      ["AWS-RunPatchBaseline", "AWS-RunPowerShellScript"],
    );
    assert.deepEqual(
      await names({
        Filters: [
          { Key: "DocumentType", Values: ["Automation"] },
          { Key: "Owner", Values: ["Self"] },
        ],
      }),
      [],
    );
    await rejectsWith(
      client.send(new ssm.ListDocumentsCommand({ Filters: [{ Key: "Colour", Values: ["x"] }] })),
      "InvalidFilterKey",
    );

    const resource = { ResourceType: "Document" as const, ResourceId: "Tagged-B" };
    await client.send(
      new ssm.AddTagsToResourceCommand({ ...resource, Tags: [{ Key: "tier", Value: "2" }] }),
    );
    await client.send(new ssm.RemoveTagsFromResourceCommand({ ...resource, TagKeys: ["team"] }));
    assert.deepEqual((await client.send(new ssm.ListTagsForResourceCommand(resource))).TagList, [
      { Key: "tier", Value: "2" },
    ]);
    assert.deepEqual(await names({ Filters: [{ Key: "TagKeys", Values: ["tier"] }] }), [
      "Tagged-A",
      "Tagged-B",
    ]);
    await rejectsWith(
      client.send(
        new ssm.ListTagsForResourceCommand({ ResourceType: "Document", ResourceId: "No-Such-Doc" }),
      ),
      "InvalidResourceId",
    );
  });

  test("built-in documents are described and never changed", async () => {
    const { Document: shell } = await client.send(
      new ssm.DescribeDocumentCommand({ Name: "AWS-RunShellScript" }),
    );
    assert.equal(shell?.Owner, "Amazon");
    assert.equal(shell?.DocumentType, "Command");
    assert.equal(shell?.DocumentVersion, "1");
    assert.deepEqual(shell?.PlatformTypes, ["Linux", "MacOS"]);
    assert.ok(shell?.Parameters?.some((p) => p.Name === "commands" && p.Type === "StringList"));
    const byArn = await client.send(
      new ssm.DescribeDocumentCommand({
        Name: "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
      }),
    );
    assert.equal(byArn.Document?.Name, "AWS-RunShellScript");
    const got = await client.send(new ssm.GetDocumentCommand({ Name: "AWS-RunShellScript" }));
    assert.equal(JSON.parse(got.Content ?? "").schemaVersion, "2.2");
    const versions = await client.send(
      new ssm.ListDocumentVersionsCommand({ Name: "AWS-RunShellScript" }),
    );
    assert.deepEqual(
      versions.DocumentVersions?.map((v) => [v.DocumentVersion, v.IsDefaultVersion]),
      [["1", true]],
    );
    await rejectsWith(
      client.send(
        new ssm.UpdateDocumentCommand({
          Name: "AWS-RunShellScript",
          Content: commandDocument("x"),
        }),
      ),
      "InvalidDocumentOperation",
    );
    await rejectsWith(
      client.send(new ssm.DeleteDocumentCommand({ Name: "AWS-RunShellScript" })),
      "InvalidDocumentOperation",
    );
  });

  test("Automation runbooks: seed 004's runbook is stored unchanged; a broken one is refused naming the step", async () => {
    const seed = readFileSync(
      "../shared/seed-workflows/004-azure-patch-with-rollback/Azure-PatchVMWithRollback.runbook.resolved.json",
      "utf8",
    );
    const created = await client.send(
      new ssm.CreateDocumentCommand({
        Name: "Azure-PatchVMWithRollback",
        Content: seed,
        DocumentType: "Automation",
        DocumentFormat: "JSON",
      }),
    );
    assert.equal(created.DocumentDescription?.DocumentType, "Automation");
    assert.equal(created.DocumentDescription?.SchemaVersion, "0.3");
    const broken = JSON.parse(seed);
    broken.mainSteps[0].onFailure = "step:NoSuchStep";
    await rejectsWith(
      client.send(
        new ssm.CreateDocumentCommand({
          Name: "Broken-Runbook",
          Content: JSON.stringify(broken),
          DocumentType: "Automation",
        }),
      ),
      "InvalidDocumentContent",
      /mainSteps\/0\/onFailure.*NoSuchStep/,
    );
    const unsupported = JSON.parse(seed);
    unsupported.mainSteps[0].action = "aws:launchRocket";
    await rejectsWith(
      client.send(
        new ssm.CreateDocumentCommand({
          Name: "Broken-Runbook",
          Content: JSON.stringify(unsupported),
          DocumentType: "Automation",
        }),
      ),
      "InvalidDocumentContent",
      /aws:launchRocket is not supported/,
    );
    const names = (
      await client.send(
        new ssm.ListDocumentsCommand({ Filters: [{ Key: "Owner", Values: ["Self"] }] }),
      )
    ).DocumentIdentifiers?.map((d) => d.Name);
    assert.equal(names?.includes("Broken-Runbook"), false);
  });
});
