import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DocumentError,
  documentJson,
  parseDocument,
} from "../../../src/runbooks/document/index.js";

/** A minimal valid Command document, changed by `edit`. */
function command(edit: (doc: Record<string, unknown>) => void = () => {}): string {
  const doc: Record<string, unknown> = {
    schemaVersion: "2.2",
    description: "test",
    parameters: { message: { type: "String", default: "hi" } },
    mainSteps: [
      { action: "aws:runShellScript", name: "say", inputs: { runCommand: ["echo {{ message }}"] } },
    ],
  };
  edit(doc);
  return JSON.stringify(doc);
}

function refused(
  content: string,
  pointer: string,
  expected: RegExp,
  code = "InvalidDocumentContent",
) {
  assert.throws(
    () => parseDocument(content),
    (error: unknown) => {
      assert.ok(error instanceof DocumentError, String(error));
      assert.equal(error.code, code);
      assert.equal(error.pointer, pointer);
      assert.match(error.expected, expected);
      return true;
    },
  );
}

describe("parseDocument", () => {
  test("reads a JSON Command document", () => {
    const doc = parseDocument(command());
    assert.equal(doc.documentType, "Command");
    assert.equal(doc.format, "JSON");
    assert.ok(doc.documentType === "Command");
    assert.deepEqual(doc.parameters, { message: { type: "String", default: "hi" } });
    assert.deepEqual(doc.mainSteps[0], {
      action: "aws:runShellScript",
      name: "say",
      inputs: { runCommand: ["echo {{ message }}"] },
    });
  });

  test("detects YAML, and reads an unquoted 2.2", () => {
    const doc = parseDocument(
      [
        "schemaVersion: 2.2",
        "mainSteps:",
        "  - action: aws:runPowerShellScript",
        "    name: ps",
        "    precondition:",
        "      StringEquals: [platformType, Windows]",
        "    inputs:",
        "      runCommand: Write-Output yes",
      ].join("\n"),
    );
    assert.equal(doc.format, "YAML");
    assert.ok(doc.documentType === "Command");
    assert.deepEqual(doc.mainSteps[0].precondition, { StringEquals: ["platformType", "Windows"] });
    // YAML 1.2 core schema: `yes` stays a string.
    assert.equal(doc.mainSteps[0].inputs.runCommand, "Write-Output yes");
  });

  test("a forced format is honoured", () => {
    assert.throws(() => parseDocument("schemaVersion: '2.2'", "JSON"), /expected valid JSON/);
  });

  test("syntax errors carry a line and column", () => {
    assert.throws(
      () => parseDocument('{\n  "schemaVersion": "2.2",\n  oops\n}'),
      (error: unknown) =>
        error instanceof DocumentError && error.line === 3 && error.pointer === "",
    );
    assert.throws(
      () => parseDocument("a: 1\na: 2\n"),
      (error: unknown) =>
        error instanceof DocumentError && /YAML/.test(error.expected) && error.line === 2,
    );
    refused("   ", "", /empty/);
    refused('"just text"', "", /a document \(an object\)/);
  });

  test("schema versions: 2.2 for Command, 0.3 for Automation, nothing else", () => {
    refused(
      command((d) => {
        d.schemaVersion = "1.2";
      }),
      "/schemaVersion",
      /"2.2" \(Command\) or "0.3"/,
      "InvalidDocumentSchemaVersion",
    );
    refused(
      command((d) => {
        delete d.schemaVersion;
      }),
      "/schemaVersion",
      /expected schemaVersion/,
    );
    assert.throws(
      () => parseDocument(command(), undefined, "Automation"),
      (error: unknown) =>
        error instanceof DocumentError &&
        error.code === "InvalidDocumentSchemaVersion" &&
        /"0.3" for a Automation/.test(error.message),
    );
  });

  test("Automation runbooks are recognised and kept as written", () => {
    const raw = {
      schemaVersion: "0.3",
      assumeRole: "{{ Role }}",
      parameters: { Role: { type: "String" } },
      mainSteps: [{ name: "s", action: "aws:sleep", inputs: { Duration: "PT1S" } }],
    };
    const doc = parseDocument(JSON.stringify(raw), undefined, "Automation");
    assert.equal(doc.documentType, "Automation");
    assert.ok(doc.documentType === "Automation");
    assert.deepEqual(doc.raw, raw);
    assert.equal(documentJson(doc), JSON.stringify(raw));
    refused(JSON.stringify({ schemaVersion: "0.3" }), "/mainSteps", /non-empty list/);
    refused(
      JSON.stringify({ schemaVersion: "0.3", mainSteps: [{ name: "s" }] }),
      "/mainSteps/0/action",
      /an action/,
    );
  });

  test("structure errors are located", () => {
    refused(
      command((d) => {
        d.extra = 1;
      }),
      "/extra",
      /unknown key "extra"/,
    );
    refused(
      command((d) => {
        d.mainSteps = [];
      }),
      "/mainSteps",
      /non-empty list/,
    );
    refused(
      command((d) => {
        d.description = 5;
      }),
      "/description",
      /a string/,
    );
    const step = (patch: Record<string, unknown>) =>
      command((d) => {
        d.mainSteps = [
          { action: "aws:runShellScript", name: "a", inputs: { runCommand: "x" }, ...patch },
        ];
      });
    refused(
      step({ action: "aws:nope" }),
      "/mainSteps/0/action",
      /one of aws:runShellScript, aws:runPowerShellScript, aws:updateSsmAgent/,
    );
    refused(step({ name: "bad name" }), "/mainSteps/0/name", /letters, digits/);
    refused(step({ inputs: "x" }), "/mainSteps/0/inputs", /an object/);
    refused(
      step({ inputs: { runCommand: 5 } }),
      "/mainSteps/0/inputs/runCommand",
      /a string or a list of strings/,
    );
    refused(
      step({ inputs: { runCommand: "x", shell: "bash" } }),
      "/mainSteps/0/inputs/shell",
      /unknown key "shell"/,
    );
    refused(
      step({ inputs: { runCommand: "x", timeoutSeconds: 0 } }),
      "/mainSteps/0/inputs/timeoutSeconds",
      /from 1 to 172800/,
    );
    refused(
      step({ inputs: { runCommand: "x", workingDirectory: [] } }),
      "/mainSteps/0/inputs/workingDirectory",
      /a string/,
    );
    refused(
      step({ precondition: { StringEquals: ["platformType", "Solaris"] } }),
      "/mainSteps/0/precondition/StringEquals/1",
      /one of Linux, Windows, MacOS/,
    );
    refused(
      step({ precondition: { StringEquals: ["platformName", "Linux"] } }),
      "/mainSteps/0/precondition/StringEquals/0",
      /"platformType"/,
    );
    refused(
      step({ precondition: { StringLike: ["platformType", "Linux"] } }),
      "/mainSteps/0/precondition/StringLike",
      /unknown key/,
    );
    // A shell script cannot be made to apply to Windows.
    refused(
      step({ precondition: { StringEquals: ["platformType", "Windows"] } }),
      "/mainSteps/0/precondition/StringEquals/1",
      /runs on \(Linux, MacOS\)/,
    );
    refused(
      command((d) => {
        d.mainSteps = [
          { action: "aws:runShellScript", name: "a", inputs: { runCommand: "x" } },
          { action: "aws:runShellScript", name: "a", inputs: { runCommand: "y" } },
        ];
      }),
      "/mainSteps/1/name",
      /used twice/,
    );
    refused(
      command((d) => {
        d.mainSteps = [
          {
            action: "aws:updateSsmAgent",
            name: "u",
            inputs: { allowDowngrade: "maybe", agentName: "amazon-ssm-agent" },
          },
        ];
      }),
      "/mainSteps/0/inputs/allowDowngrade",
      /true or false/,
    );
    refused(
      command((d) => {
        d.mainSteps = [{ action: "aws:updateSsmAgent", name: "u", inputs: {} }];
      }),
      "/mainSteps/0/inputs/agentName",
      /agentName/,
    );
  });

  test("pointers escape ~ and / in keys", () => {
    refused(
      command((d) => {
        d.parameters = { "a/b": { type: "String" } };
      }),
      "/parameters/a~1b",
      /parameter name/,
    );
  });

  test("parameter definitions are validated", () => {
    const param = (definition: unknown) =>
      command((d) => {
        d.parameters = { p: definition };
      });
    refused(
      param({ type: "Text" }),
      "/parameters/p/type",
      /one of String, StringList, Integer, Boolean, MapList, StringMap/,
    );
    refused(param("String"), "/parameters/p", /an object/);
    refused(param({ type: "String", secret: true }), "/parameters/p/secret", /unknown key/);
    refused(
      param({ type: "String", allowedPattern: "([a-z" }),
      "/parameters/p/allowedPattern",
      /valid regular expression/,
    );
    refused(param({ type: "String", allowedValues: "a" }), "/parameters/p/allowedValues", /list/);
    refused(
      param({ type: "String", displayType: "big" }),
      "/parameters/p/displayType",
      /textfield/,
    );
    refused(
      param({ type: "StringList", minItems: -1 }),
      "/parameters/p/minItems",
      /non-negative integer/,
    );
    refused(param({ type: "Integer", default: "ten" }), "/parameters/p/default", /of type Integer/);
    refused(
      param({ type: "StringList", default: "a" }),
      "/parameters/p/default",
      /of type StringList/,
    );
    refused(param({ type: "Boolean", default: "yes" }), "/parameters/p/default", /of type Boolean/);
    refused(
      param({ type: "String", default: "c", allowedValues: ["a", "b"] }),
      "/parameters/p/default",
      /allowed values: a, b/,
    );
    refused(
      param({ type: "String", default: "abc", allowedPattern: "[a-z]{2}" }),
      "/parameters/p/default",
      /allowed pattern/,
    );
    const doc = parseDocument(param({ type: "Integer", default: "5", allowedValues: [5, 6] }));
    assert.ok(doc.documentType === "Command");
    assert.deepEqual(doc.parameters.p, { type: "Integer", default: 5, allowedValues: ["5", "6"] });
  });

  test("documentJson round-trips a Command document", () => {
    const doc = parseDocument(command());
    assert.deepEqual(parseDocument(documentJson(doc)), doc);
  });
});
