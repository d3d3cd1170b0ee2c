/**
 * The identity part of the store contract (IdentityStore), through the port only, so every
 * adapter runs it: `identityStoreContract(name, factory)` with a fresh, empty store per test.
 * Changes must be seen by the very next lookup (an adapter that caches must start over on
 * every change). An adapter whose stores can share one database as several nodes also passes
 * `nodes`, which runs the cases that only hold if the database decides.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { StoreConflictError } from "../../src/store/errors.js";
import type {
  AccessKeyRecord,
  ApiTokenRecord,
  IdentityStore,
  SessionRecord,
} from "../../src/store/identity-port.js";
import { T0 } from "./fixtures.js";

/** An IdentityStore that can be closed. */
export type ClosableIdentityStore = IdentityStore & { close(): Promise<void> };

/** Options of the suite. */
export interface IdentityContractOptions {
  /** Why the suite is skipped, if it is. */
  skip?: string | false;
  /** Stores on one shared database, as separate nodes; `close` closes them all. */
  nodes?: () => Promise<{ stores: IdentityStore[]; close(): Promise<void> }>;
}

const conflict = (reason: StoreConflictError["reason"]) => (error: unknown) =>
  error instanceof StoreConflictError && error.reason === reason;

const key = (id: string, user = "ann", createdAt = T0): AccessKeyRecord => ({
  id,
  sealedSecret: `sealed-${id}`,
  user,
  status: "Active",
  createdAt,
});

const token = (id: string, tokenHash: string, user = "ann", createdAt = T0): ApiTokenRecord => ({
  id,
  tokenHash,
  user,
  status: "Active",
  createdAt,
});

const session = (idHash: string, user = "ann"): SessionRecord => ({
  idHash,
  user,
  csrfHash: `csrf-${idHash}`,
  createdAt: T0,
  expiresAt: T0 + 3_600_000,
});

/** Runs the contract against the stores `factory` opens. */
export function identityStoreContract(
  name: string,
  factory: () => Promise<ClosableIdentityStore>,
  options: IdentityContractOptions = {},
): void {
  describe(`identity store contract: ${name}`, { skip: options.skip }, () => {
    let store: ClosableIdentityStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    const user = (name: string) => store.createUser({ name, createdAt: T0, updatedAt: T0 });

    describe("credentials", () => {
      test("access keys: create, get, list by user, touch", async () => {
        const alice = {
          id: "AKIAALICE",
          sealedSecret: "sealed-1",
          user: "alice",
          status: "Active" as const,
          createdAt: T0,
        };
        const bob = { ...alice, id: "AKIABOB", user: "bob", createdAt: T0 + 1 };
        const alice2 = {
          ...alice,
          id: "AKIAALICE2",
          status: "Inactive" as const,
          createdAt: T0 + 2,
        };
        for (const key of [alice, bob, alice2]) await store.createAccessKey(key);
        assert.deepEqual(await store.getAccessKey("AKIAALICE"), alice);
        assert.equal(await store.getAccessKey("AKIANOPE"), undefined);
        assert.deepEqual(await store.listAccessKeys("alice"), [alice, alice2]);
        assert.deepEqual(await store.listAccessKeys("carol"), []);
        assert.deepEqual(await store.listAccessKeys(), [alice, bob, alice2]);

        await store.touchAccessKey("AKIAALICE", T0 + 50, "states", "us-east-1");
        assert.deepEqual(await store.getAccessKey("AKIAALICE"), {
          ...alice,
          lastUsedAt: T0 + 50,
          lastUsedService: "states",
          lastUsedRegion: "us-east-1",
        });
        await store.touchAccessKey("AKIANOPE", T0 + 50, "states", "us-east-1");
        assert.equal(await store.getAccessKey("AKIANOPE"), undefined);
      });

      test("API tokens: create, find by hash, list by user", async () => {
        const t1 = {
          id: "tok1",
          tokenHash: "hash-1",
          user: "alice",
          description: "ci",
          status: "Active" as const,
          createdAt: T0,
        };
        const t2 = {
          id: "tok2",
          tokenHash: "hash-2",
          user: "bob",
          status: "Active" as const,
          createdAt: T0 + 1,
        };
        await store.createApiToken(t1);
        await store.createApiToken(t2);
        assert.deepEqual(await store.findApiToken("hash-1"), t1);
        assert.deepEqual(await store.findApiToken("hash-2"), t2);
        assert.equal(await store.findApiToken("tok1"), undefined, "found by hash, not by id");
        assert.deepEqual(await store.listApiTokens("alice"), [t1]);
        assert.deepEqual(await store.listApiTokens(), [t1, t2]);
        assert.deepEqual(await store.listApiTokens("nobody"), []);
      });

      test("duplicate access key ids and token ids or hashes are typed conflicts that change nothing", async () => {
        await store.createAccessKey(key("AKIA3"));
        await assert.rejects(store.createAccessKey(key("AKIA3", "bob")), conflict("exists"));
        assert.equal((await store.getAccessKey("AKIA3"))?.user, "ann");
        await store.createApiToken(token("t2", "sha256:bb"));
        for (const duplicate of [token("t2", "sha256:cc"), token("t3", "sha256:bb")])
          await assert.rejects(store.createApiToken(duplicate), conflict("exists"));
        assert.deepEqual(
          (await store.listApiTokens("ann")).map((t) => [t.id, t.tokenHash]),
          [["t2", "sha256:bb"]],
        );
      });

      test("an access key's status and deletion are seen by the next lookup", async () => {
        await store.createAccessKey(key("AKIA1"));
        await store.createAccessKey(key("AKIA2"));
        assert.equal((await store.getAccessKey("AKIA1"))?.status, "Active");
        assert.equal(await store.setAccessKeyStatus("AKIA1", "Inactive"), true);
        assert.equal((await store.getAccessKey("AKIA1"))?.status, "Inactive");
        assert.equal((await store.getAccessKey("AKIA2"))?.status, "Active", "only that key");
        assert.equal(await store.setAccessKeyStatus("AKIA1", "Active"), true);
        assert.equal((await store.getAccessKey("AKIA1"))?.status, "Active");
        assert.equal(await store.setAccessKeyStatus("AKIANOPE", "Inactive"), false);
        assert.equal(await store.deleteAccessKey("AKIA1"), true);
        assert.equal(await store.deleteAccessKey("AKIA1"), false);
        assert.equal(await store.getAccessKey("AKIA1"), undefined);
        assert.deepEqual(
          (await store.listAccessKeys()).map((k) => k.id),
          ["AKIA2"],
        );
      });

      test("an API token's status, last use and deletion are seen by the next lookup", async () => {
        await store.createApiToken(token("t1", "sha256:aa"));
        await store.createApiToken(token("t2", "sha256:bb", "ann", T0 + 1));
        assert.equal(await store.setApiTokenStatus("t1", "Inactive"), true);
        assert.equal((await store.findApiToken("sha256:aa"))?.status, "Inactive");
        assert.equal((await store.findApiToken("sha256:bb"))?.status, "Active", "only that token");
        assert.equal(await store.setApiTokenStatus("t1", "Active"), true);
        assert.equal((await store.findApiToken("sha256:aa"))?.status, "Active");
        assert.equal(await store.setApiTokenStatus("nope", "Inactive"), false);

        await store.touchApiToken("t1", T0 + 9, "rest", "eu-west-1");
        assert.deepEqual(await store.findApiToken("sha256:aa"), {
          ...token("t1", "sha256:aa"),
          lastUsedAt: T0 + 9,
          lastUsedService: "rest",
          lastUsedRegion: "eu-west-1",
        });
        assert.deepEqual(
          await store.findApiToken("sha256:bb"),
          token("t2", "sha256:bb", "ann", T0 + 1),
        );
        await store.touchApiToken("nope", T0 + 9, "rest", "eu-west-1");

        assert.equal(await store.deleteApiToken("t1"), true);
        assert.equal(await store.deleteApiToken("t1"), false);
        assert.equal(await store.findApiToken("sha256:aa"), undefined);
        assert.deepEqual(
          (await store.listApiTokens()).map((t) => t.id),
          ["t2"],
        );
      });
    });

    describe("users", () => {
      test("create, get and list in name order; a second user of a name is a conflict", async () => {
        await store.createUser({
          name: "ann",
          passwordHash: "$argon2id$x",
          totpSealed: "v1:totp",
          email: "ann@example.com",
          createdAt: T0,
          updatedAt: T0 + 1,
        });
        await user("Zed");
        await user("bob");
        assert.deepEqual(await store.getUser("ann"), {
          name: "ann",
          passwordHash: "$argon2id$x",
          totpSealed: "v1:totp",
          email: "ann@example.com",
          createdAt: T0,
          updatedAt: T0 + 1,
        });
        assert.deepEqual(await store.getUser("bob"), { name: "bob", createdAt: T0, updatedAt: T0 });
        assert.equal(await store.getUser("nobody"), undefined);
        assert.equal(await store.getUser("Ann"), undefined, "names are case-sensitive");
        assert.deepEqual(
          (await store.listUsers()).map((u) => u.name),
          ["Zed", "ann", "bob"],
        );
        await assert.rejects(user("ann"), conflict("exists"));
        assert.equal((await store.getUser("ann"))?.passwordHash, "$argon2id$x");
      });

      test("update sets, clears or keeps each field and stamps the time; false when no user", async () => {
        await user("ann");
        assert.equal(
          await store.updateUser("ann", { passwordHash: "p1", totpSealed: "s1" }, T0 + 5),
          true,
        );
        assert.deepEqual(await store.getUser("ann"), {
          name: "ann",
          passwordHash: "p1",
          totpSealed: "s1",
          createdAt: T0,
          updatedAt: T0 + 5,
        });
        assert.equal(
          await store.updateUser("ann", { totpSealed: null, email: "a@example.com" }, T0 + 6),
          true,
        );
        assert.deepEqual(await store.getUser("ann"), {
          name: "ann",
          passwordHash: "p1",
          email: "a@example.com",
          createdAt: T0,
          updatedAt: T0 + 6,
        });
        assert.equal(await store.updateUser("ann", {}, T0 + 7), true);
        assert.equal((await store.getUser("ann"))?.updatedAt, T0 + 7);
        assert.equal((await store.getUser("ann"))?.passwordHash, "p1");
        assert.equal(await store.updateUser("nobody", { passwordHash: "p" }, T0), false);
        assert.equal(await store.getUser("nobody"), undefined);
      });

      test("delete takes the user's memberships, grants, policies, credentials and sessions", async () => {
        await user("ann");
        await user("bob");
        await store.createGroup({ name: "ops", createdAt: T0 });
        await store.addMember("ops", "ann");
        await store.addMember("ops", "bob");
        await store.grantRole("user", "ann", "admin");
        await store.grantRole("user", "bob", "viewer");
        await store.putPolicy({
          kind: "user",
          principal: "ann",
          name: "p",
          document: "{}",
          updatedAt: T0,
        });
        await store.createAccessKey(key("AKIAANN"));
        await store.createAccessKey(key("AKIABOB", "bob"));
        await store.createApiToken(token("tann", "h-ann"));
        await store.createSession(session("s-ann"));
        await store.createSession(session("s-bob", "bob"));

        assert.equal(await store.deleteUser("ann"), true);
        assert.equal(await store.deleteUser("ann"), false);
        assert.equal(await store.getUser("ann"), undefined);
        assert.equal(await store.permissionsOf("ann"), undefined);
        assert.deepEqual(await store.membersOf("ops"), ["bob"]);
        assert.deepEqual(await store.rolesOf("user", "ann"), []);
        assert.deepEqual(await store.policiesOf("user", "ann"), []);
        assert.equal(await store.getAccessKey("AKIAANN"), undefined);
        assert.equal(await store.findApiToken("h-ann"), undefined);
        assert.equal(await store.getSession("s-ann"), undefined);
        // Another user keeps everything.
        assert.deepEqual(await store.rolesOf("user", "bob"), ["viewer"]);
        assert.equal((await store.getAccessKey("AKIABOB"))?.user, "bob");
        assert.equal((await store.getSession("s-bob"))?.user, "bob");
        // The name can be taken again, with nothing of the old user.
        await user("ann");
        assert.deepEqual(await store.permissionsOf("ann"), { groups: [], roles: [], policies: [] });
      });
    });

    describe("groups", () => {
      test("create, get, list in name order; a second group of a name is a conflict", async () => {
        await store.createGroup({ name: "ops", createdAt: T0 });
        await store.createGroup({ name: "Dev", createdAt: T0 + 1 });
        assert.deepEqual(await store.getGroup("ops"), { name: "ops", createdAt: T0 });
        assert.equal(await store.getGroup("nope"), undefined);
        assert.deepEqual(await store.listGroups(), [
          { name: "Dev", createdAt: T0 + 1 },
          { name: "ops", createdAt: T0 },
        ]);
        await assert.rejects(
          store.createGroup({ name: "ops", createdAt: T0 + 2 }),
          conflict("exists"),
        );
        assert.deepEqual(await store.getGroup("ops"), { name: "ops", createdAt: T0 });
      });

      test("members: added once, listed by name, removed", async () => {
        for (const name of ["cy", "ann", "bob"]) await user(name);
        await store.createGroup({ name: "ops", createdAt: T0 });
        await store.createGroup({ name: "dev", createdAt: T0 });
        await store.addMember("ops", "cy");
        await store.addMember("ops", "ann");
        await store.addMember("ops", "ann");
        await store.addMember("dev", "bob");
        assert.deepEqual(await store.membersOf("ops"), ["ann", "cy"]);
        assert.deepEqual(await store.membersOf("dev"), ["bob"]);
        assert.deepEqual(await store.membersOf("nope"), []);
        assert.equal(await store.removeMember("ops", "ann"), true);
        assert.equal(await store.removeMember("ops", "ann"), false);
        assert.equal(await store.removeMember("dev", "cy"), false);
        assert.deepEqual(await store.membersOf("ops"), ["cy"]);
      });

      test("delete takes the group's memberships, grants and policies, not its users", async () => {
        await user("ann");
        await store.createGroup({ name: "ops", createdAt: T0 });
        await store.createGroup({ name: "dev", createdAt: T0 });
        await store.addMember("ops", "ann");
        await store.addMember("dev", "ann");
        await store.grantRole("group", "ops", "operator");
        await store.grantRole("group", "dev", "viewer");
        await store.putPolicy({
          kind: "group",
          principal: "ops",
          name: "p",
          document: '{"ops":1}',
          updatedAt: T0,
        });
        assert.equal(await store.deleteGroup("ops"), true);
        assert.equal(await store.deleteGroup("ops"), false);
        assert.equal(await store.getGroup("ops"), undefined);
        assert.deepEqual(await store.membersOf("ops"), []);
        assert.deepEqual(await store.rolesOf("group", "ops"), []);
        assert.deepEqual(await store.policiesOf("group", "ops"), []);
        assert.deepEqual(await store.permissionsOf("ann"), {
          groups: ["dev"],
          roles: ["viewer"],
          policies: [],
        });
        // Created again, the group has none of the old one's grants.
        await store.createGroup({ name: "ops", createdAt: T0 });
        await store.addMember("ops", "ann");
        assert.deepEqual((await store.permissionsOf("ann"))?.roles, ["viewer"]);
      });
    });

    describe("roles and policies", () => {
      test("grants are per principal kind, once each, sorted; revoke says whether there was one", async () => {
        await store.grantRole("user", "x", "viewer");
        await store.grantRole("user", "x", "admin");
        await store.grantRole("user", "x", "viewer");
        await store.grantRole("group", "x", "operator");
        assert.deepEqual(await store.rolesOf("user", "x"), ["admin", "viewer"]);
        assert.deepEqual(await store.rolesOf("group", "x"), ["operator"]);
        assert.deepEqual(await store.rolesOf("user", "y"), []);
        assert.equal(await store.revokeRole("user", "x", "admin"), true);
        assert.equal(await store.revokeRole("user", "x", "admin"), false);
        assert.equal(await store.revokeRole("user", "x", "operator"), false);
        assert.deepEqual(await store.rolesOf("user", "x"), ["viewer"]);
        assert.deepEqual(await store.rolesOf("group", "x"), ["operator"]);
      });

      test("policies: put replaces by name, listed by name, deleted", async () => {
        const policy = (name: string, document: string, updatedAt = T0) => ({
          kind: "user" as const,
          principal: "ann",
          name,
          document,
          updatedAt,
        });
        await store.putPolicy(policy("b", '{"b":1}'));
        await store.putPolicy(policy("a", '{"a":1}'));
        await store.putPolicy({ ...policy("a", '{"g":1}'), kind: "group" });
        await store.putPolicy(policy("b", '{ "b" : 2 }', T0 + 3));
        assert.deepEqual(await store.policiesOf("user", "ann"), [
          policy("a", '{"a":1}'),
          policy("b", '{ "b" : 2 }', T0 + 3),
        ]);
        assert.deepEqual(await store.policiesOf("group", "ann"), [
          { ...policy("a", '{"g":1}'), kind: "group" },
        ]);
        assert.equal(await store.deletePolicy("user", "ann", "a"), true);
        assert.equal(await store.deletePolicy("user", "ann", "a"), false);
        assert.equal(await store.deletePolicy("user", "bob", "b"), false);
        assert.deepEqual(
          (await store.policiesOf("user", "ann")).map((p) => p.name),
          ["b"],
        );
        assert.equal((await store.policiesOf("group", "ann")).length, 1);
      });

      test("permissions: the user's and its groups' roles and policies, seen at once", async () => {
        assert.equal(await store.permissionsOf("ann"), undefined);
        await user("ann");
        await user("bob");
        assert.deepEqual(await store.permissionsOf("ann"), { groups: [], roles: [], policies: [] });
        await store.grantRole("user", "ann", "viewer");
        assert.deepEqual((await store.permissionsOf("ann"))?.roles, ["viewer"]);
        await store.createGroup({ name: "ops", createdAt: T0 });
        await store.createGroup({ name: "dev", createdAt: T0 });
        await store.grantRole("group", "ops", "operator");
        await store.grantRole("group", "ops", "viewer");
        await store.grantRole("group", "dev", "admin");
        await store.grantRole("user", "bob", "auditor");
        assert.deepEqual((await store.permissionsOf("ann"))?.roles, ["viewer"], "not a member yet");
        await store.addMember("ops", "ann");
        await store.addMember("dev", "ann");
        const policy = (kind: "user" | "group", principal: string, name: string) =>
          store.putPolicy({
            kind,
            principal,
            name,
            document: `${kind}:${principal}:${name}`,
            updatedAt: T0,
          });
        await policy("group", "ops", "z");
        await policy("group", "ops", "a");
        await policy("group", "dev", "m");
        await policy("user", "ann", "q");
        await policy("user", "ann", "b");
        await policy("user", "bob", "b");
        const permissions = await store.permissionsOf("ann");
        assert.deepEqual(permissions, {
          groups: ["dev", "ops"],
          roles: ["admin", "operator", "viewer"],
          policies: ["user:ann:b", "user:ann:q", "group:dev:m", "group:ops:a", "group:ops:z"],
        });
        // What a caller does to the answer does not change the next one.
        permissions?.roles.push("root");
        permissions?.groups.push("wheel");
        assert.deepEqual((await store.permissionsOf("ann"))?.roles, [
          "admin",
          "operator",
          "viewer",
        ]);

        await store.removeMember("dev", "ann");
        assert.deepEqual(await store.permissionsOf("ann"), {
          groups: ["ops"],
          roles: ["operator", "viewer"],
          policies: ["user:ann:b", "user:ann:q", "group:ops:a", "group:ops:z"],
        });
        await store.revokeRole("group", "ops", "operator");
        await store.deletePolicy("group", "ops", "z");
        assert.deepEqual(await store.permissionsOf("ann"), {
          groups: ["ops"],
          roles: ["viewer"],
          policies: ["user:ann:b", "user:ann:q", "group:ops:a"],
        });
      });
    });

    describe("sign-in", () => {
      test("a TOTP step is accepted once, and never an older one", async () => {
        await user("ann");
        await user("bob");
        assert.equal(await store.useTotpStep("ann", 100), true);
        assert.equal(await store.useTotpStep("ann", 100), false, "the same code again");
        assert.equal(await store.useTotpStep("ann", 99), false, "an older code");
        assert.equal(await store.useTotpStep("bob", 100), true, "each user has their own");
        assert.equal(await store.useTotpStep("ann", 101), true);
        assert.equal(await store.useTotpStep("ann", 100), false);
        assert.equal(await store.useTotpStep("nobody", 100), false);
      });

      test("one code presented many times at once is accepted once", async () => {
        await user("ann");
        const results = await Promise.all(
          Array.from({ length: 12 }, () => store.useTotpStep("ann", 5_000)),
        );
        assert.equal(results.filter(Boolean).length, 1);
      });

      test("sessions: create, get, delete", async () => {
        await store.createSession(session("h1"));
        await store.createSession(session("h2", "bob"));
        assert.deepEqual(await store.getSession("h1"), session("h1"));
        assert.deepEqual(await store.getSession("h2"), session("h2", "bob"));
        assert.equal(await store.getSession("nope"), undefined);
        assert.equal(await store.deleteSession("h1"), true);
        assert.equal(await store.deleteSession("h1"), false);
        assert.equal(await store.getSession("h1"), undefined);
        assert.deepEqual(await store.getSession("h2"), session("h2", "bob"));
      });
    });

    const { nodes } = options;
    if (nodes)
      describe("several nodes on one database", () => {
        test("a TOTP code replayed on two nodes at once is accepted by one of them", async () => {
          const { stores, close } = await nodes();
          try {
            const [a, b] = stores;
            await a.createUser({ name: "ann", createdAt: T0, updatedAt: T0 });
            for (let step = 1; step <= 20; step++) {
              const results = await Promise.all([
                a.useTotpStep("ann", step),
                b.useTotpStep("ann", step),
                a.useTotpStep("ann", step),
                b.useTotpStep("ann", step),
              ]);
              assert.equal(results.filter(Boolean).length, 1, `step ${step}`);
            }
            assert.equal(await b.useTotpStep("ann", 20), false);
          } finally {
            await close();
          }
        });

        test("a key deactivated on one node is refused by the other's next lookup", async () => {
          const { stores, close } = await nodes();
          try {
            const [a, b] = stores;
            await a.createUser({ name: "ann", createdAt: T0, updatedAt: T0 });
            await a.createAccessKey(key("AKIA1"));
            await a.createApiToken(token("t1", "h1"));
            await a.grantRole("user", "ann", "admin");
            assert.equal((await b.getAccessKey("AKIA1"))?.status, "Active");
            assert.equal((await b.findApiToken("h1"))?.status, "Active");
            assert.deepEqual((await b.permissionsOf("ann"))?.roles, ["admin"]);
            await a.setAccessKeyStatus("AKIA1", "Inactive");
            await a.setApiTokenStatus("t1", "Inactive");
            await a.revokeRole("user", "ann", "admin");
            assert.equal((await b.getAccessKey("AKIA1"))?.status, "Inactive");
            assert.equal((await b.findApiToken("h1"))?.status, "Inactive");
            assert.deepEqual((await b.permissionsOf("ann"))?.roles, []);
          } finally {
            await close();
          }
        });
      });
  });
}
