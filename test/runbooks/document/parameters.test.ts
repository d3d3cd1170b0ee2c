import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  bindParameters,
  type CommandDocument,
  describeParameters,
  InvalidParametersError,
  parseDocument,
} from "../../../src/runbooks/document/index.js";

function documentWith(parameters: Record<string, unknown>): CommandDocument {
  const doc = parseDocument(
    JSON.stringify({
      schemaVersion: "2.2",
      parameters,
      mainSteps: [{ action: "aws:runShellScript", name: "s", inputs: { runCommand: "true" } }],
    }),
  );
  assert.ok(doc.documentType === "Command");
  return doc;
}

function refused(
  doc: CommandDocument,
  given: Record<string, string[]>,
  parameter: string,
  message: RegExp,
) {
  assert.throws(
    () => bindParameters(doc, given),
    (error: unknown) => {
      assert.ok(error instanceof InvalidParametersError, String(error));
      assert.equal(error.code, "InvalidParameters");
      assert.equal(error.parameter, parameter);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe("bindParameters", () => {
  test("binds given values by type and fills defaults", () => {
    const doc = documentWith({
      name: { type: "String" },
      lines: { type: "StringList" },
      count: { type: "Integer", default: 3 },
      force: { type: "Boolean", default: false },
      labels: { type: "StringMap", default: { a: "b" } },
      disks: { type: "MapList" },
    });
    const bound = bindParameters(doc, {
      name: ["web"],
      lines: ["echo 1", "echo 2"],
      force: ["true"],
      disks: ['{"size":10}', '{"size":20}'],
    });
    assert.deepEqual(bound, {
      name: "web",
      lines: ["echo 1", "echo 2"],
      count: 3,
      force: true,
      labels: { a: "b" },
      disks: [{ size: 10 }, { size: 20 }],
    });
    assert.deepEqual(
      bindParameters(doc, { name: ["x"], lines: [], disks: ['[{"n":1}]'], count: ["-7"] }).disks,
      [{ n: 1 }],
    );
    assert.equal(
      bindParameters(doc, { name: ["x"], lines: [], disks: [], count: ["-7"] }).count,
      -7,
    );
  });

  test("an undeclared parameter is refused, naming what is declared", () => {
    refused(
      documentWith({ a: { type: "String", default: "" } }),
      { b: ["x"] },
      "b",
      /"b" is not defined in the document; it declares a/,
    );
    refused(documentWith({}), { b: ["x"] }, "b", /declares no parameters/);
  });

  test("a parameter without a default is required", () => {
    refused(
      documentWith({ Operation: { type: "String", allowedValues: ["Scan", "Install"] } }),
      {},
      "Operation",
      /"Operation" is required.*allowed values: Scan, Install/,
    );
  });

  test("allowedValues, for strings and each list item", () => {
    const doc = documentWith({
      mode: { type: "String", allowedValues: ["a", "b"] },
      tags: { type: "StringList", default: [], allowedValues: ["x"] },
    });
    refused(doc, { mode: ["c"] }, "mode", /value "c" is not allowed; allowed values: a, b/);
    refused(doc, { mode: ["a"], tags: ["x", "y"] }, "tags", /"y" is not allowed/);
    assert.deepEqual(bindParameters(doc, { mode: ["b"], tags: ["x"] }), { mode: "b", tags: ["x"] });
  });

  test("allowedPattern matches the whole value", () => {
    const doc = documentWith({
      timeout: { type: "String", default: "3600", allowedPattern: "[1-9][0-9]{0,4}" },
    });
    refused(doc, { timeout: ["0"] }, "timeout", /does not match the allowed pattern/);
    // A pattern without anchors still has to match all of the value, as SSM matches it.
    refused(doc, { timeout: ["123456"] }, "timeout", /allowed pattern/);
    assert.deepEqual(bindParameters(doc, { timeout: ["99999"] }), { timeout: "99999" });
  });

  test("types: Integer and Boolean are given as strings", () => {
    const doc = documentWith({
      n: { type: "Integer", default: 1 },
      b: { type: "Boolean", default: true },
      m: { type: "StringMap", default: {} },
      l: { type: "MapList", default: [] },
    });
    refused(doc, { n: ["1.5"] }, "n", /is an Integer: got "1.5"/);
    refused(doc, { n: ["ten"] }, "n", /Integer/);
    refused(doc, { b: ["yes"] }, "b", /Boolean: give "true" or "false"/);
    refused(doc, { m: ["[1]"] }, "m", /StringMap: give a JSON object/);
    refused(doc, { m: ["{"] }, "m", /must be JSON/);
    refused(doc, { l: ["1", "2"] }, "l", /MapList/);
  });

  test("only a StringList (or MapList) takes several values", () => {
    const doc = documentWith({ s: { type: "String" }, n: { type: "Integer", default: 1 } });
    refused(doc, { s: ["a", "b"] }, "s", /String and takes exactly one value, got 2/);
    refused(doc, { s: [] }, "s", /exactly one value, got 0/);
    refused(doc, { s: ["a"], n: ["1", "2"] }, "n", /Integer and takes exactly one value/);
  });

  test("lengths and item counts", () => {
    const doc = documentWith({
      s: { type: "String", default: "ok", minChars: 2, maxChars: 3 },
      l: { type: "StringList", default: ["a"], minItems: 1, maxItems: 2 },
    });
    refused(doc, { s: ["a"] }, "s", /at least 2 character/);
    refused(doc, { s: ["abcd"] }, "s", /at most 3 character/);
    refused(doc, { l: [] }, "l", /at least 1 item/);
    refused(doc, { l: ["a", "b", "c"] }, "l", /at most 2 item/);
  });

  test("Parameter Store references pass values and patterns: they are resolved later", () => {
    const doc = documentWith({ token: { type: "String", allowedPattern: "[0-9]+" } });
    assert.deepEqual(bindParameters(doc, { token: ["{{ssm-secure:/db/token}}"] }), {
      token: "{{ssm-secure:/db/token}}",
    });
    refused(doc, { token: ["{{ssm-secure:/db/token}} x"] }, "token", /allowed pattern/);
  });
});

describe("describeParameters", () => {
  test("lists DescribeDocument's Parameters", () => {
    const doc = documentWith({
      commands: { type: "StringList", description: "What to run" },
      timeout: { type: "String", default: "3600" },
      tags: { type: "StringList", default: ["a", "b"] },
      n: { type: "Integer", default: 5 },
    });
    assert.deepEqual(describeParameters(doc), [
      { Name: "commands", Type: "StringList", Description: "What to run" },
      { Name: "timeout", Type: "String", DefaultValue: "3600" },
      { Name: "tags", Type: "StringList", DefaultValue: '["a","b"]' },
      { Name: "n", Type: "Integer", DefaultValue: "5" },
    ]);
  });

  test("reads an Automation runbook's declarations too", () => {
    const doc = parseDocument(
      JSON.stringify({
        schemaVersion: "0.3",
        parameters: {
          InstanceId: { type: "String", description: "node" },
        },
        mainSteps: [{ name: "s", action: "aws:sleep", inputs: { Duration: "PT1S" } }],
      }),
    );
    assert.deepEqual(describeParameters(doc), [
      { Name: "InstanceId", Type: "String", Description: "node" },
    ]);
  });
});
