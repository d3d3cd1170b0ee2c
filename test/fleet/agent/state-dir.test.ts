/**
 * The state directory on a real filesystem: modes, at-most-once records, pending reports that
 * outlive the process that wrote them.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { InvocationRecords } from "../../../src/fleet/agent/invocation-records.js";
import { defaultStateDir, StateDir } from "../../../src/fleet/agent/state-dir.js";
import type { AgentInvocation } from "../../../src/fleet/protocol.js";

const mode = (path: string) => statSync(path).mode & 0o777;

const invocation = (commandId: string): AgentInvocation => ({
  commandId,
  documentName: "AWS-RunShellScript",
  plugins: [{ name: "x", action: "aws:runShellScript", runCommand: ["true"], timeoutSeconds: 5 }],
  outputCapBytes: 1000,
});

describe("StateDir", () => {
  test("directory 0700 (also when it existed wider), registration and key 0600", () => {
    const path = join(mkdtempSync(join(tmpdir(), "opsflow-state-")), "agent");
    const dir = new StateDir(path);
    dir.ensure();
    dir.writePrivateKey("-----BEGIN PRIVATE KEY-----\n");
    dir.writeRegistration({
      endpoint: "http://x",
      instanceId: "mi-0123456789abcdef0",
      registeredAt: "2026-12-08T00:00:00.000Z",
    });
    assert.equal(mode(path), 0o700);
    assert.equal(mode(dir.registrationPath), 0o600);
    assert.equal(mode(dir.keyPath), 0o600);
    assert.equal(dir.readRegistration().instanceId, "mi-0123456789abcdef0");
    // No temporary files left behind by the durable writes.
    assert.deepEqual(readdirSync(path).sort(), ["agent.key", "invocations", "registration.json"]);

    const wide = mkdtempSync(join(tmpdir(), "opsflow-wide-"));
    chmodSync(wide, 0o755);
    new StateDir(wide).ensure();
    assert.equal(mode(wide), 0o700);
  });

  test("an unregistered directory says how to register; a corrupt one says --force", () => {
    const dir = new StateDir(mkdtempSync(join(tmpdir(), "opsflow-state-")));
    assert.throws(() => dir.readRegistration(), { code: "NotRegistered" });
    writeFileSync(dir.registrationPath, "{not json");
    assert.throws(() => dir.readRegistration(), { code: "CorruptState", message: /--force/ });
  });

  test("default: OPSFLOW_AGENT_STATE_DIR, else the system's as root, else the user's", () => {
    assert.equal(defaultStateDir({ OPSFLOW_AGENT_STATE_DIR: "/x/y" }), "/x/y");
    const expected = process.getuid?.() === 0 ? "/var/lib/opsflow-agent" : /\.opsflow-agent$/;
    if (typeof expected === "string") assert.equal(defaultStateDir({}), expected);
    else assert.match(defaultStateDir({}), expected);
  });
});

describe("InvocationRecords", () => {
  test("a command is recorded once: a second delivery is refused, also by a new process", () => {
    const root = mkdtempSync(join(tmpdir(), "opsflow-records-"));
    const records = new InvocationRecords(root, () => Date.parse("2026-12-08T00:00:00Z"));
    assert.equal(records.create(invocation("c-1")), true);
    assert.equal(records.create(invocation("c-1")), false);
    // What a restarted agent sees.
    const again = new InvocationRecords(root, Date.now);
    assert.equal(again.create(invocation("c-1")), false);
    assert.equal(again.read("c-1")?.state, "started");
    assert.equal(mode(join(root, "c-1", "record.json")), 0o600);
    assert.equal(mode(join(root, "c-1")), 0o700);
  });

  test("a folder without record.json (crash before the record) is not a record", () => {
    const root = mkdtempSync(join(tmpdir(), "opsflow-records-"));
    const records = new InvocationRecords(root, Date.now);
    mkdirSync(join(root, "c-2"));
    assert.equal(records.create(invocation("c-2")), true);
  });

  test("a pending report survives a restart and is gone once acknowledged", () => {
    const root = mkdtempSync(join(tmpdir(), "opsflow-records-"));
    const first = new InvocationRecords(root, Date.now);
    first.create(invocation("c-3"));
    first.writePending("c-3", { status: "Success", statusDetails: "Success", responseCode: 0 });
    first.update("c-3", { state: "finished" });
    const restarted = new InvocationRecords(root, Date.now);
    assert.deepEqual(restarted.pendingReports(), ["c-3"]);
    assert.equal(restarted.readPending("c-3")?.responseCode, 0);
    restarted.removePending("c-3");
    assert.deepEqual(new InvocationRecords(root, Date.now).pendingReports(), []);
  });

  test("command ids cannot name folders outside the records", () => {
    const records = new InvocationRecords(
      mkdtempSync(join(tmpdir(), "opsflow-records-")),
      Date.now,
    );
    assert.throws(() => records.folder("../x"));
    assert.throws(() => records.folder(".."));
  });

  test("prune forgets only ended records older than the cut", () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const records = new InvocationRecords(
      mkdtempSync(join(tmpdir(), "opsflow-records-")),
      () => now,
    );
    records.create(invocation("old-done"));
    records.update("old-done", { state: "reported" });
    records.create(invocation("old-running"));
    now += 40 * 24 * 3600 * 1000;
    records.create(invocation("new-done"));
    records.update("new-done", { state: "reported" });
    assert.equal(records.prune(now - 30 * 24 * 3600 * 1000), 1);
    assert.deepEqual(
      records.list().map((r) => r.invocation.commandId),
      ["old-running", "new-done"],
    );
  });
});
