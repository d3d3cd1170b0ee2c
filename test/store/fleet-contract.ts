/**
 * The fleet part of the store contract (FleetStore), through the port only:
 * `fleetStoreContract(name, factory)` with a fresh, empty store per test. Rate control is a
 * small control function of the test's own (release up to the limit, stop past MaxErrors).
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { StoreConflictError } from "../../src/store/errors.js";
import type { FleetStore } from "../../src/store/fleet-port.js";
import type { Page, PageRequest } from "../../src/store/paging.js";
import { T0 } from "./fixtures.js";
import {
  activation,
  agentNode,
  command,
  INFO,
  nodeId,
  outcome,
  sshNode,
  targets,
  testControl,
  version,
} from "./fleet-fixtures.js";

/** A FleetStore that can be closed. */
export type ClosableFleetStore = FleetStore & { close(): Promise<void> };

/** Every item of a listing, reading it `limit` at a time. */
async function all<T>(list: (page: PageRequest) => Promise<Page<T>>, limit = 2): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await list({ limit, nextToken });
    assert.ok(page.items.length <= limit);
    items.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

/** Runs the contract against the stores `factory` opens. */
export function fleetStoreContract(
  name: string,
  factory: () => Promise<ClosableFleetStore>,
  options: { skip?: string | false } = {},
): void {
  describe(`fleet store contract: ${name}`, { skip: options.skip }, () => {
    let store: ClosableFleetStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    /** Creates `count` agent nodes 1..count. */
    const addNodes = async (count: number) => {
      for (let i = 1; i <= count; i++) await store.addNode(agentNode(i));
    };

    test("activations: create, read, filter, page, delete", async () => {
      const first = activation("a1", {
        description: "web",
        defaultInstanceName: "web",
        tags: [{ Key: "env", Value: "prod" }],
      });
      await store.createActivation(first);
      await assert.rejects(
        store.createActivation(activation("a1")),
        (error) => error instanceof StoreConflictError && error.reason === "exists",
      );
      await store.createActivation(activation("a2", { iamRole: "Other" }));
      await store.createActivation(activation("a3", { defaultInstanceName: "db" }));
      assert.deepEqual(await store.getActivation("a1"), first);
      assert.equal(await store.getActivation("nope"), undefined);
      assert.deepEqual(
        (await all((page) => store.listActivations({}, page))).map((a) => a.id),
        ["a1", "a2", "a3"],
      );
      const ids = async (filter: Parameters<FleetStore["listActivations"]>[0]) =>
        (await store.listActivations(filter, { limit: 10 })).items.map((a) => a.id);
      assert.deepEqual(await ids({ ids: ["a3", "a1", "zz"] }), ["a1", "a3"]);
      assert.deepEqual(await ids({ defaultInstanceNames: ["db", "web"] }), ["a1", "a3"]);
      assert.deepEqual(await ids({ iamRoles: ["Other"] }), ["a2"]);
      assert.equal(await store.deleteActivation("a2"), true);
      assert.equal(await store.deleteActivation("a2"), false);
      assert.deepEqual(await ids({}), ["a1", "a3"]);
    });

    test("registration counts against the activation and is refused when not-found, expired or exhausted", async () => {
      await store.createActivation(activation("a", { registrationLimit: 2 }));
      const tagged = agentNode(1, {
        activationId: "a",
        name: "web",
        info: INFO,
        tags: [{ Key: "env", Value: "prod" }],
      });
      assert.deepEqual(await store.registerNode("a", tagged, T0), { registered: true });
      assert.deepEqual(await store.getNode(nodeId(1)), tagged);
      assert.equal((await store.getActivation("a"))?.registrationsCount, 1);
      assert.deepEqual(await store.registerNode("nope", agentNode(2), T0), {
        registered: false,
        reason: "not-found",
      });
      assert.deepEqual(await store.registerNode("a", agentNode(2), T0 + 86_400_001), {
        registered: false,
        reason: "expired",
      });
      // The deadline itself still registers.
      assert.deepEqual(await store.registerNode("a", agentNode(2), T0 + 86_400_000), {
        registered: true,
      });
      assert.deepEqual(await store.registerNode("a", agentNode(3), T0), {
        registered: false,
        reason: "exhausted",
      });
      assert.equal(await store.getNode(nodeId(3)), undefined);
      assert.equal((await store.getActivation("a"))?.registrationsCount, 2);
      // A node id taken already refuses, and the registration is not counted.
      await store.createActivation(activation("b"));
      await assert.rejects(store.registerNode("b", agentNode(1), T0), StoreConflictError);
      assert.equal((await store.getActivation("b"))?.registrationsCount, 0);
      // Nodes stay when their activation goes.
      assert.equal(await store.deleteActivation("a"), true);
      assert.equal((await store.getNode(nodeId(1)))?.activationId, "a");
    });

    test("two registrations racing for the last slot: exactly one wins", async () => {
      await store.createActivation(activation("a", { registrationLimit: 1 }));
      const results = await Promise.all([
        store.registerNode("a", agentNode(1), T0),
        store.registerNode("a", agentNode(2), T0),
      ]);
      assert.deepEqual(results.filter((r) => r.registered).length, 1);
      assert.deepEqual(
        results.find((r) => !r.registered),
        { registered: false, reason: "exhausted" },
      );
      assert.equal((await store.getActivation("a"))?.registrationsCount, 1);
      assert.equal((await all((page) => store.listNodes({}, page))).length, 1);
    });

    test("adds SSH nodes, refuses a second of one id, records pings and info", async () => {
      const host = sshNode(1, { name: "db" });
      await store.addNode(host);
      await assert.rejects(
        store.addNode(sshNode(1)),
        (error) => error instanceof StoreConflictError && error.reason === "exists",
      );
      assert.deepEqual(await store.getNode(nodeId(1)), host);
      assert.equal(await store.recordPing(nodeId(1), T0 + 5), true);
      assert.deepEqual(await store.getNode(nodeId(1)), { ...host, lastPingAt: T0 + 5 });
      assert.equal(await store.recordPing(nodeId(1), T0 + 6, INFO), true);
      // A ping without info keeps the info it had.
      assert.equal(await store.recordPing(nodeId(1), T0 + 7), true);
      assert.deepEqual(await store.getNode(nodeId(1)), { ...host, lastPingAt: T0 + 7, info: INFO });
      assert.equal(await store.recordPing(nodeId(9), T0), false);
      assert.equal(await store.getNode(nodeId(9)), undefined);
    });

    test("ping changes: a node's published status flips once when its heartbeat says otherwise", async () => {
      const changes = async (onlineSince: number, limit = 10) =>
        (await store.reportPingChanges(onlineSince, limit)).map((c) => [
          Number.parseInt(c.node.id.slice(3), 16),
          c.status,
        ]);
      await store.createActivation(activation("a"));
      await store.registerNode("a", agentNode(1, { lastPingAt: T0, info: INFO }), T0);
      await store.addNode(sshNode(2, { lastPingAt: T0 + 50 }));
      // Never pinged: stored as ConnectionLost already.
      await store.addNode(agentNode(3));
      assert.deepEqual(await changes(T0 - 60_000), []);
      // A heartbeat at exactly onlineSince is still Online.
      assert.deepEqual(await changes(T0), []);
      assert.deepEqual(await changes(T0 + 1), [[1, "ConnectionLost"]]);
      assert.deepEqual(await changes(T0 + 1), [], "each flip is returned once");
      assert.deepEqual(await changes(T0 + 51), [[2, "ConnectionLost"]]);
      // The node comes back as it now is (its new heartbeat and info).
      await store.recordPing(nodeId(2), T0 + 200, INFO);
      await store.recordPing(nodeId(1), T0 + 200);
      await store.recordPing(nodeId(3), T0 + 200);
      const back = await store.reportPingChanges(T0 + 100, 2);
      assert.deepEqual(
        back.map((c) => [c.node.id, c.status]),
        [
          [nodeId(1), "Online"],
          [nodeId(2), "Online"],
        ],
      );
      assert.deepEqual(back[1].node, await store.getNode(nodeId(2)));
      assert.equal(back[1].node.lastPingAt, T0 + 200);
      assert.deepEqual(await changes(T0 + 100, 2), [[3, "Online"]], "the rest after the limit");
      assert.deepEqual(await changes(T0 + 100), []);
      // A deregistered node is not reported.
      await store.deregisterNode(nodeId(1), T0 + 300, testControl);
      assert.deepEqual(await changes(T0 + 201), [
        [2, "ConnectionLost"],
        [3, "ConnectionLost"],
      ]);
    });

    test("ping changes asked for at once: every flip goes to one caller", async () => {
      for (let i = 1; i <= 24; i++) await store.addNode(agentNode(i, { lastPingAt: T0 }));
      const seen: string[] = [];
      for (;;) {
        const rounds = await Promise.all(
          Array.from({ length: 4 }, () => store.reportPingChanges(T0 + 1, 5)),
        );
        const flipped = rounds.flat();
        if (flipped.length === 0) break;
        assert.ok(flipped.every((c) => c.status === "ConnectionLost"));
        seen.push(...flipped.map((c) => c.node.id));
      }
      assert.equal(seen.length, 24);
      assert.equal(new Set(seen).size, 24, "no node reported twice");
    });

    test("lists nodes in id order, filtered by id, ping, platform, tags and connection", async () => {
      const windows = { ...INFO, platformType: "Windows" as const };
      await store.addNode(
        agentNode(1, {
          tags: [
            { Key: "env", Value: "prod" },
            { Key: "role", Value: "web" },
          ],
        }),
      );
      await store.addNode(agentNode(2, { tags: [{ Key: "env", Value: "dev" }] }));
      await store.addNode(
        sshNode(3, {
          tags: [
            { Key: "env", Value: "prod" },
            { Key: "role", Value: "db" },
          ],
        }),
      );
      await store.addNode(agentNode(4));
      await store.recordPing(nodeId(1), T0 + 100, INFO);
      await store.recordPing(nodeId(2), T0 + 50, windows);
      await store.recordPing(nodeId(3), T0 + 200, INFO);
      const ids = async (filter: Parameters<FleetStore["listNodes"]>[0]) =>
        (await all((page) => store.listNodes(filter, page))).map((n) =>
          Number.parseInt(n.id.slice(3), 16),
        );
      assert.deepEqual(await ids({}), [1, 2, 3, 4]);
      assert.deepEqual(await ids({ ids: [nodeId(4), nodeId(2), nodeId(7)] }), [2, 4]);
      assert.deepEqual(await ids({ ping: { onlineSince: T0 + 100, online: true } }), [1, 3]);
      assert.deepEqual(await ids({ ping: { onlineSince: T0 + 100, online: false } }), [2, 4]);
      assert.deepEqual(await ids({ platformTypes: ["Windows"] }), [2]);
      assert.deepEqual(await ids({ platformTypes: ["Linux", "MacOS"] }), [1, 3]);
      assert.deepEqual(await ids({ connections: ["ssh"] }), [3]);
      assert.deepEqual(await ids({ connections: ["agent"] }), [1, 2, 4]);
      assert.deepEqual(await ids({ tags: [{ key: "env" }] }), [1, 2, 3]);
      assert.deepEqual(await ids({ tags: [{ key: "env", values: ["prod"] }] }), [1, 3]);
      assert.deepEqual(
        await ids({
          tags: [
            { key: "env", values: ["prod", "dev"] },
            { key: "role", values: ["web"] },
          ],
        }),
        [1],
      );
      assert.deepEqual(await ids({ tags: [{ key: "role" }], connections: ["agent"] }), [1]);
      assert.deepEqual(await ids({ tags: [{ key: "missing" }] }), []);
    });

    test("changes node tags by key; the tag filter follows", async () => {
      await store.addNode(
        agentNode(1, {
          tags: [
            { Key: "env", Value: "dev" },
            { Key: "a", Value: "1" },
          ],
        }),
      );
      assert.deepEqual(
        await store.changeNodeTags(
          nodeId(1),
          [
            { Key: "env", Value: "prod" },
            { Key: "b", Value: "2" },
          ],
          ["a"],
        ),
        [
          { Key: "env", Value: "prod" },
          { Key: "b", Value: "2" },
        ],
      );
      assert.deepEqual((await store.getNode(nodeId(1)))?.tags, [
        { Key: "env", Value: "prod" },
        { Key: "b", Value: "2" },
      ]);
      const tagged = async (key: string, value: string) =>
        (await store.listNodes({ tags: [{ key, values: [value] }] }, { limit: 10 })).items.length;
      assert.equal(await tagged("env", "prod"), 1);
      assert.equal(await tagged("env", "dev"), 0);
      assert.equal(await tagged("a", "1"), 0);
      assert.equal(await store.changeNodeTags(nodeId(9), [], []), undefined);
    });

    test("documents: versions, default, latest, tags only when new, refusals write nothing", async () => {
      const seen: [number | undefined, number][] = [];
      const first = await store.putDocument(
        "Doc",
        (current, next) => {
          seen.push([current?.latestVersion, next]);
          return version("Doc", next, { versionName: "one", description: "first" })();
        },
        [{ Key: "team", Value: "ops" }],
      );
      assert.deepEqual(first.document, {
        name: "Doc",
        documentType: "Command",
        latestVersion: 1,
        defaultVersion: 1,
        tags: [{ Key: "team", Value: "ops" }],
        createdAt: T0 + 1,
      });
      const second = await store.putDocument(
        "Doc",
        (current, next) => {
          seen.push([current?.latestVersion, next]);
          return version("Doc", next)();
        },
        [{ Key: "ignored", Value: "x" }],
      );
      assert.deepEqual(seen, [
        [undefined, 1],
        [1, 2],
      ]);
      assert.equal(second.document.latestVersion, 2);
      assert.equal(second.document.defaultVersion, 1);
      assert.deepEqual(second.document.tags, [{ Key: "team", Value: "ops" }]);
      await assert.rejects(
        store.putDocument("Doc", () => {
          throw new Error("refused");
        }),
        /refused/,
      );
      await assert.rejects(
        store.putDocument("New", () => {
          throw new Error("refused");
        }),
        /refused/,
      );
      assert.equal(await store.getDocument("New"), undefined);

      assert.deepEqual(
        (await store.getDocument("Doc"))?.version,
        version("Doc", 1, { versionName: "one", description: "first" })(),
      );
      assert.equal((await store.getDocument("Doc", "$DEFAULT"))?.version.version, 1);
      assert.equal((await store.getDocument("Doc", "$LATEST"))?.version.version, 2);
      assert.equal((await store.getDocument("Doc", 2))?.version.content, '{"v":2}');
      assert.equal(await store.getDocument("Doc", 3), undefined);
      assert.equal(await store.getDocument("Nope"), undefined);
      assert.deepEqual(
        (await store.listDocumentVersions("Doc")).map((v) => v.version),
        [1, 2],
      );
      assert.deepEqual(await store.listDocumentVersions("Nope"), []);

      assert.equal(await store.setDefaultDocumentVersion("Doc", 2), true);
      assert.equal(await store.setDefaultDocumentVersion("Doc", 5), false);
      assert.equal(await store.setDefaultDocumentVersion("Nope", 1), false);
      assert.equal((await store.getDocument("Doc"))?.version.version, 2);
      assert.equal((await store.getDocument("Doc"))?.document.defaultVersion, 2);

      assert.deepEqual(
        await store.changeDocumentTags("Doc", [{ Key: "env", Value: "prod" }], ["team"]),
        [{ Key: "env", Value: "prod" }],
      );
      assert.deepEqual((await store.getDocument("Doc"))?.document.tags, [
        { Key: "env", Value: "prod" },
      ]);
      assert.equal(await store.changeDocumentTags("Nope", [], []), undefined);
    });

    test("documents: deleting versions (never the default) and whole documents", async () => {
      for (let i = 0; i < 3; i++)
        await store.putDocument("Doc", (_c, next) => version("Doc", next)());
      assert.equal(await store.deleteDocument("Doc", 1), false, "the default version stays");
      assert.equal(await store.deleteDocument("Doc", 7), false);
      assert.equal(await store.deleteDocument("Doc", 3), true);
      assert.equal(await store.deleteDocument("Doc", 3), false);
      assert.equal((await store.getDocument("Doc", "$LATEST"))?.version.version, 2);
      assert.equal((await store.getDocument("Doc"))?.document.latestVersion, 2);
      assert.deepEqual(
        (await store.listDocumentVersions("Doc")).map((v) => v.version),
        [1, 2],
      );
      // A deleted version's number is not given again.
      const next = await store.putDocument("Doc", (_c, n) => version("Doc", n)());
      assert.equal(next.version.version, 4);
      assert.equal(await store.deleteDocument("Doc"), true);
      assert.equal(await store.deleteDocument("Doc"), false);
      assert.equal(await store.getDocument("Doc"), undefined);
      assert.deepEqual(await store.listDocumentVersions("Doc"), []);
      assert.equal(
        (await store.putDocument("Doc", (_c, n) => version("Doc", n)())).version.version,
        1,
      );
    });

    test("lists documents in name order with their default version, filtered and paged", async () => {
      const put = (
        name: string,
        documentType: "Command" | "Automation",
        tags: { Key: string; Value: string }[] = [],
      ) => store.putDocument(name, (_c, n) => version(name, n, { documentType })(), tags);
      await put("web-restart", "Command", [{ Key: "team", Value: "web" }]);
      await put("web_patch", "Automation", [{ Key: "team", Value: "ops" }]);
      await put("db-backup", "Command", [
        { Key: "team", Value: "db" },
        { Key: "tier", Value: "1" },
      ]);
      await put("webhook", "Command");
      await store.putDocument("db-backup", (_c, n) => version("db-backup", n)());
      const listed = await all((page) => store.listDocuments({}, page));
      assert.deepEqual(
        listed.map((d) => d.document.name),
        ["db-backup", "web-restart", "web_patch", "webhook"],
      );
      assert.equal(listed[0].version.version, 1, "the default version, not the latest");
      const names = async (filter: Parameters<FleetStore["listDocuments"]>[0]) =>
        (await all((page) => store.listDocuments(filter, page))).map((d) => d.document.name);
      assert.deepEqual(await names({ namePrefix: "web_" }), ["web_patch"]);
      assert.deepEqual(await names({ namePrefix: "web" }), ["web-restart", "web_patch", "webhook"]);
      assert.deepEqual(await names({ documentTypes: ["Automation"] }), ["web_patch"]);
      assert.deepEqual(await names({ tags: [{ key: "team" }] }), [
        "db-backup",
        "web-restart",
        "web_patch",
      ]);
      assert.deepEqual(await names({ tags: [{ key: "team", values: ["web", "ops"] }] }), [
        "web-restart",
        "web_patch",
      ]);
      assert.deepEqual(await names({ tags: [{ key: "team" }, { key: "tier", values: ["1"] }] }), [
        "db-backup",
      ]);
      assert.deepEqual(
        await names({ namePrefix: "web", documentTypes: ["Command"], tags: [{ key: "team" }] }),
        ["web-restart"],
      );
    });

    test("a command stores one queued invocation per target and rate control releases the first ones", async () => {
      const sent = command("c1", 5, 2);
      const change = await store.createCommand(sent, targets(5), testControl);
      assert.deepEqual(change.wake, [nodeId(1), nodeId(2)]);
      assert.deepEqual(change.changed, []);
      assert.equal(change.command.status, "InProgress");
      assert.deepEqual(change.command.progress, {
        ...sent.progress,
        queuedCount: 3,
        inFlightCount: 2,
      });
      assert.deepEqual(await store.getCommand("c1"), change.command);
      assert.equal(await store.getCommand("nope"), undefined);
      const first = await store.getInvocation("c1", nodeId(1));
      assert.deepEqual(first, {
        commandId: "c1",
        instanceId: nodeId(1),
        ordinal: 0,
        phase: "ready",
        status: "Pending",
        statusDetails: "Pending",
        responseCode: -1,
        instanceName: "node-1",
        requestedAt: T0,
        deliveryAttempts: 0,
        cancelRequested: false,
        stdoutBytes: 0,
        stderrBytes: 0,
        outputTruncated: false,
      });
      assert.equal((await store.getInvocation("c1", nodeId(3)))?.phase, "queued");
      assert.equal(await store.getInvocation("c1", nodeId(9)), undefined);
      // No targets: the control still decides.
      const none = await store.createCommand(command("c2", 0, 1), [], testControl);
      assert.equal(none.command.statusDetails, "NoInstancesInTag");
      assert.deepEqual(none.wake, []);
      assert.equal((await store.getCommand("c2"))?.status, "Failed");
    });

    test("claims hand ready invocations to their node once, and again after redeliverBefore", async () => {
      await addNodes(2);
      await store.createCommand(command("c1", 2, 2), targets(2), testControl);
      await store.createCommand(
        command("c2", 1, 1, 1, { requestedAt: T0 + 1 }),
        targets(1),
        testControl,
      );
      const claimed = await store.claimInvocations(nodeId(1), T0 + 100, T0, 10);
      assert.deepEqual(
        claimed.map((d) => [
          d.invocation.commandId,
          d.invocation.phase,
          d.invocation.deliveredAt,
          d.invocation.deliveryAttempts,
        ]),
        [
          ["c1", "delivered", T0 + 100, 1],
          ["c2", "delivered", T0 + 100, 1],
        ],
      );
      assert.deepEqual(claimed[0].command, await store.getCommand("c1"));
      // Delivered and not yet due again: nothing more.
      assert.deepEqual(await store.claimInvocations(nodeId(1), T0 + 200, T0 + 99, 10), []);
      // Unacknowledged past redeliverBefore: handed again, limit respected.
      const again = await store.claimInvocations(nodeId(1), T0 + 300, T0 + 100, 1);
      assert.deepEqual(
        again.map((d) => [
          d.invocation.commandId,
          d.invocation.deliveryAttempts,
          d.invocation.deliveredAt,
        ]),
        [["c1", 2, T0 + 300]],
      );
      // Started ones are never handed again.
      await store.startInvocation("c2", nodeId(1), T0 + 301);
      assert.deepEqual(
        (await store.claimInvocations(nodeId(1), T0 + 900, T0 + 900, 10)).map(
          (d) => d.invocation.commandId,
        ),
        ["c1"],
      );
      assert.deepEqual(
        (await store.claimInvocations(nodeId(2), T0 + 100, T0, 10)).map(
          (d) => d.invocation.commandId,
        ),
        ["c1"],
      );
    });

    test("ssh:* claims the invocations of every SSH node and records the owner", async () => {
      await store.addNode(sshNode(1));
      await store.addNode(agentNode(2));
      await store.addNode(sshNode(3));
      await store.createCommand(command("c1", 3, 3), targets(3), testControl);
      const claimed = await store.claimInvocations("ssh:*", T0 + 1, T0, 10, "server-a");
      assert.deepEqual(
        claimed.map((d) => [d.invocation.instanceId, d.invocation.owner]),
        [
          [nodeId(1), "server-a"],
          [nodeId(3), "server-a"],
        ],
      );
      assert.equal((await store.getInvocation("c1", nodeId(2)))?.phase, "ready");
      assert.equal((await store.getInvocation("c1", nodeId(1)))?.owner, "server-a");
    });

    test("start marks an invocation running; a terminal one comes back unchanged", async () => {
      await addNodes(2);
      await store.createCommand(command("c1", 2, 2), targets(2), testControl);
      await store.claimInvocations(nodeId(1), T0 + 1, T0, 10);
      const started = await store.startInvocation("c1", nodeId(1), T0 + 2);
      assert.equal(started?.phase, "running");
      assert.equal(started?.status, "InProgress");
      assert.equal(started?.statusDetails, "InProgress");
      assert.equal(started?.startedAt, T0 + 2);
      // The first start moves the command from Pending to InProgress.
      assert.equal((await store.getCommand("c1"))?.status, "InProgress");
      // Starting twice changes nothing.
      assert.deepEqual(await store.startInvocation("c1", nodeId(1), T0 + 3), started);
      await store.cancelCommand("c1", [nodeId(2)], T0 + 4, testControl);
      const cancelled = await store.getInvocation("c1", nodeId(2));
      assert.equal(cancelled?.phase, "done");
      assert.deepEqual(await store.startInvocation("c1", nodeId(2), T0 + 5), cancelled);
      assert.equal(await store.startInvocation("c1", nodeId(9), T0), undefined);
      assert.equal(await store.startInvocation("nope", nodeId(1), T0), undefined);
    });

    test("finishing counts the outcome, releases the next one; finishing twice changes nothing", async () => {
      await store.createCommand(command("c1", 3, 1), targets(3), testControl);
      const done = await store.finishInvocation(
        "c1",
        nodeId(1),
        outcome("Success", T0 + 10),
        testControl,
      );
      assert.ok(done);
      assert.deepEqual(done.wake, [nodeId(2)]);
      assert.deepEqual(
        done.changed.map((i) => [
          i.instanceId,
          i.phase,
          i.status,
          i.statusDetails,
          i.responseCode,
          i.endedAt,
        ]),
        [[nodeId(1), "done", "Success", "Success", 0, T0 + 10]],
      );
      assert.equal(done.command.progress.successCount, 1);
      assert.equal(done.command.progress.completedCount, 1);
      assert.equal(done.command.progress.inFlightCount, 1);
      assert.equal(done.command.progress.queuedCount, 1);
      const twice = await store.finishInvocation(
        "c1",
        nodeId(1),
        outcome("Failed", T0 + 11),
        testControl,
      );
      assert.deepEqual(twice, { command: done.command, changed: [], wake: [] });
      assert.equal((await store.getInvocation("c1", nodeId(1)))?.status, "Success");
      await store.finishInvocation("c1", nodeId(2), outcome("Failed", T0 + 12), testControl);
      const last = await store.finishInvocation(
        "c1",
        nodeId(3),
        outcome("TimedOut", T0 + 13, "ExecutionTimedOut"),
        testControl,
      );
      assert.deepEqual(last?.command.progress, {
        ...command("c1", 3, 1).progress,
        completedCount: 3,
        successCount: 1,
        errorCount: 2,
        queuedCount: 0,
        inFlightCount: 0,
      });
      assert.equal(last?.command.status, "Failed");
      assert.deepEqual(await store.getCommand("c1"), last?.command);
      assert.equal(
        await store.finishInvocation("c1", nodeId(9), outcome("Success"), testControl),
        undefined,
      );
      assert.equal(
        await store.finishInvocation("nope", nodeId(1), outcome("Success"), testControl),
        undefined,
      );
    });

    test("MaxConcurrency 1 and MaxErrors 0: one failure terminates the rest", async () => {
      await store.createCommand(command("c1", 4, 1, 0), targets(4), testControl);
      const failed = await store.finishInvocation(
        "c1",
        nodeId(1),
        outcome("Failed", T0 + 10),
        testControl,
      );
      assert.deepEqual(failed?.wake, []);
      assert.deepEqual(
        failed?.changed.map((i) => [i.instanceId, i.status, i.statusDetails, i.endedAt]),
        [
          [nodeId(1), "Failed", "Failed", T0 + 10],
          [nodeId(2), "Cancelled", "Terminated", T0 + 10],
          [nodeId(3), "Cancelled", "Terminated", T0 + 10],
          [nodeId(4), "Cancelled", "Terminated", T0 + 10],
        ],
      );
      assert.equal(failed?.command.status, "Failed");
      assert.deepEqual(failed?.command.progress, {
        ...command("c1", 4, 1, 0).progress,
        completedCount: 4,
        errorCount: 1,
        queuedCount: 0,
        inFlightCount: 0,
      });
      const page = await store.listInvocations(
        { commandId: "c1", statuses: ["Cancelled"] },
        { limit: 10 },
      );
      assert.equal(page.items.length, 3);
    });

    test("cancel ends what was not delivered and asks running nodes to stop", async () => {
      await addNodes(4);
      await store.createCommand(command("c1", 4, 3), targets(4), testControl);
      await store.claimInvocations(nodeId(1), T0 + 1, T0, 10);
      await store.claimInvocations(nodeId(2), T0 + 1, T0, 10);
      await store.startInvocation("c1", nodeId(2), T0 + 2);
      const cancel = await store.cancelCommand("c1", undefined, T0 + 5, testControl);
      assert.ok(cancel);
      assert.deepEqual(new Set(cancel.wake), new Set([nodeId(1), nodeId(2)]));
      const byNode = new Map(cancel.changed.map((i) => [i.instanceId, i]));
      assert.deepEqual(
        [1, 2, 3, 4].map((n) => {
          const i = byNode.get(nodeId(n));
          return [i?.phase, i?.status, i?.statusDetails, i?.cancelRequested];
        }),
        [
          ["delivered", "Cancelling", "Cancelling", true],
          ["running", "Cancelling", "Cancelling", true],
          ["done", "Cancelled", "Cancelled", false],
          ["done", "Cancelled", "Cancelled", false],
        ],
      );
      assert.equal(cancel.command.progress.cancelRequested, true);
      assert.equal(cancel.command.status, "Cancelling");
      assert.equal(cancel.command.progress.completedCount, 2);
      assert.deepEqual(
        (await store.cancellationsFor(nodeId(2))).map((i) => [i.commandId, i.instanceId]),
        [["c1", nodeId(2)]],
      );
      assert.equal((await store.cancellationsFor(nodeId(1))).length, 1);
      assert.deepEqual(await store.cancellationsFor(nodeId(3)), []);
      // A cancel-requested delivery is not handed out again.
      assert.deepEqual(await store.claimInvocations(nodeId(1), T0 + 99, T0 + 99, 10), []);
      await store.finishInvocation("c1", nodeId(2), outcome("Cancelled", T0 + 6), testControl);
      const last = await store.finishInvocation(
        "c1",
        nodeId(1),
        outcome("Cancelled", T0 + 7),
        testControl,
      );
      assert.equal(last?.command.status, "Cancelled");
      assert.equal(last?.command.progress.completedCount, 4);
      assert.equal(last?.command.progress.inFlightCount, 0);
      assert.equal(await store.cancelCommand("nope", undefined, T0, testControl), undefined);
    });

    test("cancel on some nodes leaves the others going", async () => {
      await store.createCommand(command("c1", 3, 1), targets(3), testControl);
      const cancel = await store.cancelCommand("c1", [nodeId(1), nodeId(3)], T0 + 5, testControl);
      assert.deepEqual(
        cancel?.changed.map((i) => [i.instanceId, i.status]),
        [
          [nodeId(1), "Cancelled"],
          [nodeId(3), "Cancelled"],
        ],
      );
      // Node 1's slot freed: node 2 is released.
      assert.deepEqual(cancel?.wake, [nodeId(2)]);
      assert.equal(cancel?.command.progress.cancelRequested, false);
      assert.equal((await store.getInvocation("c1", nodeId(2)))?.phase, "ready");
    });

    test("expiry: undelivered past expiresAfter, running past the execution timeout", async () => {
      await addNodes(4);
      const expiresAfter = T0 + 1000;
      await store.createCommand(
        command("c1", 3, 2, 3, { expiresAfter, executionTimeoutSeconds: 10 }),
        targets(3),
        testControl,
      );
      await store.createCommand(
        command("c2", 1, 1, 1, {
          requestedAt: T0 + 1,
          expiresAfter: T0 + 100_000,
          executionTimeoutSeconds: 10,
        }),
        targets(1, 4),
        testControl,
      );
      await store.claimInvocations(nodeId(1), T0 + 1, T0, 10);
      await store.claimInvocations(nodeId(4), T0 + 1, T0, 10);
      await store.startInvocation("c2", nodeId(4), T0 + 500);
      // Nothing is due yet (the deadline itself is still in time).
      assert.deepEqual(await store.expireInvocations(expiresAfter, 5000, testControl), []);
      const delivery = await store.expireInvocations(expiresAfter + 1, 5000, testControl);
      assert.equal(delivery.length, 1);
      assert.deepEqual(
        delivery[0].changed.map((i) => [i.instanceId, i.status, i.statusDetails, i.endedAt]),
        [
          [nodeId(1), "TimedOut", "DeliveryTimedOut", expiresAfter + 1],
          [nodeId(2), "TimedOut", "DeliveryTimedOut", expiresAfter + 1],
          [nodeId(3), "TimedOut", "DeliveryTimedOut", expiresAfter + 1],
        ],
      );
      assert.equal(delivery[0].command.progress.deliveryTimedOutCount, 3);
      assert.equal(delivery[0].command.progress.completedCount, 3);
      assert.equal(delivery[0].command.progress.errorCount, 0);
      assert.equal(delivery[0].command.progress.queuedCount, 0);
      assert.equal(delivery[0].command.progress.inFlightCount, 0);
      // c2 runs since T0 + 500: due after T0 + 500 + 10 s + 5 s grace.
      assert.deepEqual(await store.expireInvocations(T0 + 15_500, 5000, testControl), []);
      const execution = await store.expireInvocations(T0 + 15_501, 5000, testControl);
      assert.deepEqual(
        execution.map((c) => [
          c.command.id,
          c.changed.map((i) => i.statusDetails),
          c.command.progress.errorCount,
        ]),
        [["c2", ["ExecutionTimedOut"], 1]],
      );
      assert.equal((await store.getInvocation("c2", nodeId(4)))?.status, "TimedOut");
      assert.deepEqual(await store.expireInvocations(T0 + 999_999, 0, testControl), []);
    });

    test("deregistering a node ends its open invocations Undeliverable", async () => {
      await addNodes(3);
      await store.createCommand(command("c1", 3, 1), targets(3), testControl);
      await store.createCommand(
        command("c2", 1, 1, 1, { requestedAt: T0 + 1 }),
        targets(1),
        testControl,
      );
      const gone = await store.deregisterNode(nodeId(1), T0 + 20, testControl);
      assert.equal(gone.deregistered, true);
      assert.deepEqual(
        gone.changes.map((c) => [
          c.command.id,
          c.changed.map((i) => [
            i.instanceId,
            i.status,
            i.statusDetails,
            i.responseCode,
            i.endedAt,
          ]),
          c.wake,
          c.command.progress.errorCount,
        ]),
        [
          ["c1", [[nodeId(1), "Failed", "Undeliverable", -1, T0 + 20]], [nodeId(2)], 1],
          ["c2", [[nodeId(1), "Failed", "Undeliverable", -1, T0 + 20]], [], 1],
        ],
      );
      assert.equal(await store.getNode(nodeId(1)), undefined);
      assert.deepEqual(await store.deregisterNode(nodeId(1), T0 + 21, testControl), {
        deregistered: false,
        changes: [],
      });
      assert.deepEqual(
        (await store.deregisterNode(nodeId(3), T0 + 22, testControl)).changes.length,
        1,
      );
    });

    test("output: appends by offset, skips resent bytes, refuses gaps, caps, reads ranges", async () => {
      await store.createCommand(command("c1", 1, 1), targets(1), testControl);
      const append = (stream: "stdout" | "stderr", offset: number, data: string, cap = 10) =>
        store.appendOutput("c1", nodeId(1), stream, offset, Buffer.from(data), cap);
      assert.deepEqual(await append("stdout", 0, "hello"), { size: 5, truncated: false });
      assert.deepEqual(await append("stdout", 0, "hello"), { size: 5, truncated: false });
      assert.deepEqual(await append("stdout", 3, "lo wo"), { size: 8, truncated: false });
      assert.deepEqual(await append("stdout", 10, "gap"), { size: 8, truncated: false });
      assert.deepEqual(await append("stderr", 0, "oops"), { size: 4, truncated: false });
      assert.equal(text(await store.readOutput("c1", nodeId(1), "stdout", 0, 100)), "hello wo");
      assert.deepEqual(await append("stdout", 8, "rld!!"), { size: 10, truncated: true });
      assert.deepEqual(await append("stdout", 10, "more"), { size: 10, truncated: true });
      assert.equal(text(await store.readOutput("c1", nodeId(1), "stdout", 0, 100)), "hello worl");
      assert.equal(text(await store.readOutput("c1", nodeId(1), "stdout", 3, 4)), "lo w");
      assert.equal(text(await store.readOutput("c1", nodeId(1), "stdout", 50, 4)), "");
      assert.equal(text(await store.readOutput("c1", nodeId(1), "stderr", 0, 100)), "oops");
      const invocation = await store.getInvocation("c1", nodeId(1));
      assert.deepEqual(
        [invocation?.stdoutBytes, invocation?.stderrBytes, invocation?.outputTruncated],
        [10, 4, true],
      );
      const binary = Buffer.from([0, 255, 1, 0]);
      assert.deepEqual(await store.appendOutput("c1", nodeId(1), "stderr", 4, binary, 100), {
        size: 8,
        truncated: true,
      });
      assert.deepEqual(
        Buffer.from(await store.readOutput("c1", nodeId(1), "stderr", 4, 4)),
        binary,
      );
      assert.equal(await store.appendOutput("c1", nodeId(9), "stdout", 0, binary, 10), undefined);
      assert.equal(text(await store.readOutput("c1", nodeId(9), "stdout", 0, 10)), "");
    });

    test("lists commands newest first, filtered and paged", async () => {
      await store.createCommand(command("a", 2, 2), targets(2), testControl);
      await store.createCommand(
        command("b", 1, 1, 1, { requestedAt: T0 + 10, documentName: "Other" }),
        targets(1, 3),
        testControl,
      );
      await store.createCommand(
        command("c", 1, 1, 1, { requestedAt: T0 + 10 }),
        targets(1, 2),
        testControl,
      );
      await store.createCommand(
        command("d", 1, 1, 1, { requestedAt: T0 + 20 }),
        targets(1),
        testControl,
      );
      await store.finishInvocation("d", nodeId(1), outcome("Success"), testControl);
      const ids = async (filter: Parameters<FleetStore["listCommands"]>[0]) =>
        (await all((page) => store.listCommands(filter, page))).map((c) => c.id);
      assert.deepEqual(await ids({}), ["d", "b", "c", "a"]);
      assert.deepEqual(await ids({ commandId: "c" }), ["c"]);
      assert.deepEqual(await ids({ instanceId: nodeId(2) }), ["c", "a"]);
      assert.deepEqual(await ids({ documentName: "Other" }), ["b"]);
      assert.deepEqual(await ids({ statuses: ["Success"] }), ["d"]);
      assert.deepEqual(await ids({ invokedAfter: T0 + 10 }), ["d", "b", "c"]);
      assert.deepEqual(await ids({ invokedBefore: T0 + 10 }), ["b", "c", "a"]);
      assert.deepEqual(
        await ids({ invokedAfter: T0 + 5, invokedBefore: T0 + 15, statuses: ["InProgress"] }),
        ["b", "c"],
      );
    });

    test("lists invocations by newest command then ordinal, filtered and paged", async () => {
      await store.createCommand(command("a", 3, 3), targets(3), testControl);
      await store.createCommand(
        command("b", 2, 2, 2, { requestedAt: T0 + 10 }),
        targets(2),
        testControl,
      );
      await store.finishInvocation("a", nodeId(2), outcome("Failed"), testControl);
      const keys = async (filter: Parameters<FleetStore["listInvocations"]>[0]) =>
        (await all((page) => store.listInvocations(filter, page))).map(
          (i) => `${i.commandId}${i.ordinal}`,
        );
      assert.deepEqual(await keys({}), ["b0", "b1", "a0", "a1", "a2"]);
      assert.deepEqual(await keys({ commandId: "a" }), ["a0", "a1", "a2"]);
      assert.deepEqual(await keys({ instanceId: nodeId(2) }), ["b1", "a1"]);
      assert.deepEqual(await keys({ statuses: ["Failed"] }), ["a1"]);
      assert.deepEqual(await keys({ commandId: "b", statuses: ["Pending", "Failed"] }), [
        "b0",
        "b1",
      ]);
    });

    test("ended commands with an unsettled waiting task, oldest first, until marked settled", async () => {
      const waiting = (id: string, requestedAt: number) =>
        command(id, 1, 1, 1, { requestedAt, waiter: { taskToken: `token-${id}`, settled: false } });
      await store.createCommand(waiting("late", T0 + 2), targets(1), testControl);
      await store.createCommand(waiting("early", T0 + 1), targets(1), testControl);
      await store.createCommand(waiting("running", T0), targets(1), testControl);
      await store.createCommand(
        command("plain", 1, 1, 1, { requestedAt: T0 }),
        targets(1),
        testControl,
      );
      assert.deepEqual((await store.getCommand("late"))?.waiter, {
        taskToken: "token-late",
        settled: false,
      });
      assert.equal((await store.getCommand("plain"))?.waiter, undefined);
      assert.deepEqual(await store.unsettledWaiters(10), []);
      for (const id of ["late", "early", "plain"])
        await store.finishInvocation(id, nodeId(1), outcome("Success"), testControl);
      assert.deepEqual(
        (await store.unsettledWaiters(10)).map((c) => [c.id, c.status, c.waiter?.settled]),
        [
          ["early", "Success", false],
          ["late", "Success", false],
        ],
      );
      assert.deepEqual(
        (await store.unsettledWaiters(1)).map((c) => c.id),
        ["early"],
      );
      await store.markWaiterSettled("early");
      await store.markWaiterSettled("plain");
      assert.deepEqual(
        (await store.unsettledWaiters(10)).map((c) => c.id),
        ["late"],
      );
      assert.deepEqual((await store.getCommand("early"))?.waiter, {
        taskToken: "token-early",
        settled: true,
      });
      assert.equal((await store.getCommand("plain"))?.waiter, undefined);
    });

    test("onFleetWork resolves to an unsubscribe function", async () => {
      const unsubscribe = await store.onFleetWork(() => undefined);
      assert.equal(typeof unsubscribe, "function");
      unsubscribe();
    });
  });
}
