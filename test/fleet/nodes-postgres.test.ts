/**
 * The fleet on several server nodes sharing one PostgreSQL database: agents connected to
 * different nodes, a command sent through one node reaches the agents of the other at once
 * (LISTEN/NOTIFY, no polling interval), rate control holds across nodes, and an SSM call on
 * either node sees the same command.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
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
import { freshDatabaseUrl, skipPostgres } from "../store/postgres.js";
import {
  type AgentProcess,
  activation,
  registerAgent,
  runAgent,
  ssmClient,
} from "./fleet-harness.js";

const MASTER_KEY = Buffer.alloc(32, 9).toString("base64");

describe("the fleet on two server nodes", { skip: skipPostgres }, () => {
  const servers: ServerProcess[] = [];
  const agents: AgentProcess[] = [];
  let clients: SSMClient[];

  before(async () => {
    const database = await freshDatabaseUrl();
    const root = mkdtempSync(join(tmpdir(), "opsflow-fleet-nodes-"));
    for (const name of ["a", "b"])
      servers.push(
        await startServerProcess(join(root, name), 0, {
          OPSFLOW_DATABASE_URL: database,
          OPSFLOW_MASTER_KEY: MASTER_KEY,
        }),
      );
    clients = servers.map((server) => ssmClient(server.url));
    const act = await activation(clients[0], 4);
    // Two agents on each node.
    for (const server of [servers[0], servers[0], servers[1], servers[1]])
      agents.push(await runAgent(registerAgent(server.url, act)));
  });
  after(async () => {
    await Promise.all(agents.map((agent) => agent.kill()));
    await Promise.all(servers.map((server) => server.stop()));
  });

  test("a command sent through one node runs on the agents of both, one at a time with MaxConcurrency 1", async () => {
    const sent = await clients[0].send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds: agents.map((agent) => agent.instanceId),
        MaxConcurrency: "1",
        Parameters: { commands: ["date +%s%N", "sleep 0.2", "date +%s%N"] },
      }),
    );
    const commandId = sent.Command?.CommandId as string;
    const command = await eventually(async () => {
      const { Commands } = await clients[1].send(new ListCommandsCommand({ CommandId: commandId }));
      return Commands?.[0]?.Status === "Success" ? Commands[0] : undefined;
    }, 40_000);
    assert.equal(command.CompletedCount, 4);
    // Each node's run is [start, end] in ns: with MaxConcurrency 1 no two runs overlap.
    const runs = [];
    for (const agent of agents) {
      const inv = await clients[1].send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: agent.instanceId }),
      );
      const [start, end] = (inv.StandardOutputContent ?? "").trim().split("\n").map(BigInt);
      runs.push({ start, end });
    }
    runs.sort((x, y) => (x.start < y.start ? -1 : 1));
    for (let i = 1; i < runs.length; i++)
      assert.ok(runs[i].start >= runs[i - 1].end, "runs overlapped although MaxConcurrency is 1");
  });
});
