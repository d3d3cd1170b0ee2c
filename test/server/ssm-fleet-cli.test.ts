/**
 * The fleet operations through the installed AWS CLI (`aws ssm ... --endpoint-url`) against a
 * real server process: activations, documents from a YAML file, listing, and a refused
 * SendCommand that exits non-zero with SSM's error code and stores nothing.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ADMIN, type ServerProcess, startServerProcess } from "./harness.js";

let server: ServerProcess;

before(async () => {
  server = await startServerProcess();
});
after(async () => {
  await server?.stop();
});

/** Runs `aws ssm ARGS` against the server as the admin; its exit code and output. */
function awsSsm(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "aws",
      ["ssm", ...args, "--endpoint-url", server.url, "--output", "json"],
      {
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
          AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
          AWS_DEFAULT_REGION: "us-east-1",
          AWS_CONFIG_FILE: "/dev/null",
          AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
          AWS_MAX_ATTEMPTS: "1",
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const json = async (...args: string[]) => {
  const result = await awsSsm(...args);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim() === "" ? {} : JSON.parse(result.stdout);
};

test("activations through the AWS CLI: create, describe, delete", async () => {
  const created = await json(
    "create-activation",
    "--iam-role",
    "SSMServiceRole",
    "--registration-limit",
    "2",
    "--default-instance-name",
    "cli-node",
  );
  assert.match(created.ActivationId, /^[0-9a-f-]{36}$/);
  assert.match(created.ActivationCode, /^[A-Za-z0-9]{20}$/);
  const described = await json(
    "describe-activations",
    "--filters",
    `FilterKey=ActivationIds,FilterValues=${created.ActivationId}`,
  );
  assert.equal(described.ActivationList.length, 1);
  assert.equal(described.ActivationList[0].DefaultInstanceName, "cli-node");
  assert.equal(described.ActivationList[0].RegistrationLimit, 2);
  assert.equal(described.ActivationList[0].Expired, false);
  await json("delete-activation", "--activation-id", created.ActivationId);
  const gone = await awsSsm("delete-activation", "--activation-id", created.ActivationId);
  assert.notEqual(gone.code, 0);
  assert.match(gone.stderr, /InvalidActivationId/);
});

test("documents through the AWS CLI: a YAML file created, described, listed, read as JSON", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ssm-cli-"));
  const file = join(dir, "doc.yaml");
  writeFileSync(
    file,
    [
      'schemaVersion: "2.2"',
      "description: Print the uptime",
      "parameters:",
      "  flags:",
      "    type: String",
      '    default: "-p"',
      "mainSteps:",
      "  - action: aws:runShellScript",
      "    name: uptime",
      "    inputs:",
      "      runCommand:",
      '        - "uptime {{ flags }}"',
      "",
    ].join("\n"),
  );
  const created = await json(
    "create-document",
    "--name",
    "Cli-Uptime",
    "--content",
    `file://${file}`,
    "--document-format",
    "YAML",
    "--document-type",
    "Command",
  );
  assert.equal(created.DocumentDescription.DocumentFormat, "YAML");
  assert.equal(created.DocumentDescription.Owner, "123456789012");
  const described = await json("describe-document", "--name", "Cli-Uptime");
  assert.deepEqual(described.Document.Parameters, [
    { Name: "flags", Type: "String", DefaultValue: "-p" },
  ]);
  assert.deepEqual(described.Document.PlatformTypes, ["Linux", "MacOS"]);
  const listed = await json("list-documents", "--filters", "Key=Owner,Values=Self");
  assert.deepEqual(
    listed.DocumentIdentifiers.map((d: { Name: string }) => d.Name),
    ["Cli-Uptime"],
  );
  const got = await json("get-document", "--name", "Cli-Uptime", "--document-format", "JSON");
  assert.equal(JSON.parse(got.Content).mainSteps[0].name, "uptime");
});

test("a refused send-command exits non-zero with SSM's code and stores nothing", async () => {
  const refused = await awsSsm(
    "send-command",
    "--document-name",
    "AWS-RunShellScript",
    "--instance-ids",
    "mi-0123456789abcdef0",
    "--parameters",
    "commands=uptime",
  );
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /InvalidInstanceId/);
  assert.deepEqual((await json("list-commands")).Commands, []);
  assert.deepEqual((await json("describe-instance-information")).InstanceInformationList, []);
});
