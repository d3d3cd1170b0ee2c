/**
 * Agentless hosts end to end: a real sshd, registered through the real CLI (its host key
 * pinned), then targeted, rate-controlled and reported like agent nodes through the official
 * SSM client; a host whose key changed is refused before anything runs on it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { ADMIN, eventually, type ServerProcess, startServerProcess } from "../server/harness.js";
import { ssmClient } from "./fleet-harness.js";
import { sshdAvailable, startSshd, type TestSshd } from "./ssh/sshd.js";

const ENDED = new Set(["Success", "Failed", "TimedOut", "Cancelled"]);

describe("SSH hosts", { skip: sshdAvailable() }, () => {
  let server: ServerProcess;
  let ssm: SSMClient;
  let sshd: TestSshd;
  let nodeId: string;
  const scratch = mkdtempSync(join(tmpdir(), "opsflow-ssh-hosts-"));

  before(async () => {
    server = await startServerProcess();
    ssm = ssmClient(server.url);
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
    await server?.stop();
  });

  const cli = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ["--import", "tsx", "src/cli/bin.ts", ...args, "--endpoint", server.url, "--json"],
      {
        encoding: "utf8",
        env: { ...process.env, OPSFLOW_TOKEN: ADMIN.token },
      },
    );

  async function run(commands: string[]) {
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds: [nodeId],
        Parameters: { commands },
      }),
    );
    const commandId = sent.Command?.CommandId as string;
    await eventually(async () => {
      const { Commands } = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
      return ENDED.has(Commands?.[0]?.Status ?? "") ? true : undefined;
    }, 30_000);
    return ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: nodeId }));
  }

  test("opsflow nodes add-ssh registers the host with its key pinned; the key is kept as a SecureString", () => {
    const keyFile = join(scratch, "id_ed25519");
    writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
    const added = cli(
      "nodes",
      "add-ssh",
      sshd.host,
      "--port",
      String(sshd.port),
      "--user",
      sshd.user,
      "--key-file",
      keyFile,
      "--tag",
      "env=lab",
    );
    assert.equal(added.status, 0, added.stderr);
    const node = JSON.parse(added.stdout);
    nodeId = node.id;
    assert.match(nodeId, /^mi-[0-9a-f]{17}$/);
    assert.deepEqual(node.connection, {
      kind: "ssh",
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
    });
    assert.equal(JSON.stringify(node).includes("PRIVATE KEY"), false);
    const parameter = cli("parameters", "get", `/opsflow/ssh-keys/${nodeId}`);
    assert.equal(parameter.status, 0, parameter.stderr);
    assert.equal(
      JSON.parse(parameter.stdout).type ?? JSON.parse(parameter.stdout).Type,
      "SecureString",
    );
  });

  test("a command runs on the host over SSH, with its output and exit code", async () => {
    const ok = await run(["echo on $(hostname)", "echo warn >&2"]);
    assert.equal(ok.Status, "Success");
    assert.match(ok.StandardOutputContent ?? "", /^on /);
    assert.equal(ok.StandardErrorContent, "warn\n");
    const failed = await run(["exit 7"]);
    assert.equal(failed.Status, "Failed");
    assert.equal(failed.ResponseCode, 7);
  });

  test("a host whose key changed is refused before anything runs", async () => {
    const port = sshd.port;
    await sshd.stop();
    sshd = await startSshd({ port });
    const marker = join(scratch, "ran-on-impostor");
    const refused = await run([`touch ${marker}`]);
    assert.equal(refused.Status, "Failed");
    assert.equal(refused.StatusDetails, "Undeliverable");
    assert.match(refused.StandardErrorContent ?? "", /host key/i);
    assert.equal(existsSync(marker), false);
  });

  test("bad registrations are refused and store nothing", () => {
    const keyFile = join(scratch, "wrong_key");
    writeFileSync(keyFile, "not a key", { mode: 0o600 });
    const bad = cli(
      "nodes",
      "add-ssh",
      "127.0.0.1",
      "--port",
      "1",
      "--user",
      "root",
      "--key-file",
      keyFile,
    );
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /unreachable|refused|connect/i);
    const list = cli("nodes", "list");
    assert.equal(JSON.parse(list.stdout).items.length, 1);
  });
});
