/**
 * `opsflow agent` as a real process against the real server (in-process, commands sent through
 * its REST API): register (and its refusals), status (--json), run (killed with SIGKILL
 * mid-command, then restarted: the command is reported Failed with what output it had), and
 * usage errors.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { processAlive } from "../../../src/fleet/agent/process-group.js";
import { rest } from "../../server/harness.js";
import { registeredNode, startTestAgent } from "./agent-harness.js";
import { TestServer, until } from "./real-server.js";

const entry = ["--import", "tsx", "src/cli/bin.ts", "agent"];

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...entry, ...args], {
      env: { ...process.env, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const newStateDir = () => join(mkdtempSync(join(tmpdir(), "opsflow-agent-cli-")), "state");

describe("opsflow agent (CLI)", () => {
  let server: TestServer;
  let url: string;
  before(async () => {
    server = await TestServer.start();
    url = server.url;
  });
  after(() => server.down());

  test("register writes the state dir (0700/0600, no activation code); twice refuses and names --force", async () => {
    const stateDir = newStateDir();
    const activation = await server.activation();
    const args = [
      "register",
      "--endpoint",
      url,
      "--activation-id",
      activation.id,
      "--activation-code",
      activation.code,
    ];
    const first = await cli([...args, "--state-dir", stateDir, "--json"]);
    assert.equal(first.code, 0, first.stderr);
    const registration = JSON.parse(first.stdout) as { instanceId: string };
    assert.match(registration.instanceId, /^mi-[0-9a-f]{17}$/);
    assert.equal(statSync(stateDir).mode & 0o777, 0o700);
    for (const file of ["registration.json", "agent.key"]) {
      assert.equal(statSync(join(stateDir, file)).mode & 0o777, 0o600);
      assert.ok(!readFileSync(join(stateDir, file), "utf8").includes(activation.code));
    }

    const again = await cli([...args, "--state-dir", stateDir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds a registration .*--force/);

    const forced = await cli([...args, "--state-dir", stateDir, "--force", "--json"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(JSON.parse(forced.stdout).instanceId, registration.instanceId);
    const nodes = await rest(url, "GET", `/v1/nodes/${registration.instanceId}`);
    assert.equal(nodes.status, 200, "the server holds the first registration");
  });

  test("a refused activation or an unreachable server: one line saying what to do, exit 1", async () => {
    const activation = await server.activation();
    const refused = await cli([
      "register",
      "--endpoint",
      url,
      "--activation-id",
      activation.id,
      "--activation-code",
      "wrong",
      "--state-dir",
      newStateDir(),
    ]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim().split("\n").length, 1);
    assert.match(refused.stderr, /activation ID or code is not valid.*create a new activation/);

    const unreachable = await cli([
      "register",
      "--endpoint",
      "http://127.0.0.1:1",
      "--activation-id",
      "a",
      "--activation-code",
      "b",
      "--state-dir",
      newStateDir(),
    ]);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /cannot reach the server at http:\/\/127\.0\.0\.1:1/);
  });

  test("usage errors exit 2", async () => {
    const missing = await cli(["register", "--endpoint", url]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--activation-id is required/);
    const badUrl = await cli([
      "register",
      "--endpoint",
      "ftp://x",
      "--activation-id",
      "a",
      "--activation-code",
      "b",
    ]);
    assert.equal(badUrl.code, 2);
    assert.equal((await cli(["nope"])).code, 2);
    const help = await cli(["run", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--reboot-command/);
  });

  test("status: not registered exits 1; --json lists invocations and pending reports", async () => {
    const empty = await cli(["status", "--json"], { OPSFLOW_AGENT_STATE_DIR: newStateDir() });
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /opsflow agent register/);

    const node = await registeredNode(server);
    const stateDir = node.stateDir;
    const go = join(mkdtempSync(join(tmpdir(), "opsflow-agent-cli-")), "go");
    const agent = startTestAgent(stateDir);
    const commandId = await server.send(node.instanceId, [
      "echo hi",
      `while [ ! -e ${go} ]; do sleep 0.05; done`,
      "exit 4",
    ]);
    await server.invocationWhen(commandId, node.instanceId, (i) => i.stdoutBytes === 3);
    // The server is gone when the script ends: the report stays pending on disk.
    await server.down();
    try {
      writeFileSync(go, "");
      await until(() => agent.records.pendingReports().includes(commandId));
      agent.agent.stop();
      await agent.done;
    } finally {
      await server.up();
    }
    const status = await cli(["status", "--json"], { OPSFLOW_AGENT_STATE_DIR: stateDir });
    assert.equal(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout);
    assert.equal(parsed.registration.instanceId, node.instanceId);
    assert.equal(parsed.registration.endpoint, url);
    assert.deepEqual(parsed.pendingReports, [commandId]);
    assert.equal(parsed.invocations.length, 1);
    assert.equal(parsed.invocations[0].state, "finished");
    assert.equal(parsed.invocations[0].result.responseCode, 4);
    assert.equal(parsed.invocations[0].reportPending, true);

    const human = await cli(["status", "--state-dir", stateDir]);
    assert.match(
      human.stdout,
      new RegExp(`${commandId} .* finished Failed \\(exit code 4\\) \\[report pending\\]`),
    );
  });

  test("agent killed (SIGKILL) mid-command: the next start kills the orphan and reports Failed -1 with the reason and the output so far", async () => {
    const node = await registeredNode(server);
    const stateDir = node.stateDir;
    const pidFile = join(mkdtempSync(join(tmpdir(), "opsflow-orphan-")), "pid");
    const child: ChildProcess = spawn(
      process.execPath,
      [...entry, "run", "--state-dir", stateDir],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let commandId = "";
    try {
      commandId = await server.send(node.instanceId, [
        "echo partial",
        `echo $$ > ${pidFile}`,
        "sleep 60",
      ]);
      const spool = join(stateDir, "invocations", commandId, "stdout");
      await until(
        () =>
          existsSync(pidFile) &&
          readFileSync(pidFile, "utf8").trim() !== "" &&
          existsSync(spool) &&
          readFileSync(spool, "utf8") === "partial\n",
        20_000,
      );
    } finally {
      child.kill("SIGKILL");
    }
    await new Promise((done) => child.once("exit", done));
    const orphan = Number(readFileSync(pidFile, "utf8"));
    assert.ok(processAlive(orphan), "the script outlived the agent (its own process group)");

    const restarted = startTestAgent(stateDir);
    const ended = await server.ended(commandId, node.instanceId);
    assert.equal(ended.status, "Failed");
    assert.equal(ended.responseCode, -1);
    assert.match(
      ended.standardErrorContent,
      /^\nthe agent stopped while the command ran \(restarted at \d{4}-\d\d-\d\dT.*Z\)\n$/,
    );
    assert.equal(ended.standardOutputContent, "partial\n");
    await until(() => !processAlive(orphan));
    restarted.agent.stop();
    await restarted.done;
  });
});
