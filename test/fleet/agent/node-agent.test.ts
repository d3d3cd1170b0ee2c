/**
 * The agent's loop with real scripts against the real server (in-process, commands sent
 * through its REST API): at-most-once runs when the server hands an invocation over again,
 * output and reports, a start answered `stop`, cancellation, back-off while the server is
 * gone, reports that survive an agent restart, reboots, deregistration, and output resumed
 * after a server restored from a backup refuses a gap.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { AgentError } from "../../../src/fleet/agent/errors.js";
import { rest } from "../../server/harness.js";
import { gate, nodeClient, registeredNode, startTestAgent } from "./agent-harness.js";
import { TestServer, until } from "./real-server.js";

const scratch = () => mkdtempSync(join(tmpdir(), "opsflow-agent-test-"));
const lines = (path: string) =>
  existsSync(path) ? readFileSync(path, "utf8").trim().split("\n") : [];
/** A script line that waits until `file` exists. */
const waitFor = (file: string) => `while [ ! -e ${file} ]; do sleep 0.05; done`;

describe("NodeAgent against the real server", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start();
  });
  after(() => server.down());

  test("runs a command once though the server hands it over again (its start was lost); output and Success reach the server", async () => {
    const node = await registeredNode(server);
    const agent = startTestAgent(node.stateDir);
    const runs = join(scratch(), "runs");
    // The network loses the first start call: the server never hears the invocation started.
    agent.transport.dropNext((path) => path.endsWith("/start"));
    const held = gate();
    agent.hold = held.opened;
    const id = await server.send(node.instanceId, [
      `echo run >> ${runs}`,
      "echo hello",
      "echo oops >&2",
    ]);
    await until(() => agent.sleeps.length >= 1);
    // A minute later the server hands the unacknowledged invocation over again.
    server.clock.advance(61_000);
    const deliveriesOf = () =>
      agent.transport.polls().filter((p) => p.answer.invocations.some((i) => i.commandId === id))
        .length;
    await until(() => deliveriesOf() >= 2);
    held.open();
    agent.hold = undefined;

    const ended = await server.ended(id, node.instanceId);
    assert.equal(ended.status, "Success");
    assert.equal(ended.responseCode, 0);
    assert.equal(ended.deliveryAttempts, 2);
    assert.equal(ended.standardOutputContent, "hello\n");
    assert.equal(ended.standardErrorContent, "oops\n");
    assert.deepEqual(lines(runs), ["run"]);
    assert.equal(agent.transport.startsOf(id), 1);
    await until(() => agent.records.read(id)?.state === "reported");
    assert.deepEqual(agent.records.pendingReports(), []);

    // Info went with the first poll only (it has not changed since).
    const polls = agent.transport.polls();
    assert.equal(polls[0].request.info?.agentVersion, "0.1.0");
    assert.ok(polls.length >= 2);
    assert.ok(polls.slice(1).every((p) => p.request.info === undefined));
    agent.agent.stop();
    assert.equal(await agent.done, "stopped");
  });

  test("a command cancelled before its start reached the server: start answers 'stop', it is not run", async () => {
    const node = await registeredNode(server);
    const agent = startTestAgent(node.stateDir);
    const runs = join(scratch(), "runs");
    agent.transport.dropNext((path) => path.endsWith("/start"));
    const held = gate();
    agent.hold = held.opened;
    const id = await server.send(node.instanceId, [`echo run >> ${runs}`]);
    await until(() => agent.sleeps.length >= 1);
    await server.cancel(id);
    held.open();
    agent.hold = undefined;

    await until(() => agent.records.read(id)?.state === "stopped");
    assert.equal((await server.ended(id, node.instanceId)).status, "Cancelled");
    assert.deepEqual(lines(runs), []);
    agent.agent.stop();
    await agent.done;
  });

  test("a cancel kills the running command and reports Cancelled", async () => {
    const node = await registeredNode(server);
    const agent = startTestAgent(node.stateDir);
    const id = await server.send(node.instanceId, ["echo begun", "sleep 60", "echo never"]);
    await server.invocationWhen(id, node.instanceId, (i) => i.stdoutBytes === "begun\n".length);
    await server.cancel(id);
    const ended = await server.ended(id, node.instanceId);
    assert.equal(ended.status, "Cancelled");
    assert.equal(ended.standardOutputContent, "begun\n");
    assert.ok(agent.logs.some((line) => line.includes(`cancelling command ${id}`)));
    agent.agent.stop();
    await agent.done;
  });

  test("while the server is gone the agent backs off with full jitter, then reconnects", async () => {
    const node = await registeredNode(server);
    await server.down();
    const agent = startTestAgent(node.stateDir, { random: () => 0.5 });
    try {
      await until(() => agent.sleeps.length >= 8);
    } finally {
      await server.up();
    }
    // Half of each window (random 0.5): 1 s, 2 s, 4 s ... capped at 60 s.
    assert.deepEqual(agent.sleeps.slice(0, 8), [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    assert.ok(agent.logs.some((line) => /poll failed \(ECONNREFUSED/.test(line)));
    const id = await server.send(node.instanceId, ["echo back"]);
    const ended = await server.ended(id, node.instanceId);
    assert.equal(ended.status, "Success");
    assert.equal(ended.standardOutputContent, "back\n");
    agent.agent.stop();
    await agent.done;
  });

  test("a report the server did not take survives an agent restart and is sent then; the script ran once", async () => {
    const node = await registeredNode(server);
    const dir = scratch();
    const runs = join(dir, "runs");
    const go = join(dir, "go");
    const first = startTestAgent(node.stateDir);
    const id = await server.send(node.instanceId, [
      `echo run >> ${runs}`,
      "echo result",
      waitFor(go),
      "exit 3",
    ]);
    await server.invocationWhen(id, node.instanceId, (i) => i.stdoutBytes === "result\n".length);
    await server.down();
    // The script ends while nothing listens: the result stays on disk, pending.
    writeFileSync(go, "");
    await until(() => first.records.pendingReports().includes(id));
    await until(() => first.logs.some((line) => line.startsWith(`report of ${id} failed`)));
    first.agent.stop();
    await first.done;
    await server.up();
    assert.equal((await server.invocation(id, node.instanceId)).status, "InProgress");

    const second = startTestAgent(node.stateDir);
    const ended = await server.ended(id, node.instanceId);
    assert.equal(ended.status, "Failed");
    assert.equal(ended.responseCode, 3);
    assert.equal(ended.standardOutputContent, "result\n");
    assert.deepEqual(lines(runs), ["run"]);
    await until(() => second.records.pendingReports().length === 0);
    assert.equal(second.transport.startsOf(id), 0);
    second.agent.stop();
    await second.done;
  });

  test("exit 194: the reboot command runs and the agent stops; the next start reruns that plugin and reports", async () => {
    const node = await registeredNode(server);
    const dir = scratch();
    const rebooted = join(dir, "rebooted");
    const flag = join(dir, "patched-once");
    const first = startTestAgent(node.stateDir, { rebootCommand: `touch ${rebooted}` });
    const id = await server.send(node.instanceId, [
      "echo before",
      `if [ -e ${flag} ]; then echo after-reboot; else touch ${flag}; exit 194; fi`,
    ]);
    assert.equal(await first.done, "rebooted");
    assert.ok(existsSync(rebooted), "the reboot command ran");
    assert.equal(first.records.read(id)?.state, "reboot-pending");
    assert.equal((await server.invocation(id, node.instanceId)).status, "InProgress");

    const second = startTestAgent(node.stateDir);
    const ended = await server.ended(id, node.instanceId);
    assert.equal(ended.status, "Success");
    assert.equal(ended.standardOutputContent, "before\nbefore\nafter-reboot\n");
    // Started once on the server: the rerun continues the same invocation.
    assert.equal(first.transport.startsOf(id) + second.transport.startsOf(id), 1);
    second.agent.stop();
    await second.done;
  });

  test("a deregistered node (401) stops with Unauthorized", async () => {
    const node = await registeredNode(server);
    const agent = startTestAgent(node.stateDir);
    await until(() => agent.transport.polls().length >= 1);
    const removed = await rest(server.url, "DELETE", `/v1/nodes/${node.instanceId}`);
    assert.equal(removed.status, 204);
    await assert.rejects(
      agent.done,
      (error) => error instanceof AgentError && error.code === "Unauthorized",
    );
  });
});

describe("NodeAgent output against a server restored from a backup", () => {
  test("a gap is refused with the size the server holds; the agent resumes from there", async (t) => {
    const server = await TestServer.start();
    t.after(() => server.down());
    const node = await registeredNode(server);
    const agent = startTestAgent(node.stateDir);
    const dir = scratch();
    const [one, two] = [join(dir, "one"), join(dir, "two")];
    const id = await server.send(node.instanceId, [
      "printf 01234",
      waitFor(one),
      "printf 56789",
      waitFor(two),
      "printf abc",
    ]);
    await server.invocationWhen(id, node.instanceId, (i) => i.stdoutBytes === 5);
    await server.down();
    const backup = server.backup();
    await server.up();
    writeFileSync(one, "");
    await server.invocationWhen(id, node.instanceId, (i) => i.stdoutBytes === 10);

    // The node's own signed call past the end: nothing kept, the answer is the size held.
    const { client, close } = nodeClient(node.stateDir);
    try {
      assert.deepEqual(await client.output(id, "stdout", 12, Buffer.from("zz")), {
        size: 10,
        truncated: false,
      });
      // The server comes back from the backup taken at 5 bytes: the agent's next chunk (at
      // 10) leaves a gap.
      await server.down();
      await server.up(backup);
      assert.deepEqual(await client.output(id, "stdout", 10, Buffer.from("xx")), {
        size: 5,
        truncated: false,
      });
    } finally {
      close();
    }
    writeFileSync(two, "");
    const ended = await server.ended(id, node.instanceId);
    assert.equal(ended.status, "Success");
    assert.equal(ended.standardOutputContent, "0123456789abc");
    const offsets = agent.transport.exchanges
      .filter((e) => e.path.includes(`/invocations/${id}/output?stream=stdout`))
      .map((e) => Number(new URL(e.path, "http://x").searchParams.get("offset")));
    // 0 and 5 before the restore; 10 refused by the restored server; resumed from 5.
    assert.deepEqual(offsets, [0, 5, 10, 5]);
    agent.agent.stop();
    await agent.done;
  });
});
