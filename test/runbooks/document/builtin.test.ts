import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  BUILTIN_DOCUMENTS,
  bindParameters,
  type CommandDocument,
  compileCommand,
  describeParameters,
  documentPlatforms,
  InvalidParametersError,
  InvalidPlatformError,
  parseDocument,
} from "../../../src/runbooks/document/index.js";

function builtin(name: string): CommandDocument {
  const found = BUILTIN_DOCUMENTS[name];
  assert.ok(found, `no built-in ${name}`);
  const doc = parseDocument(found.content, found.format, found.documentType);
  assert.ok(doc.documentType === "Command");
  return doc;
}

describe("built-in documents", () => {
  test("every one is owned by Amazon and parses as declared", () => {
    assert.deepEqual(Object.keys(BUILTIN_DOCUMENTS).sort(), [
      "AWS-RunPatchBaseline",
      "AWS-RunPowerShellScript",
      "AWS-RunShellScript",
      "AWS-UpdateSSMAgent",
    ]);
    for (const [name, document] of Object.entries(BUILTIN_DOCUMENTS)) {
      assert.equal(document.name, name);
      assert.equal(document.owner, "Amazon");
      assert.equal(parseDocument(document.content).format, document.format);
    }
  });

  test("AWS-RunShellScript: commands on Linux and macOS, executionTimeout checked", () => {
    const doc = builtin("AWS-RunShellScript");
    assert.deepEqual(documentPlatforms(doc), ["Linux", "MacOS"]);
    assert.deepEqual(
      describeParameters(doc).map((p) => [p.Name, p.Type, p.DefaultValue]),
      [
        ["commands", "StringList", undefined],
        ["workingDirectory", "String", ""],
        ["executionTimeout", "String", "3600"],
      ],
    );
    const compiled = compileCommand(
      doc,
      bindParameters(doc, { commands: ["uptime", "df -h"] }),
      "Linux",
    );
    assert.deepEqual(compiled, {
      plugins: [
        {
          name: "runShellScript",
          action: "aws:runShellScript",
          runCommand: ["uptime", "df -h"],
          timeoutSeconds: 3600,
        },
      ],
      executionTimeoutSeconds: 3600,
    });
    assert.throws(() => bindParameters(doc, {}), /"commands" is required/);
    assert.throws(() => bindParameters(doc, { commands: [] }), /at least 1 item/);
    assert.throws(
      () => bindParameters(doc, { commands: ["x"], executionTimeout: ["172801"] }),
      InvalidParametersError,
    );
    assert.equal(
      compileCommand(
        doc,
        bindParameters(doc, { commands: ["x"], executionTimeout: ["172800"] }),
        "MacOS",
      ).executionTimeoutSeconds,
      172800,
    );
    assert.throws(
      () => compileCommand(doc, bindParameters(doc, { commands: ["x"] }), "Windows"),
      InvalidPlatformError,
    );
  });

  test("AWS-RunPowerShellScript runs everywhere", () => {
    const doc = builtin("AWS-RunPowerShellScript");
    const bound = bindParameters(doc, {
      commands: ["Get-Service"],
      workingDirectory: ["C:\\Temp"],
      executionTimeout: ["60"],
    });
    for (const platform of ["Windows", "Linux", "MacOS"] as const) {
      assert.deepEqual(compileCommand(doc, bound, platform).plugins, [
        {
          name: "runPowerShellScript",
          action: "aws:runPowerShellScript",
          runCommand: ["Get-Service"],
          workingDirectory: "C:\\Temp",
          timeoutSeconds: 60,
        },
      ]);
    }
  });

  test("AWS-UpdateSSMAgent: the server's version unless one is asked for", () => {
    const doc = builtin("AWS-UpdateSSMAgent");
    assert.deepEqual(compileCommand(doc, bindParameters(doc, {}), "Linux").plugins, [
      {
        name: "updateSsmAgent",
        action: "aws:updateSsmAgent",
        runCommand: [],
        allowDowngrade: false,
        timeoutSeconds: 3600,
      },
    ]);
    const older = compileCommand(
      doc,
      bindParameters(doc, { allowDowngrade: ["true"], version: ["0.9.0"] }),
      "Windows",
    );
    assert.equal(older.plugins[0].targetVersion, "0.9.0");
    assert.equal(older.plugins[0].allowDowngrade, true);
    assert.throws(
      () => bindParameters(doc, { allowDowngrade: ["yes"] }),
      /allowed values: true, false/,
    );
  });

  test("AWS-RunPatchBaseline: Operation required, a script per platform", () => {
    const doc = builtin("AWS-RunPatchBaseline");
    assert.throws(() => bindParameters(doc, {}), /"Operation" is required.*Scan, Install/);
    assert.throws(
      () => bindParameters(doc, { Operation: ["Patch"] }),
      /allowed values: Scan, Install/,
    );
    assert.throws(
      () => bindParameters(doc, { Operation: ["Scan"], RebootOption: ["Always"] }),
      /RebootIfNeeded, NoReboot/,
    );
    const bound = bindParameters(doc, { Operation: ["Install"] });
    assert.equal(bound.RebootOption, "RebootIfNeeded");

    const linux = compileCommand(doc, bound, "Linux");
    assert.equal(linux.plugins.length, 1);
    assert.equal(linux.plugins[0].name, "PatchLinux");
    assert.equal(linux.executionTimeoutSeconds, 7200);
    const script = linux.plugins[0].runCommand.join("\n");
    assert.match(script, /^#!\/bin\/sh\noperation='Install'\nreboot_option='RebootIfNeeded'\n/);
    assert.doesNotMatch(script, /\{\{/);

    const windows = compileCommand(
      doc,
      bindParameters(doc, { Operation: ["Scan"], RebootOption: ["NoReboot"] }),
      "Windows",
    );
    assert.equal(windows.plugins[0].action, "aws:runPowerShellScript");
    const ps = windows.plugins[0].runCommand.join("\n");
    assert.match(ps, /\$operation = 'Scan'/);
    assert.match(ps, /\$rebootOption = 'NoReboot'/);
    assert.match(ps, /New-Object -ComObject Microsoft\.Update\.Session/);
    assert.match(ps, /exit 3010/);

    assert.throws(() => compileCommand(doc, bound, "MacOS"), InvalidPlatformError);
  });
});
