import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  bindParameters,
  type CommandDocument,
  compileCommand,
  documentPlatforms,
  InvalidParametersError,
  InvalidPlatformError,
  parseDocument,
} from "../../../src/runbooks/document/index.js";

function commandDocument(document: Record<string, unknown>): CommandDocument {
  const doc = parseDocument(JSON.stringify({ schemaVersion: "2.2", ...document }));
  assert.ok(doc.documentType === "Command");
  return doc;
}

/** One step per platform, a shell step for both Unix platforms and a PowerShell step anywhere. */
const mixed = commandDocument({
  parameters: {
    commands: { type: "StringList" },
    dir: { type: "String", default: "" },
    timeout: { type: "String", default: "600" },
  },
  mainSteps: [
    {
      action: "aws:runShellScript",
      name: "unix",
      inputs: {
        runCommand: "{{ commands }}",
        workingDirectory: "{{ dir }}",
        timeoutSeconds: "{{ timeout }}",
      },
    },
    {
      action: "aws:runPowerShellScript",
      name: "windows",
      precondition: { StringEquals: ["platformType", "Windows"] },
      inputs: { runCommand: ["Write-Output start", "{{ commands }}"] },
    },
    {
      action: "aws:runPowerShellScript",
      name: "everywhere",
      inputs: { runCommand: "Get-Date", timeoutSeconds: 30 },
    },
  ],
});

describe("compileCommand", () => {
  test("Linux gets the shell step and the unconditional PowerShell step", () => {
    const compiled = compileCommand(
      mixed,
      bindParameters(mixed, { commands: ["id", "uname -a"], dir: ["/tmp"] }),
      "Linux",
    );
    assert.deepEqual(compiled, {
      plugins: [
        {
          name: "unix",
          action: "aws:runShellScript",
          runCommand: ["id", "uname -a"],
          workingDirectory: "/tmp",
          timeoutSeconds: 600,
        },
        {
          name: "everywhere",
          action: "aws:runPowerShellScript",
          runCommand: ["Get-Date"],
          timeoutSeconds: 30,
        },
      ],
      executionTimeoutSeconds: 630,
    });
  });

  test("MacOS runs shell steps too; Windows gets only PowerShell steps", () => {
    const bound = bindParameters(mixed, { commands: ["whoami"] });
    assert.deepEqual(
      compileCommand(mixed, bound, "MacOS").plugins.map((p) => p.name),
      ["unix", "everywhere"],
    );
    const windows = compileCommand(mixed, bound, "Windows");
    assert.deepEqual(
      windows.plugins.map((p) => p.name),
      ["windows", "everywhere"],
    );
    // The StringList is spliced into the list, the default timeout applies, no empty workingDirectory.
    assert.deepEqual(windows.plugins[0], {
      name: "windows",
      action: "aws:runPowerShellScript",
      runCommand: ["Write-Output start", "whoami"],
      timeoutSeconds: 3600,
    });
    assert.equal(windows.executionTimeoutSeconds, 3630);
    assert.deepEqual(documentPlatforms(mixed), ["Linux", "Windows", "MacOS"]);
  });

  test("no applicable step: InvalidPlatformError", () => {
    const shellOnly = commandDocument({
      mainSteps: [{ action: "aws:runShellScript", name: "s", inputs: { runCommand: "true" } }],
    });
    assert.deepEqual(documentPlatforms(shellOnly), ["Linux", "MacOS"]);
    assert.throws(
      () => compileCommand(shellOnly, {}, "Windows"),
      (error: unknown) =>
        error instanceof InvalidPlatformError &&
        error.code === "InvalidPlatform" &&
        error.platform === "Windows" &&
        /its steps run on Linux, MacOS/.test(error.message),
    );
    const linuxOnly = commandDocument({
      mainSteps: [
        {
          action: "aws:runShellScript",
          name: "s",
          precondition: { StringEquals: ["platformType", "Linux"] },
          inputs: { runCommand: "true" },
        },
      ],
    });
    assert.throws(() => compileCommand(linuxOnly, {}, "MacOS"), InvalidPlatformError);
  });

  test("a substituted value that does not fit its input names the parameter", () => {
    const doc = commandDocument({
      parameters: { timeout: { type: "String" } },
      mainSteps: [
        {
          action: "aws:runShellScript",
          name: "s",
          inputs: { runCommand: "true", timeoutSeconds: "{{ timeout }}" },
        },
      ],
    });
    assert.throws(
      () => compileCommand(doc, bindParameters(doc, { timeout: ["forever"] }), "Linux"),
      (error: unknown) =>
        error instanceof InvalidParametersError &&
        error.parameter === "timeout" &&
        /Step "s": timeoutSeconds must be a whole number of seconds/.test(error.message),
    );
    const map = commandDocument({
      parameters: { lines: { type: "StringMap" } },
      mainSteps: [
        { action: "aws:runShellScript", name: "s", inputs: { runCommand: "{{ lines }}" } },
      ],
    });
    assert.throws(
      () => compileCommand(map, bindParameters(map, { lines: ['{"a":"b"}'] }), "Linux"),
      (error: unknown) => error instanceof InvalidParametersError && error.parameter === "lines",
    );
  });

  test("aws:updateSsmAgent: allowDowngrade and version", () => {
    const doc = commandDocument({
      parameters: {
        allow: { type: "String", default: "false" },
        version: { type: "String", default: "" },
      },
      mainSteps: [
        {
          action: "aws:updateSsmAgent",
          name: "update",
          inputs: {
            agentName: "amazon-ssm-agent",
            allowDowngrade: "{{ allow }}",
            version: "{{ version }}",
          },
        },
      ],
    });
    assert.deepEqual(compileCommand(doc, bindParameters(doc, {}), "Windows").plugins, [
      {
        name: "update",
        action: "aws:updateSsmAgent",
        runCommand: [],
        allowDowngrade: false,
        timeoutSeconds: 3600,
      },
    ]);
    assert.deepEqual(
      compileCommand(doc, bindParameters(doc, { allow: ["true"], version: ["3.1.0"] }), "Linux")
        .plugins[0],
      {
        name: "update",
        action: "aws:updateSsmAgent",
        runCommand: [],
        allowDowngrade: true,
        targetVersion: "3.1.0",
        timeoutSeconds: 3600,
      },
    );
    assert.throws(
      () => compileCommand(doc, bindParameters(doc, { allow: ["sometimes"] }), "Linux"),
      (error: unknown) => error instanceof InvalidParametersError && error.parameter === "allow",
    );
  });

  test("Parameter Store references survive compilation", () => {
    const doc = commandDocument({
      parameters: { password: { type: "String", default: "{{ssm-secure:/db/password}}" } },
      mainSteps: [
        {
          action: "aws:runShellScript",
          name: "s",
          inputs: { runCommand: "login {{ password }} {{ssm:/db/host}}" },
        },
      ],
    });
    assert.deepEqual(compileCommand(doc, bindParameters(doc, {}), "Linux").plugins[0].runCommand, [
      "login {{ssm-secure:/db/password}} {{ssm:/db/host}}",
    ]);
  });
});
