/**
 * AWS-RunPatchBaseline through real agents: Scan runs against this machine's real package
 * manager, read-only; Install runs against a stand-in package manager first on the agent's
 * PATH (installing for real would change the machine), with RebootOption NoReboot.
 */
import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { eventually, type ServerProcess, startServerProcess } from "../server/harness.js";
import {
  type AgentProcess,
  activation,
  registerAgent,
  runAgent,
  ssmClient,
} from "./fleet-harness.js";

const ENDED = new Set(["Success", "Failed", "TimedOut", "Cancelled"]);
const managers = ["apt-get", "dnf", "yum", "zypper"].filter((name) =>
  (process.env.PATH ?? "").split(":").some((dir) => existsSync(join(dir, name))),
);

describe("AWS-RunPatchBaseline on real agents", () => {
  let server: ServerProcess;
  let ssm: SSMClient;
  let plain: AgentProcess;
  let standIn: AgentProcess;
  const scratch = mkdtempSync(join(tmpdir(), "opsflow-patch-e2e-"));
  const calls = join(scratch, "calls");

  before(async () => {
    server = await startServerProcess();
    ssm = ssmClient(server.url);
    const act = await activation(ssm, 2);
    plain = await runAgent(registerAgent(server.url, act));
    // The stand-in: reports two missing updates until an upgrade ran, and records its calls.
    const bin = join(scratch, "bin");
    mkdirSync(bin);
    writeFileSync(
      join(bin, "apt-get"),
      `#!/bin/sh
echo "apt-get $*" >> ${calls}
case " $* " in
  *" -s "*) [ -e ${scratch}/installed ] || { echo "Inst openssl [3.0.11-1] (3.0.13-1 Debian:12/stable [amd64])"; echo "Inst curl [7.88.1-10] (7.88.1-10+deb12u5 Debian:12/stable [amd64])"; } ;;
  *" -y "*) : > ${scratch}/installed ;;
esac
exit 0
`,
    );
    chmodSync(join(bin, "apt-get"), 0o755);
    standIn = await runAgent(registerAgent(server.url, act), {
      env: { PATH: `${bin}:${process.env.PATH}` },
    });
  });
  after(async () => {
    await Promise.all([plain?.kill(), standIn?.kill()]);
    await server?.stop();
  });

  async function patch(node: AgentProcess, parameters: Record<string, string[]>) {
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunPatchBaseline",
        InstanceIds: [node.instanceId],
        Parameters: parameters,
      }),
    );
    const commandId = sent.Command?.CommandId as string;
    await eventually(async () => {
      const { Commands } = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
      return ENDED.has(Commands?.[0]?.Status ?? "") ? true : undefined;
    }, 120_000);
    return ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: node.instanceId }),
    );
  }

  test("Scan reports what is missing on this machine and changes nothing", {
    skip: managers.length === 0 && "no package manager here",
  }, async () => {
    const inv = await patch(plain, { Operation: ["Scan"] });
    assert.equal(inv.Status, "Success", inv.StandardErrorContent);
    assert.match(inv.StandardOutputContent ?? "", /Missing: \d+/);
  });

  test("Install upgrades with the package manager and, with NoReboot, ends without a reboot", async () => {
    const inv = await patch(standIn, { Operation: ["Install"], RebootOption: ["NoReboot"] });
    assert.equal(inv.Status, "Success", inv.StandardErrorContent);
    const log = readFileSync(calls, "utf8");
    assert.match(log, /apt-get .*-y/);
    assert.equal(existsSync(join(scratch, "installed")), true);
  });

  test("Operation is required and must be Scan or Install", async () => {
    await assert.rejects(
      ssm.send(
        new SendCommandCommand({
          DocumentName: "AWS-RunPatchBaseline",
          InstanceIds: [plain.instanceId],
          Parameters: { Operation: ["Upgrade"] },
        }),
      ),
      (error: Error) => error.name === "InvalidParameters" && /Operation/.test(error.message),
    );
  });
});
