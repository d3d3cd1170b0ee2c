/**
 * What only the SQLite adapter has: its read caches (identity lookups, state machines) start
 * over on every change, whichever way it is made; close commits the group commit's queue;
 * duplicate credentials are typed conflicts; one store per file. Real files in a temporary
 * directory.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, beforeEach, describe, test } from "node:test";
import Database from "better-sqlite3";
import { StoreConflictError } from "../../src/store/errors.js";
import type { Store } from "../../src/store/port.js";
import { OTHER_CONNECTION_CHECK_MS } from "../../src/store/sqlite/change-watch.js";
import { credentialQueries } from "../../src/store/sqlite/credentials.js";
import { DatabaseInUseError, openDatabase } from "../../src/store/sqlite/database.js";
import { identityQueries } from "../../src/store/sqlite/identity.js";
import { cachedIdentityReads } from "../../src/store/sqlite/identity-cache.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { machineArn, newExecution, T0 } from "./fixtures.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-caches-"));
let files = 0;
after(() => rmSync(root, { recursive: true, force: true }));
const freshPath = () => join(root, `db-${files++}`, "opsflow.db");

const MACHINE = machineArn("M");

function key(id: string) {
  return { id, sealedSecret: "v1:sealed", user: "ann", status: "Active" as const, createdAt: T0 };
}

function token(id: string, tokenHash: string) {
  return { id, tokenHash, user: "ann", status: "Active" as const, createdAt: T0 };
}

function machine(definition: string) {
  return {
    arn: MACHINE,
    name: "M",
    type: "STANDARD" as const,
    definition,
    roleArn: "arn:aws:iam::123456789012:role/r",
    revisionId: definition,
    createdAt: T0,
    updatedAt: T0,
    tags: { team: "ops" },
  };
}

describe("sqlite store caches", () => {
  let store: Store;
  beforeEach(async () => {
    store = openSqliteStore({ path: freshPath() });
    await store.createUser({ name: "ann", createdAt: T0, updatedAt: T0 });
  });
  afterEach(async () => {
    await store.close();
  });

  test("a deactivated or deleted access key is seen at once by the next lookup", async () => {
    await store.createAccessKey(key("AKIA1"));
    for (let i = 0; i < 3; i++) assert.equal((await store.getAccessKey("AKIA1"))?.status, "Active");
    await store.setAccessKeyStatus("AKIA1", "Inactive");
    assert.equal((await store.getAccessKey("AKIA1"))?.status, "Inactive");
    await store.setAccessKeyStatus("AKIA1", "Active");
    assert.equal((await store.getAccessKey("AKIA1"))?.status, "Active");
    await store.deleteAccessKey("AKIA1");
    assert.equal(await store.getAccessKey("AKIA1"), undefined);
  });

  test("a deactivated token, and the tokens of a deleted user, are seen at once", async () => {
    await store.createApiToken(token("t1", "sha256:aa"));
    assert.equal((await store.findApiToken("sha256:aa"))?.status, "Active");
    await store.setApiTokenStatus("t1", "Inactive");
    assert.equal((await store.findApiToken("sha256:aa"))?.status, "Inactive");
    await store.setApiTokenStatus("t1", "Active");
    assert.equal((await store.findApiToken("sha256:aa"))?.status, "Active");
    await store.deleteUser("ann");
    assert.equal(await store.findApiToken("sha256:aa"), undefined);
    assert.equal(await store.permissionsOf("ann"), undefined);
  });

  test("role grants, group membership and policies change permissions at once", async () => {
    assert.deepEqual((await store.permissionsOf("ann"))?.roles, []);
    await store.grantRole("user", "ann", "viewer");
    assert.deepEqual((await store.permissionsOf("ann"))?.roles, ["viewer"]);
    await store.createGroup({ name: "ops", createdAt: T0 });
    await store.grantRole("group", "ops", "operator");
    assert.deepEqual((await store.permissionsOf("ann"))?.roles, ["viewer"]);
    await store.addMember("ops", "ann");
    assert.deepEqual((await store.permissionsOf("ann"))?.roles, ["operator", "viewer"]);
    await store.putPolicy({
      kind: "group",
      principal: "ops",
      name: "p",
      document: "{}",
      updatedAt: T0,
    });
    assert.deepEqual((await store.permissionsOf("ann"))?.policies, ["{}"]);
    await store.removeMember("ops", "ann");
    assert.deepEqual(await store.permissionsOf("ann"), {
      groups: [],
      roles: ["viewer"],
      policies: [],
    });
    await store.revokeRole("user", "ann", "viewer");
    assert.deepEqual((await store.permissionsOf("ann"))?.roles, []);
  });

  test("a caller changing a returned record does not change what the next caller gets", async () => {
    await store.createAccessKey(key("AKIA2"));
    await store.grantRole("user", "ann", "viewer");
    await store.createStateMachine(machine("v1"));
    const first = await store.getAccessKey("AKIA2");
    if (first) first.status = "Inactive";
    (await store.permissionsOf("ann"))?.roles.push("admin");
    const described = await store.getStateMachine(MACHINE);
    if (described?.tags) described.tags.team = "changed";
    assert.equal((await store.getAccessKey("AKIA2"))?.status, "Active");
    assert.deepEqual((await store.permissionsOf("ann"))?.roles, ["viewer"]);
    assert.deepEqual((await store.getStateMachine(MACHINE))?.tags, { team: "ops" });
  });

  test("state machine lookups follow update and delete at once", async () => {
    await store.createStateMachine(machine("v1"));
    assert.equal((await store.getStateMachine(MACHINE))?.definition, "v1");
    await store.updateStateMachine(machine("v2"));
    assert.equal((await store.getStateMachine(MACHINE))?.definition, "v2");
    await store.deleteStateMachine(MACHINE);
    assert.equal(await store.getStateMachine(MACHINE), undefined);
    await store.createStateMachine(machine("v3"));
    assert.equal((await store.getStateMachine(MACHINE))?.definition, "v3");
  });

  test("duplicate access key ids and token ids or hashes are typed conflicts that change nothing", async () => {
    await store.createAccessKey(key("AKIA3"));
    await assert.rejects(
      store.createAccessKey({ ...key("AKIA3"), user: "bob" }),
      (error) => error instanceof StoreConflictError && error.reason === "exists",
    );
    assert.equal((await store.getAccessKey("AKIA3"))?.user, "ann");
    await store.createApiToken(token("t2", "sha256:bb"));
    for (const duplicate of [token("t2", "sha256:cc"), token("t3", "sha256:bb")]) {
      await assert.rejects(
        store.createApiToken(duplicate),
        (error) => error instanceof StoreConflictError && error.reason === "exists",
      );
    }
    assert.deepEqual(
      (await store.listApiTokens("ann")).map((t) => [t.id, t.tokenHash]),
      [["t2", "sha256:bb"]],
    );
  });
});

describe("identity cache and other connections", () => {
  test("a change committed by another connection is seen once the check interval passed", () => {
    const path = freshPath();
    const db = openDatabase(path);
    const other = new Database(path);
    try {
      const credentials = credentialQueries(db);
      let now = 0;
      const reads = cachedIdentityReads(db, { ...credentials, ...identityQueries(db) }, () => now);
      credentials.createAccessKey(key("AKIA4"));
      assert.equal(reads.getAccessKey("AKIA4")?.status, "Active");
      other.prepare("UPDATE access_keys SET status = 'Inactive' WHERE id = 'AKIA4'").run();
      now += OTHER_CONNECTION_CHECK_MS;
      assert.equal(reads.getAccessKey("AKIA4")?.status, "Inactive");
    } finally {
      other.close();
      db.close();
    }
  });
});

describe("sqlite store close", () => {
  test("close commits the writes still queued for the group commit, and later writes are refused", async () => {
    const path = freshPath();
    const store = openSqliteStore({ path });
    const started = [
      store.startExecution(newExecution("a")),
      store.startExecution(newExecution("b")),
    ];
    await store.close();
    assert.deepEqual(
      (await Promise.all(started)).map((s) => s.created),
      [true, true],
    );
    await assert.rejects(store.startExecution(newExecution("c")));
    const reopened = openSqliteStore({ path });
    try {
      assert.deepEqual(
        (await reopened.listExecutions({}, { limit: 10 })).items.map((e) => e.name).sort(),
        ["a", "b"],
      );
    } finally {
      await reopened.close();
    }
  });
});

describe("sqlite store lock", () => {
  test("a second store on the same file is refused while the first is open, and allowed after", async () => {
    const path = freshPath();
    const first = openSqliteStore({ path });
    assert.throws(
      () => openSqliteStore({ path }),
      (error) => error instanceof DatabaseInUseError && error.path === path,
    );
    await first.close();
    const second = openSqliteStore({ path });
    await second.close();
  });
});
