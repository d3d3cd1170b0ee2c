/**
 * The agent's loop with real scripts and real HTTP, against the protocol peer: at-most-once
 * runs, output and reports, cancellation, back-off while the server is down, reports that
 * survive an agent restart, reboots, and deregistration.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { AgentError } from "../../../src/fleet/agent/errors.js";
import { registeredStateDir, shellInvocation, startTestAgent } from "./agent-harness.js";
import { ProtocolPeer } from "./protocol-peer.js";

const scratch = () => mkdtempSync(join(tmpdir(), "opsflow-agent-test-"));
const lines = (path: string) =>
  existsSync(path) ? readFileSync(path, "utf8").trim().split("\n") : [];

describe("NodeAgent", () => {
  let peer: ProtocolPeer;
  let url: string;
  before(async () => {
    peer = new ProtocolPeer();
    url = await peer.listen();
  });
  after(() => peer.close());

  test("runs a delivered command once: started, output sent, Success reported; a redelivery is not run", async () => {
    const stateDir = await registeredStateDir(url);
    const { agent, done, records } = startTestAgent(stateDir);
    const runs = join(scratch(), "runs");
    const invocation = shellInvocation([`echo run >> ${runs}`, "echo hello", "echo oops >&2"]);
    peer.deliver(invocation);
    const id = invocation.commandId;
    await peer.until(() => peer.finishes.some((f) => f.commandId === id));
    assert.deepEqual(peer.finishes.find((f) => f.commandId === id)?.report, {
      status: "Success",
      statusDetails: "Success",
      responseCode: 0,
    });
    assert.equal(peer.outputOf(id, "stdout"), "hello\n");
    assert.equal(peer.outputOf(id, "stderr"), "oops\n");
    assert.equal(records.read(id)?.state, "reported");
    assert.deepEqual(records.pendingReports(), []);

    // The server did not see the start acknowledged and hands it over again: it never runs twice.
    const node = [...peer.nodes.values()].at(-1);
    const pollsBefore = node?.polls.length ?? 0;
    peer.deliver(invocation);
    await peer.until(() => (node?.polls.length ?? 0) >= pollsBefore + 2);
    assert.deepEqual(lines(runs), ["run"]);
    assert.equal(peer.starts.filter((s) => s === id).length, 1);

    // Info went with the first poll only (it has not changed since).
    assert.ok(node?.polls[0].info);
    assert.equal(node?.polls[0].info?.agentVersion, "0.1.0");
    assert.equal(node?.polls.at(-1)?.info, undefined);
    agent.stop();
    assert.equal(await done, "stopped");
  });

  test("start answered 'stop': the command is not run", async () => {
    const stateDir = await registeredStateDir(url);
    const { agent, done, records } = startTestAgent(stateDir);
    const runs = join(scratch(), "runs");
    const invocation = shellInvocation([`echo run >> ${runs}`]);
    peer.startAction = "stop";
    try {
      peer.deliver(invocation);
      await peer.until(() => records.read(invocation.commandId)?.state === "stopped");
    } finally {
      peer.startAction = "run";
    }
    assert.deepEqual(lines(runs), []);
    agent.stop();
    await done;
  });

  test("a cancel kills the running command and reports Cancelled", async () => {
    const stateDir = await registeredStateDir(url);
    const { agent, done } = startTestAgent(stateDir);
    const invocation = shellInvocation(["echo begun", "sleep 60", "echo never"]);
    peer.deliver(invocation);
    await peer.until(() => peer.outputOf(invocation.commandId, "stdout") === "begun\n");
    peer.cancel(invocation.commandId);
    await peer.until(() => peer.finishes.some((f) => f.commandId === invocation.commandId));
    assert.deepEqual(peer.finishes.find((f) => f.commandId === invocation.commandId)?.report, {
      status: "Cancelled",
      statusDetails: "Cancelled",
      responseCode: -1,
    });
    agent.stop();
    await done;
  });

  test("while the server is down the agent backs off with full jitter, then reconnects", async () => {
    const stateDir = await registeredStateDir(url);
    peer.down = true;
    const { agent, done, sleeps } = startTestAgent(stateDir, { random: () => 0.5 });
    try {
      await peer.until(() => sleeps.length >= 8);
    } finally {
      peer.down = false;
    }
    // Half of each window (random 0.5): 1 s, 2 s, 4 s ... capped at 60 s.
    assert.deepEqual(sleeps.slice(0, 8), [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    const invocation = shellInvocation(["echo back"]);
    peer.deliver(invocation);
    await peer.until(() => peer.finishes.some((f) => f.commandId === invocation.commandId));
    agent.stop();
    await done;
  });

  test("a report the server did not take survives an agent restart and is sent then; the script ran once", async () => {
    const stateDir = await registeredStateDir(url);
    const runs = join(scratch(), "runs");
    const invocation = shellInvocation([`echo run >> ${runs}`, "echo result", "exit 3"]);
    peer.finishDown = true;
    const first = startTestAgent(stateDir);
    try {
      peer.deliver(invocation);
      await peer.until(() => first.records.pendingReports().includes(invocation.commandId));
      await peer.until(() => first.sleeps.length >= 2);
      first.agent.stop();
      await first.done;
    } finally {
      peer.finishDown = false;
    }
    assert.equal(
      peer.finishes.some((f) => f.commandId === invocation.commandId),
      false,
    );

    const second = startTestAgent(stateDir);
    await peer.until(() => peer.finishes.some((f) => f.commandId === invocation.commandId));
    assert.deepEqual(peer.finishes.find((f) => f.commandId === invocation.commandId)?.report, {
      status: "Failed",
      statusDetails: "Failed",
      responseCode: 3,
    });
    assert.equal(peer.outputOf(invocation.commandId, "stdout"), "result\n");
    assert.deepEqual(lines(runs), ["run"]);
    assert.deepEqual(second.records.pendingReports(), []);
    second.agent.stop();
    await second.done;
  });

  test("exit 194: the reboot command runs and the agent stops; the next start reruns that plugin and reports", async () => {
    const stateDir = await registeredStateDir(url);
    const dir = scratch();
    const rebooted = join(dir, "rebooted");
    const flag = join(dir, "patched-once");
    const invocation = shellInvocation([
      "echo before",
      `if [ -e ${flag} ]; then echo after-reboot; else touch ${flag}; exit 194; fi`,
    ]);
    const first = startTestAgent(stateDir, { rebootCommand: `touch ${rebooted}` });
    peer.deliver(invocation);
    assert.equal(await first.done, "rebooted");
    assert.ok(existsSync(rebooted), "the reboot command ran");
    assert.equal(first.records.read(invocation.commandId)?.state, "reboot-pending");
    assert.equal(
      peer.finishes.some((f) => f.commandId === invocation.commandId),
      false,
    );

    const second = startTestAgent(stateDir);
    await peer.until(() => peer.finishes.some((f) => f.commandId === invocation.commandId));
    assert.equal(
      peer.finishes.find((f) => f.commandId === invocation.commandId)?.report.status,
      "Success",
    );
    assert.equal(peer.outputOf(invocation.commandId, "stdout"), "before\nbefore\nafter-reboot\n");
    // Started once on the server: the rerun continues the same invocation.
    assert.equal(peer.starts.filter((s) => s === invocation.commandId).length, 1);
    second.agent.stop();
    await second.done;
  });

  test("a deregistered node (401) stops with Unauthorized", async () => {
    const stateDir = await registeredStateDir(url);
    const { done } = startTestAgent(stateDir);
    const node = [...peer.nodes.values()].at(-1);
    await peer.until(() => (node?.polls.length ?? 0) >= 1);
    peer.nodes.delete(node?.instanceId ?? "");
    await assert.rejects(
      done,
      (error) => error instanceof AgentError && error.code === "Unauthorized",
    );
  });
});
