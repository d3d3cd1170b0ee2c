/**
 * `opsflow agent` as a real process: register (and its refusals), status (--json), run
 * (killed with SIGKILL mid-command, then restarted: the command is reported Failed with what
 * output it had), and usage errors.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { processAlive } from "../../../src/fleet/agent/process-group.js";
import { registeredStateDir, shellInvocation, startTestAgent } from "./agent-harness.js";
import { ProtocolPeer } from "./protocol-peer.js";

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
  let peer: ProtocolPeer;
  let url: string;
  before(async () => {
    peer = new ProtocolPeer();
    url = await peer.listen();
  });
  after(() => peer.close());

  test("register writes the state dir (0700/0600, no activation code); twice refuses and names --force", async () => {
    const stateDir = newStateDir();
    const args = [
      "register",
      "--endpoint",
      url,
      "--activation-id",
      "act-1",
      "--activation-code",
      "code-1",
    ];
    const first = await cli([...args, "--state-dir", stateDir, "--json"]);
    assert.equal(first.code, 0, first.stderr);
    const registration = JSON.parse(first.stdout) as { instanceId: string };
    assert.match(registration.instanceId, /^mi-[0-9a-f]{17}$/);
    assert.equal(statSync(stateDir).mode & 0o777, 0o700);
    for (const file of ["registration.json", "agent.key"]) {
      assert.equal(statSync(join(stateDir, file)).mode & 0o777, 0o600);
      assert.doesNotMatch(readFileSync(join(stateDir, file), "utf8"), /code-1/);
    }

    const again = await cli([...args, "--state-dir", stateDir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds a registration .*--force/);

    const forced = await cli([...args, "--state-dir", stateDir, "--force", "--json"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(JSON.parse(forced.stdout).instanceId, registration.instanceId);
  });

  test("a refused activation or an unreachable server: one line saying what to do, exit 1", async () => {
    const refused = await cli([
      "register",
      "--endpoint",
      url,
      "--activation-id",
      "act-1",
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

    const stateDir = await registeredStateDir(url);
    const invocation = shellInvocation(["echo hi", "exit 4"]);
    peer.finishDown = true;
    const agent = startTestAgent(stateDir);
    try {
      peer.deliver(invocation);
      await peer.until(() => agent.records.pendingReports().includes(invocation.commandId));
      agent.agent.stop();
      await agent.done;
    } finally {
      peer.finishDown = false;
    }
    const status = await cli(["status", "--json"], { OPSFLOW_AGENT_STATE_DIR: stateDir });
    assert.equal(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout);
    assert.equal(parsed.registration.instanceId, peer.lastNode.instanceId);
    assert.equal(parsed.registration.endpoint, url);
    assert.deepEqual(parsed.pendingReports, [invocation.commandId]);
    assert.equal(parsed.invocations.length, 1);
    assert.equal(parsed.invocations[0].state, "finished");
    assert.equal(parsed.invocations[0].result.responseCode, 4);
    assert.equal(parsed.invocations[0].reportPending, true);

    const human = await cli(["status", "--state-dir", stateDir]);
    assert.match(
      human.stdout,
      new RegExp(
        `${invocation.commandId} .* finished Failed \\(exit code 4\\) \\[report pending\\]`,
      ),
    );
  });

  test("agent killed (SIGKILL) mid-command: the next start kills the orphan and reports Failed -1 with the reason and the output so far", async () => {
    const stateDir = await registeredStateDir(url);
    const pidFile = join(mkdtempSync(join(tmpdir(), "opsflow-orphan-")), "pid");
    const invocation = shellInvocation(["echo partial", `echo $$ > ${pidFile}`, "sleep 60"]);
    const child: ChildProcess = spawn(
      process.execPath,
      [...entry, "run", "--state-dir", stateDir],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      peer.deliver(invocation);
      const spool = join(stateDir, "invocations", invocation.commandId, "stdout");
      await peer.until(
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
    await peer.until(() => peer.finishes.some((f) => f.commandId === invocation.commandId));
    const report = peer.finishes.find((f) => f.commandId === invocation.commandId)?.report;
    assert.equal(report?.status, "Failed");
    assert.equal(report?.responseCode, -1);
    assert.match(
      report?.reason ?? "",
      /^the agent stopped while the command ran \(restarted at \d{4}-\d\d-\d\dT.*Z\)$/,
    );
    assert.equal(peer.outputOf(invocation.commandId, "stdout"), "partial\n");
    await peer.until(() => !processAlive(orphan));
    restarted.agent.stop();
    await restarted.done;
  });
});
