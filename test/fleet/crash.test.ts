/**
 * A result is never lost and an invocation never runs twice: the server killed during a long
 * command (the agent reports when the server is back), the agent killed during a command (it
 * ends Failed with a reason once the agent is back, never stuck InProgress), and a script that
 * asks for a reboot (exit 194: the agent reboots the node and runs the script again).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { SendCommandCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { eventually, startServerProcess } from "../server/harness.js";
import {
  type AgentProcess,
  activation,
  invocationEnded,
  registerAgent,
  runAgent,
  ssmClient,
} from "./fleet-harness.js";

async function send(ssm: SSMClient, instanceId: string, commands: string[]) {
  const sent = await ssm.send(
    new SendCommandCommand({
      DocumentName: "AWS-RunShellScript",
      InstanceIds: [instanceId],
      Parameters: { commands },
    }),
  );
  return sent.Command?.CommandId as string;
}

describe("fleet crashes", () => {
  const scratch = mkdtempSync(join(tmpdir(), "opsflow-fleet-crash-"));
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  test("the server killed during a long command: the agent reports once the server is back", async () => {
    let server = await startServerProcess();
    const port = Number(new URL(server.url).port);
    const ssm = ssmClient(server.url);
    const agent = await runAgent(registerAgent(server.url, await activation(ssm, 1)));
    cleanups.push(() => agent.kill());
    const started = join(scratch, "server-crash-started");
    const commandId = await send(ssm, agent.instanceId, [
      `touch ${started}`,
      "sleep 3",
      "echo finished",
    ]);
    await eventually(async () => (existsSync(started) ? true : undefined));
    await server.kill();
    server = await startServerProcess(server.dataDir, port);
    cleanups.push(() => server.stop());
    const inv = await invocationEnded(ssm, commandId, agent.instanceId);
    assert.equal(inv.Status, "Success");
    assert.equal(inv.StandardOutputContent, "finished\n");
  });

  test("the agent killed during a command: the invocation ends Failed with a reason when it is back", async () => {
    const server = await startServerProcess();
    cleanups.push(() => server.stop());
    const ssm = ssmClient(server.url);
    const registered = registerAgent(server.url, await activation(ssm, 1));
    let agent: AgentProcess = await runAgent(registered);
    const started = join(scratch, "agent-crash-started");
    const again = join(scratch, "agent-crash-ran-twice");
    const commandId = await send(ssm, agent.instanceId, [
      `if [ -f ${started} ]; then touch ${again}; fi`,
      `touch ${started}`,
      "sleep 20",
    ]);
    await eventually(async () => (existsSync(started) ? true : undefined));
    await agent.kill();
    agent = await runAgent(registered);
    cleanups.push(() => agent.kill());
    const inv = await invocationEnded(ssm, commandId, agent.instanceId);
    assert.equal(inv.Status, "Failed");
    assert.match(inv.StandardErrorContent ?? "", /agent stopped while the command ran/);
    assert.equal(existsSync(again), false, "the invocation never ran twice");
  });

  test("exit 194 reboots the node and runs the script again after the reboot", async () => {
    const server = await startServerProcess();
    cleanups.push(() => server.stop());
    const ssm = ssmClient(server.url);
    const registered = registerAgent(server.url, await activation(ssm, 1));
    const rebooted = join(scratch, "rebooted");
    const marker = join(scratch, "patched");
    let agent = await runAgent(registered, { rebootCommand: `touch ${rebooted}` });
    const commandId = await send(ssm, agent.instanceId, [
      `if [ -f ${marker} ]; then echo "after the reboot"; exit 0; fi`,
      `touch ${marker}`,
      "echo installing",
      "exit 194",
    ]);
    // The agent stops for the reboot (a real reboot would stop it anyway).
    assert.equal(await agent.exited, 0);
    assert.equal(existsSync(rebooted), true, "the reboot command ran");
    assert.equal(readFileSync(marker, "utf8"), "");
    agent = await runAgent(registered, { rebootCommand: `touch ${rebooted}` });
    cleanups.push(() => agent.kill());
    const inv = await invocationEnded(ssm, commandId, agent.instanceId);
    assert.equal(inv.Status, "Success");
    assert.match(inv.StandardOutputContent ?? "", /after the reboot/);
  });
});
