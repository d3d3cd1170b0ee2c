/**
 * AWS-UpdateSSMAgent on a real agent: the current version is reported as current and the
 * agent goes on; another version is installed with the agent's update command, reported
 * Success, and the agent stops so its service manager starts the new one; an older version
 * needs allowDowngrade.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SendCommandCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { agentVersion } from "../../src/fleet/agent/version.js";
import { type ServerProcess, startServerProcess } from "../server/harness.js";
import {
  type AgentProcess,
  activation,
  invocationEnded,
  registerAgent,
  runAgent,
  ssmClient,
} from "./fleet-harness.js";

describe("AWS-UpdateSSMAgent", () => {
  let server: ServerProcess;
  let ssm: SSMClient;
  let registered: { instanceId: string; stateDir: string };
  let agent: AgentProcess;
  const scratch = mkdtempSync(join(tmpdir(), "opsflow-update-"));
  const installed = join(scratch, "installed");
  const updateCommand = `echo "installing {version}" && echo {version} > ${installed}`;

  before(async () => {
    server = await startServerProcess();
    ssm = ssmClient(server.url);
    registered = registerAgent(server.url, await activation(ssm, 1));
    agent = await runAgent(registered, { env: { OPSFLOW_AGENT_UPDATE_COMMAND: updateCommand } });
  });
  after(async () => {
    await agent?.kill();
    await server?.stop();
  });

  async function update(parameters: Record<string, string[]>) {
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-UpdateSSMAgent",
        InstanceIds: [registered.instanceId],
        Parameters: parameters,
      }),
    );
    return invocationEnded(ssm, sent.Command?.CommandId as string, registered.instanceId, 30_000);
  }

  test("without a version the server's own is offered: the agent is current and goes on", async () => {
    const inv = await update({});
    assert.equal(inv.Status, "Success");
    assert.equal(
      inv.StandardOutputContent,
      `opsflow agent ${agentVersion()} is already the current version\n`,
    );
    assert.equal(existsSync(installed), false);
  });

  test("an older version is refused unless allowDowngrade", async () => {
    const inv = await update({ version: ["0.0.1"] });
    assert.equal(inv.Status, "Failed");
    assert.match(inv.StandardErrorContent ?? "", /older .* allowDowngrade/);
    assert.equal(existsSync(installed), false);
  });

  test("another version is installed with the update command, then the agent stops to restart", async () => {
    const inv = await update({ version: ["99.0.0"] });
    assert.equal(inv.Status, "Success", inv.StandardErrorContent);
    assert.match(inv.StandardOutputContent ?? "", /installing 99\.0\.0/);
    assert.equal(readFileSync(installed, "utf8"), "99.0.0\n");
    assert.equal(await agent.exited, 0);
    assert.match(agent.output(), /stopped to restart with the new version/);
  });
});
