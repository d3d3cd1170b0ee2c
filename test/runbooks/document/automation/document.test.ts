import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  bindParameters,
  describeParameters,
  documentJson,
  parseDocument,
} from "../../../../src/runbooks/document/index.js";
import { accepted, refused, runbook } from "./helpers.js";

const SEEDS = new URL("../../../../../shared/seed-workflows/", import.meta.url);

function seed(path: string): string {
  return readFileSync(new URL(path, SEEDS), "utf8");
}

/** The README's substitution: CloudFormation tags become `${Logical.Attr}` placeholders. */
function withoutIntrinsics(yaml: string): string {
  const placeholder = (name: string) => `"\${${name}}"`;
  return yaml
    .replace(/!GetAtt \[ *(\w+), *(\w+) *\]/g, (_all, logical: string, attribute: string) =>
      placeholder(`${logical}.${attribute}`),
    )
    .replace(/!GetAtt ([\w.]+)/g, (_all, name: string) => placeholder(name))
    .replace(/!Ref (\w+)/g, (_all, name: string) => placeholder(name));
}

describe("Automation runbooks: the document", () => {
  test("a valid runbook is read with its parts typed and round-trips through documentJson", () => {
    const doc = accepted(
      runbook((d) => {
        d.outputs = ["first.CommandId"];
        d.files = { "a.py": { checksums: { sha256: "00" } } };
      }),
    );
    assert.equal(doc.assumeRole, "{{ AutomationAssumeRole }}");
    assert.deepEqual(Object.keys(doc.parameters), ["AutomationAssumeRole", "InstanceId"]);
    assert.deepEqual(
      doc.mainSteps.map((s) => [s.name, s.action]),
      [
        ["first", "aws:runCommand"],
        ["second", "aws:sleep"],
      ],
    );
    assert.deepEqual(doc.outputs, ["first.CommandId"]);
    assert.deepEqual(doc.files, { "a.py": { checksums: { sha256: "00" } } });
    const again = parseDocument(documentJson(doc));
    assert.deepEqual({ ...again, format: doc.format }, doc);
  });

  test("YAML runbooks read the same, with an unquoted 0.3", () => {
    const doc = parseDocument(
      [
        "schemaVersion: 0.3",
        "mainSteps:",
        "  - name: wait",
        "    action: aws:sleep",
        "    inputs: { Duration: PT5M }",
      ].join("\n"),
    );
    assert.equal(doc.format, "YAML");
    assert.ok(doc.documentType === "Automation");
    assert.equal(doc.mainSteps[0].inputs.Duration, "PT5M");
  });

  test("top-level keys: unknown refused, each typed", () => {
    refused(
      runbook((d) => {
        d.mainStep = [];
      }),
      "/mainStep",
      /unknown key "mainStep"/,
    );
    refused(
      runbook((d) => {
        d.description = 3;
      }),
      "/description",
      /a description \(a string\)/,
    );
    refused(
      runbook((d) => {
        d.assumeRole = ["arn"];
      }),
      "/assumeRole",
      /a string/,
    );
    refused(
      runbook((d) => {
        d.assumeRole = "{{ Role }}";
      }),
      "/assumeRole",
      /\{\{ Role \}\} to name a declared parameter; "Role" is not one/,
    );
    refused(
      runbook((d) => {
        d.files = ["a.py"];
      }),
      "/files",
      /attachments by file name \(an object\)/,
    );
    refused(
      runbook((d) => {
        delete d.mainSteps;
      }),
      "/mainSteps",
      /non-empty list of steps/,
    );
    refused(
      runbook((d) => {
        d.mainSteps = [];
      }),
      "/mainSteps",
      /non-empty list of steps/,
    );
  });

  test("document outputs name existing steps' outputs", () => {
    const outputs = (list: unknown) =>
      runbook((d) => {
        d.outputs = list;
      });
    refused(outputs("first.CommandId"), "/outputs", /a list of "Step.Output"/);
    refused(outputs([5]), "/outputs/0", /"Step.Output" \(a string\)/);
    refused(outputs(["nowhere.Output"]), "/outputs/0", /naming a step of the document/);
    refused(outputs(["first"]), "/outputs/0", /naming a step/);
    refused(outputs(["first.Nope"]), "/outputs/0", /an output of step first \(CommandId/);
    refused(outputs(["second.Anything"]), "/outputs/0", /it has none/);
  });

  test("parameters follow the Command document rules", () => {
    const parameter = (definition: unknown) =>
      runbook((d) => {
        d.parameters = { P: definition };
        d.assumeRole = undefined;
      });
    refused(
      parameter({ type: "AWS::IAM::Role::Arn" }),
      "/parameters/P/type",
      /one of String, StringList/,
    );
    refused(
      parameter({ type: "Integer", default: "x" }),
      "/parameters/P/default",
      /of type Integer/,
    );
    refused(
      parameter({ type: "String", default: "c", allowedValues: ["a", "b"] }),
      "/parameters/P/default",
      /not allowed; allowed values: a, b/,
    );
    refused(
      parameter({ type: "String", default: "abc", allowedPattern: "^\\d+$" }),
      "/parameters/P/default",
      /does not match the allowed pattern/,
    );
    refused(
      parameter({ type: "String", allowedPattern: "(" }),
      "/parameters/P/allowedPattern",
      /valid regular/,
    );
    refused(
      parameter({ type: "StringList", default: ["a"], minItems: 2 }),
      "/parameters/P/default",
      /at least 2 item/,
    );
    refused(
      parameter({ type: "StringList", default: ["a", "b"], maxItems: 1 }),
      "/parameters/P/default",
      /at most 1 item/,
    );
    refused(
      parameter({ type: "String", default: "a", minChars: 2 }),
      "/parameters/P/default",
      /at least 2 character/,
    );
    refused(
      parameter({ type: "String", default: "abc", maxChars: 2 }),
      "/parameters/P/default",
      /at most 2 character/,
    );
    refused(parameter({ type: "String", secret: true }), "/parameters/P/secret", /unknown key/);
    refused(
      runbook((d) => {
        d.parameters = { "bad name": { type: "String" } };
      }),
      "/parameters/bad name",
      /a parameter name/,
    );
  });

  test("parameters bind as Command ones do", () => {
    const doc = accepted(runbook());
    assert.deepEqual(bindParameters(doc, { InstanceId: ["mi-0123456789abcdef0"] }), {
      AutomationAssumeRole: "arn:aws:iam::123456789012:role/x",
      InstanceId: "mi-0123456789abcdef0",
    });
    assert.throws(() => bindParameters(doc, {}), {
      code: "InvalidParameters",
      parameter: "InstanceId",
    });
    assert.deepEqual(
      describeParameters(doc).map((p) => p.Name),
      ["AutomationAssumeRole", "InstanceId"],
    );
  });

  test("parameter defaults may name other parameters and variables, not step outputs", () => {
    const withDefault = (value: string) =>
      runbook((d) => {
        (d.parameters as Record<string, unknown>).Name = { type: "String", default: value };
      });
    accepted(withDefault("{{ InstanceId }}-{{ global:DATE_TIME }}-{{ ssm:/names/prefix }}"));
    refused(withDefault("{{ Missing }}"), "/parameters/Name/default", /"Missing" is not one/);
    refused(
      withDefault("{{ first.CommandId }}"),
      "/parameters/Name/default",
      /a declared parameter or a variable/,
    );
    refused(
      withDefault("{{ ssm-secure:/pw }}"),
      "/parameters/Name/default",
      /SecureStrings cannot/,
    );
  });

  test("seed 003's runbook validates unchanged (resolved JSON, and the YAML with its CloudFormation tags substituted)", () => {
    const json = accepted(seed("003-windows-patching-by-az/ssm-automation-document.resolved.json"));
    assert.deepEqual(
      json.mainSteps.map((s) => s.name),
      [
        "CreateImage",
        "RunPreUpdateScript",
        "UpdateSSMAgent",
        "InstallWindowsUpdates",
        "InstallMoreWindowsUpdates",
        "RunPostUpdateScript",
      ],
    );
    assert.deepEqual(json.outputs, ["CreateImage.ImageId"]);
    assert.equal(json.mainSteps[4].onFailure, "Continue");
    const yaml = accepted(
      withoutIntrinsics(seed("003-windows-patching-by-az/ssm-automation-document.extracted.yaml")),
    );
    assert.equal(yaml.format, "YAML");
    assert.deepEqual(yaml.mainSteps, json.mainSteps);
    assert.deepEqual(yaml.parameters, json.parameters);
  });

  test("seed 004's runbook validates unchanged (resolved JSON, and the YAML with its CloudFormation tags substituted)", () => {
    const json = accepted(
      seed("004-azure-patch-with-rollback/Azure-PatchVMWithRollback.runbook.resolved.json"),
    );
    const loop = json.mainSteps.find((s) => s.name === "AssertSnapshotProvisionStatus");
    assert.equal(loop?.action, "aws:loop");
    assert.deepEqual(
      loop?.steps?.map((s) => s.name),
      ["Sleep", "CheckSnapshotStatus"],
    );
    assert.equal(
      json.mainSteps.find((s) => s.name === "InstallPatches")?.onFailure,
      "step:RestoreVMDisk",
    );
    const yaml = accepted(
      withoutIntrinsics(
        seed("004-azure-patch-with-rollback/Azure-PatchVMWithRollback.runbook.extracted.yaml"),
      ),
    );
    assert.deepEqual(yaml.mainSteps, json.mainSteps);
    assert.equal(
      documentJson(json),
      JSON.stringify(
        JSON.parse(
          seed("004-azure-patch-with-rollback/Azure-PatchVMWithRollback.runbook.resolved.json"),
        ),
      ),
    );
  });
});
