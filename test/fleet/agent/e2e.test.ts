/**
 * End to end: a real `opsflow server` and a real `opsflow agent` process. Commands sent
 * through the REST API run on the agent and their results and output reach the server; a
 * result survives the server being killed (sent once it is back on the same port) and the
 * agent being killed (reported Failed with the reason); a deregistered node's agent exits 1.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { eventually, rest, type ServerProcess, startServerProcess } from "../../server/harness.js";

const entry = ["--import", "tsx", "src/cli/bin.ts", "agent"];

interface AgentProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startAgentProcess(stateDir: string): AgentProcess {
  const child = spawn(process.execPath, [...entry, "run", "--state-dir", stateDir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { child, output: () => output, exited };
}

async function register(url: string): Promise<{ stateDir: string; instanceId: string }> {
  const activation = await rest(url, "POST", "/v1/activations", { defaultInstanceName: "e2e" });
  assert.equal(activation.status, 201, JSON.stringify(activation.body));
  const stateDir = join(mkdtempSync(join(tmpdir(), "opsflow-e2e-agent-")), "state");
  const out = execFileSync(
    process.execPath,
    [
      ...entry,
      "register",
      "--endpoint",
      url,
      "--activation-id",
      activation.body.activationId,
      "--activation-code",
      activation.body.activationCode,
      "--state-dir",
      stateDir,
      "--json",
    ],
    { encoding: "utf8" },
  );
  return { stateDir, instanceId: JSON.parse(out).instanceId };
}

async function send(url: string, instanceId: string, commands: string[]): Promise<string> {
  const sent = await rest(url, "POST", "/v1/commands", {
    documentName: "AWS-RunShellScript",
    instanceIds: [instanceId],
    parameters: { commands },
  });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  return sent.body.commandId;
}

/** The invocation once it is terminal. */
async function ended(url: string, commandId: string, instanceId: string, ms = 30_000) {
  return eventually(async () => {
    const found = await rest(url, "GET", `/v1/commands/${commandId}/invocations/${instanceId}`);
    const terminal = ["Success", "Failed", "TimedOut", "Cancelled"].includes(found.body?.status);
    return terminal ? found.body : undefined;
  }, ms);
}

describe("opsflow agent against opsflow server", () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess();
  });
  after(() => server.stop());

  test("runs commands, reports exit codes and output; a deregistered node's agent exits 1", async () => {
    const { stateDir, instanceId } = await register(server.url);
    const agent = startAgentProcess(stateDir);
    try {
      const ok = await send(server.url, instanceId, ["echo hello", "echo warn >&2"]);
      const success = await ended(server.url, ok, instanceId);
      assert.equal(success.status, "Success", agent.output());
      assert.equal(success.responseCode, 0);
      assert.equal(success.standardOutputContent, "hello\n");
      assert.equal(success.standardErrorContent, "warn\n");

      const failing = await send(server.url, instanceId, ["echo partial", "exit 42"]);
      const failed = await ended(server.url, failing, instanceId);
      assert.equal(failed.status, "Failed");
      assert.equal(failed.responseCode, 42);

      const nodes = await rest(server.url, "GET", `/v1/nodes/${instanceId}`);
      assert.equal(nodes.body.agentVersion ?? nodes.body.info?.agentVersion, "0.1.0");

      const removed = await rest(server.url, "DELETE", `/v1/nodes/${instanceId}`);
      assert.equal(removed.status, 204);
      assert.equal(await agent.exited, 1);
      assert.match(agent.output(), /deregistered .* register it again/);
    } finally {
      agent.child.kill("SIGKILL");
    }
  });

  test("a result produced while the server is down is reported once it is back", async () => {
    const { stateDir, instanceId } = await register(server.url);
    const agent = startAgentProcess(stateDir);
    try {
      const commandId = await send(server.url, instanceId, [
        "echo waiting",
        "sleep 3",
        "echo done",
      ]);
      await eventually(async () => {
        const found = await rest(
          server.url,
          "GET",
          `/v1/commands/${commandId}/invocations/${instanceId}`,
        );
        return found.body?.status === "InProgress" ? true : undefined;
      });
      const port = new URL(server.url).port;
      await server.kill();
      // The script ends while nothing listens: the agent keeps the result on disk and retries.
      await new Promise((done) => setTimeout(done, 4000));
      server = await startServerProcess(server.dataDir, Number(port));
      const invocation = await ended(server.url, commandId, instanceId, 90_000);
      assert.equal(invocation.status, "Success", agent.output());
      assert.equal(invocation.standardOutputContent, "waiting\ndone\n");
    } finally {
      agent.child.kill("SIGKILL");
    }
  });

  test("an agent killed mid-command reports it Failed with the reason when it starts again", async () => {
    const { stateDir, instanceId } = await register(server.url);
    const first = startAgentProcess(stateDir);
    const commandId = await send(server.url, instanceId, ["echo begun", "sleep 60"]);
    await eventually(async () => {
      const found = await rest(
        server.url,
        "GET",
        `/v1/commands/${commandId}/invocations/${instanceId}`,
      );
      return found.body?.stdoutBytes > 0 ? true : undefined;
    });
    first.child.kill("SIGKILL");
    await first.exited;
    const second = startAgentProcess(stateDir);
    try {
      const invocation = await ended(server.url, commandId, instanceId);
      assert.equal(invocation.status, "Failed", second.output());
      assert.equal(invocation.responseCode, -1);
      assert.equal(invocation.standardOutputContent, "begun\n");
      assert.match(
        invocation.standardErrorContent,
        /the agent stopped while the command ran \(restarted at /,
      );
    } finally {
      second.child.kill("SIGKILL");
    }
  });
});
