/**
 * The fleet's services on a manual clock: buildFleet over a real SQLite file, nodes registered
 * through the fleet's activations and driven through its agent API (poll, start, finish).
 * Time moves only when a test says, so timeouts are exact and nothing sleeps.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { EXECUTION_GRACE_MS } from "../../src/fleet/expiry.js";
import type { Fleet } from "../../src/fleet/index.js";
import { ONLINE_WINDOW_MS } from "../../src/fleet/nodes.js";
import { HEALTH_INTERVAL_MS } from "../../src/fleet/ssh-health.js";
import type { CommandRecord, ManagedNodeRecord } from "../../src/store/fleet-port.js";
import type { Store } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import {
  ACCOUNT,
  INFO,
  LOOPS_PER_FLEET,
  REGION,
  RecordedEvents,
  registerNodes,
  startFleet,
  TestClock,
} from "./service-harness.js";
import { sshdAvailable, startSshd } from "./ssh/sshd.js";

const COMMAND_EVENT = "EC2 Command Status-change Notification";
const INVOCATION_EVENT = "EC2 Command Invocation Status-change Notification";
const arn = (id: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:managed-instance/${id}`;
const iso = (ms: number) => new Date(ms).toISOString();

describe("fleet services on a manual clock (SQLite)", () => {
  let dir: string;
  let store: Store & { close(): Promise<void> };
  let clock: TestClock;
  let events: RecordedEvents;
  let logs: string[];
  let fleet: Fleet;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "opsflow-fleet-service-"));
    store = openSqliteStore({ path: join(dir, "opsflow.db") });
    clock = new TestClock(LOOPS_PER_FLEET);
    events = new RecordedEvents();
    logs = [];
    fleet = await startFleet(store, clock, events, logs);
    await clock.idle();
  });

  afterEach(async () => {
    await fleet.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(logs, [], "no round failed");
  });

  /** AWS-RunShellScript on `nodes`: 30 s to deliver, 120 s to run. */
  const send = (nodes: ManagedNodeRecord[], maxErrors = "0"): Promise<CommandRecord> =>
    fleet.commands.send(
      {
        documentName: "AWS-RunShellScript",
        instanceIds: nodes.map((node) => node.id),
        parameters: { commands: ["echo hello"], executionTimeout: ["120"] },
        timeoutSeconds: 30,
        maxErrors,
      },
      "tester",
    );

  const invocationOf = async (command: CommandRecord, node: ManagedNodeRecord) => {
    const inv = await fleet.commands.invocation(command.id, node.id);
    return [inv.status, inv.statusDetails];
  };

  /** The node takes what it was sent and says it started it. */
  const deliverAndStart = async (node: ManagedNodeRecord, command: CommandRecord) => {
    const polled = await fleet.agentCalls.poll(node, 0, undefined);
    assert.deepEqual(
      polled.invocations.map((inv) => inv.commandId),
      [command.id],
    );
    assert.deepEqual(await fleet.agentCalls.start(node, command.id), { action: "run" });
  };

  test("a node that never polls: its invocation ends DeliveryTimedOut after TimeoutSeconds, counted on the command", async () => {
    const [active, silent] = await registerNodes(fleet, 2);
    const command = await send([active, silent], "1");
    await deliverAndStart(active, command);
    await fleet.agentCalls.finish(active, command.id, {
      status: "Success",
      statusDetails: "Success",
      responseCode: 0,
    });
    // At the delivery deadline itself the invocation may still be delivered.
    await clock.tick(30_000);
    assert.deepEqual(await invocationOf(command, silent), ["Pending", "Pending"]);
    await clock.tick(1000);
    assert.deepEqual(await invocationOf(command, silent), ["TimedOut", "DeliveryTimedOut"]);
    const ended = await fleet.commands.get(command.id);
    assert.equal(ended.progress.deliveryTimedOutCount, 1);
    assert.equal(ended.progress.successCount, 1);
    // One delivery timeout is within MaxErrors 1: not every node succeeded, nothing failed.
    assert.deepEqual([ended.status, ended.statusDetails], ["Failed", "Incomplete"]);
  });

  test("more delivery timeouts than MaxErrors: the command ends TimedOut/DeliveryTimedOut, with its events", async () => {
    const nodes = await registerNodes(fleet, 3);
    const command = await send(nodes, "1");
    await clock.tick(31_000);
    for (const node of nodes)
      assert.deepEqual(await invocationOf(command, node), ["TimedOut", "DeliveryTimedOut"]);
    const ended = await fleet.commands.get(command.id);
    assert.equal(ended.progress.deliveryTimedOutCount, 3);
    assert.deepEqual([ended.status, ended.statusDetails], ["TimedOut", "DeliveryTimedOut"]);
    assert.deepEqual(
      events
        .of(INVOCATION_EVENT)
        .map((e) => [e.detail["instance-id"], e.detail.status])
        .sort(),
      nodes.map((node) => [node.id, "TimedOut"]).sort(),
    );
    assert.deepEqual(
      events.of(COMMAND_EVENT).map((e) => e.detail.status),
      ["Pending", "TimedOut"],
    );
  });

  test("a running invocation whose node never reports ends ExecutionTimedOut after its timeout and the grace", async () => {
    const [node] = await registerNodes(fleet, 1);
    const command = await send([node]);
    await deliverAndStart(node, command);
    await clock.tick(120_000 + EXECUTION_GRACE_MS);
    assert.deepEqual(await invocationOf(command, node), ["InProgress", "InProgress"]);
    await clock.tick(1000);
    assert.deepEqual(await invocationOf(command, node), ["TimedOut", "ExecutionTimedOut"]);
    const ended = await fleet.commands.get(command.id);
    assert.equal(ended.progress.errorCount, 1, "an execution timeout counts against MaxErrors");
    assert.deepEqual([ended.status, ended.statusDetails], ["Failed", "Failed"]);
    // The node's report arriving after that changes nothing.
    await fleet.agentCalls.finish(node, command.id, {
      status: "Success",
      statusDetails: "Success",
      responseCode: 0,
    });
    assert.deepEqual(await invocationOf(command, node), ["TimedOut", "ExecutionTimedOut"]);
    assert.equal((await fleet.commands.get(command.id)).status, "Failed");
  });

  test("PingStatus goes ConnectionLost after ONLINE_WINDOW_MS without a poll, and Online at the next poll", async () => {
    const [node] = await registerNodes(fleet, 1);
    const ping = async () => (await fleet.nodes.get(node.id)).pingStatus;
    const listed = async (status: "Online" | "ConnectionLost") =>
      (await fleet.nodes.list({ pingStatus: [status] }, { limit: 10 })).items.map((n) => n.id);
    assert.equal(await ping(), "Online");
    await clock.tick(ONLINE_WINDOW_MS);
    assert.equal(await ping(), "Online");
    await clock.tick(1);
    assert.equal(await ping(), "ConnectionLost");
    assert.deepEqual(await listed("ConnectionLost"), [node.id]);
    assert.deepEqual(await listed("Online"), []);
    await fleet.agentCalls.poll(node, 0, undefined);
    assert.equal(await ping(), "Online");
    assert.deepEqual(await listed("Online"), [node.id]);
  });

  test("node status events: Registered, ConnectionLost, Online, Deregistered, each exactly once", async () => {
    const [node] = await registerNodes(fleet, 1, {
      name: "web",
      tags: [{ Key: "env", Value: "prod" }],
    });
    const [other] = await registerNodes(fleet, 1);
    const statusEvent = (status: string) => ({
      source: "opsflow.fleet",
      detailType: "Managed Node Status-change Notification",
      resources: [arn(node.id)],
      detail: {
        "instance-id": node.id,
        name: "web",
        status,
        "platform-type": "Linux",
        "computer-name": INFO.computerName,
        "ip-address": INFO.ipAddress,
        tags: { env: "prod" },
      },
    });
    assert.deepEqual(
      events.events.filter((e) => e.detail["instance-id"] === node.id),
      [statusEvent("Registered")],
    );
    assert.deepEqual(events.nodeStatuses(other.id), ["Registered"]);
    await clock.tick(ONLINE_WINDOW_MS);
    assert.deepEqual(events.nodeStatuses(node.id), ["Registered"], "still Online");
    // The other node keeps polling; this one falls silent.
    await fleet.agentCalls.poll(other, 0, INFO);
    await clock.tick(1000);
    assert.deepEqual(events.nodeStatuses(node.id), ["Registered", "ConnectionLost"]);
    assert.deepEqual(events.of(statusEvent("x").detailType).at(-1), statusEvent("ConnectionLost"));
    for (let i = 0; i < 5; i++) await clock.tick(1000);
    assert.deepEqual(events.nodeStatuses(node.id), ["Registered", "ConnectionLost"], "once");
    assert.deepEqual(events.nodeStatuses(other.id), ["Registered"]);

    await fleet.agentCalls.poll(node, 0, undefined);
    await clock.tick(1000);
    assert.deepEqual(events.nodeStatuses(node.id), ["Registered", "ConnectionLost", "Online"]);
    for (let i = 0; i < 5; i++) await clock.tick(1000);
    assert.deepEqual(events.nodeStatuses(node.id), ["Registered", "ConnectionLost", "Online"]);

    await fleet.nodes.deregister(node.id);
    await assert.rejects(fleet.nodes.deregister(node.id), { code: "InvalidInstanceId" });
    assert.deepEqual(events.of(statusEvent("x").detailType).at(-1), statusEvent("Deregistered"));
    await clock.tick(2 * ONLINE_WINDOW_MS);
    assert.deepEqual(events.nodeStatuses(node.id), [
      "Registered",
      "ConnectionLost",
      "Online",
      "Deregistered",
    ]);
    assert.deepEqual(events.nodeStatuses(other.id), ["Registered", "ConnectionLost"]);
  });

  test("an SSH host's registration publishes Registered; what it has not reported yet is null", {
    skip: sshdAvailable(),
  }, async () => {
    const sshd = await startSshd();
    try {
      const node = await fleet.sshHosts.register({
        host: sshd.host,
        port: sshd.port,
        user: sshd.user,
        privateKey: sshd.privateKey,
        name: "db",
        tags: [{ Key: "role", Value: "db" }],
      });
      assert.deepEqual(events.events, [
        {
          source: "opsflow.fleet",
          detailType: "Managed Node Status-change Notification",
          resources: [arn(node.id)],
          detail: {
            "instance-id": node.id,
            name: "db",
            status: "Registered",
            "platform-type": null,
            "computer-name": null,
            "ip-address": null,
            tags: { role: "db" },
          },
        },
      ]);
    } finally {
      await sshd.stop();
    }
  });

  test("an SSH host stays Online while it answers the server's probes, and goes ConnectionLost when it stops", {
    skip: sshdAvailable(),
  }, async () => {
    const sshd = await startSshd();
    let stopped = false;
    try {
      const node = await fleet.sshHosts.register({
        host: sshd.host,
        port: sshd.port,
        user: sshd.user,
        privateKey: sshd.privateKey,
      });
      // Past the Online window, kept Online by the probes.
      const intervals = Math.ceil(ONLINE_WINDOW_MS / HEALTH_INTERVAL_MS) + 1;
      for (let i = 0; i < intervals; i++) await clock.tick(HEALTH_INTERVAL_MS + 1);
      assert.equal((await fleet.nodes.get(node.id)).pingStatus, "Online");
      await sshd.stop();
      stopped = true;
      for (let i = 0; i < intervals; i++) await clock.tick(HEALTH_INTERVAL_MS + 1);
      assert.equal((await fleet.nodes.get(node.id)).pingStatus, "ConnectionLost");
      assert.deepEqual(events.nodeStatuses(node.id), ["Registered", "ConnectionLost"]);
    } finally {
      if (!stopped) await sshd.stop();
    }
  });

  test("a long poll is answered at once when a command is sent to its node, and otherwise after its wait", async () => {
    const [node] = await registerNodes(fleet, 1);
    const quiet = fleet.agentCalls.poll(node, 25, undefined);
    await clock.idle(1);
    clock.advance(25_000);
    assert.deepEqual(await quiet, { invocations: [], cancel: [] });
    await clock.idle();

    const sentAt = clock.now();
    const waiting = fleet.agentCalls.poll(node, 25, undefined);
    await clock.idle(1);
    assert.equal(fleet.hub.waiting, 1);
    const command = await send([node]);
    const answer = await waiting;
    assert.deepEqual(
      answer.invocations.map((inv) => [inv.commandId, inv.documentName, inv.plugins[0].runCommand]),
      [[command.id, "AWS-RunShellScript", ["echo hello"]]],
    );
    assert.equal(clock.now(), sentAt, "woken, not timed out");
    assert.equal(fleet.hub.waiting, 0);
    assert.equal((await fleet.commands.invocation(command.id, node.id)).phase, "delivered");
  });

  test("cancelling a delivered invocation the node has not started: start answers stop", async () => {
    const [node] = await registerNodes(fleet, 1);
    const command = await send([node]);
    const polled = await fleet.agentCalls.poll(node, 0, undefined);
    assert.equal(polled.invocations.length, 1);
    await fleet.commands.cancel(command.id);
    assert.deepEqual(await invocationOf(command, node), ["Cancelling", "Cancelling"]);
    assert.deepEqual(await fleet.agentCalls.start(node, command.id), { action: "stop" });
    assert.deepEqual(await invocationOf(command, node), ["Cancelled", "Cancelled"]);
    const ended = await fleet.commands.get(command.id);
    assert.deepEqual([ended.status, ended.statusDetails], ["Cancelled", "Cancelled"]);
    assert.deepEqual(
      events.of(INVOCATION_EVENT).map((e) => e.detail.status),
      ["Cancelling", "Cancelled"],
    );
    assert.deepEqual(
      events.of(COMMAND_EVENT).map((e) => e.detail.status),
      ["Pending", "Cancelled"],
    );
  });

  test("commands and invocations publish EC2 Command Status-change Notifications in AWS's shapes", async () => {
    const [a, b] = await registerNodes(fleet, 2);
    const command = await send([a, b]);
    const commandEvent = (status: string) => ({
      source: "aws.ssm",
      detailType: COMMAND_EVENT,
      resources: [arn(a.id), arn(b.id)],
      detail: {
        "command-id": command.id,
        "document-name": "AWS-RunShellScript",
        "expire-after": iso(command.requestedAt + 30_000),
        parameters: { commands: ["echo hello"], executionTimeout: ["120"] },
        "requested-date-time": iso(command.requestedAt),
        status,
      },
    });
    const invocationEvent = (node: ManagedNodeRecord, status: string) => ({
      source: "aws.ssm",
      detailType: INVOCATION_EVENT,
      resources: [arn(node.id)],
      detail: {
        "command-id": command.id,
        "document-name": "AWS-RunShellScript",
        "instance-id": node.id,
        "requested-date-time": iso(command.requestedAt),
        status,
      },
    });
    const commandEvents = () =>
      events.events.filter(
        (e) => e.detailType === COMMAND_EVENT || e.detailType === INVOCATION_EVENT,
      );
    assert.deepEqual(commandEvents(), [commandEvent("Pending")]);
    for (const node of [a, b]) await deliverAndStart(node, command);
    await clock.tick(5000);
    await fleet.agentCalls.finish(a, command.id, {
      status: "Success",
      statusDetails: "Success",
      responseCode: 0,
    });
    assert.deepEqual(commandEvents().slice(1), [invocationEvent(a, "Success")]);
    await fleet.agentCalls.finish(b, command.id, {
      status: "Success",
      statusDetails: "Success",
      responseCode: 0,
    });
    assert.deepEqual(commandEvents(), [
      commandEvent("Pending"),
      invocationEvent(a, "Success"),
      invocationEvent(b, "Success"),
      commandEvent("Success"),
    ]);
    // Finishing again (a lost answer, resent) publishes nothing more.
    await fleet.agentCalls.finish(b, command.id, {
      status: "Success",
      statusDetails: "Success",
      responseCode: 0,
    });
    assert.equal(commandEvents().length, 4);
  });
});
