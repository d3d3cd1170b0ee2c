/** Users, groups, role grants, inline policies, sessions and credential status (SQLite). */
import type Database from "better-sqlite3";
import { StoreConflictError } from "../errors.js";
import type {
  GroupRecord,
  PolicyRecord,
  PrincipalKind,
  SessionRecord,
  UserPermissions,
  UserRecord,
} from "../identity-port.js";
import { groupFromRow, policyFromRow, sessionFromRow, userFromRow } from "../rows/identity.js";

type Row = Record<string, unknown>;

const isUnique = (error: unknown) =>
  error instanceof Error && /UNIQUE|PRIMARY KEY/.test(error.message);

/** The identity operations of the SQLite store. */
export function identityQueries(db: Database.Database) {
  const q = {
    insertUser: db.prepare(
      "INSERT INTO users (name, password_hash, totp_sealed, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    getUser: db.prepare("SELECT * FROM users WHERE name = ?"),
    listUsers: db.prepare("SELECT * FROM users ORDER BY name"),
    insertGroup: db.prepare("INSERT INTO groups (name, created_at) VALUES (?, ?)"),
    getGroup: db.prepare("SELECT * FROM groups WHERE name = ?"),
    listGroups: db.prepare("SELECT * FROM groups ORDER BY name"),
    addMember: db.prepare(
      "INSERT OR IGNORE INTO group_members (group_name, user_name) VALUES (?, ?)",
    ),
    removeMember: db.prepare("DELETE FROM group_members WHERE group_name = ? AND user_name = ?"),
    membersOf: db.prepare(
      "SELECT user_name FROM group_members WHERE group_name = ? ORDER BY user_name",
    ),
    groupsOf: db.prepare(
      "SELECT group_name FROM group_members WHERE user_name = ? ORDER BY group_name",
    ),
    grant: db.prepare(
      "INSERT OR IGNORE INTO role_grants (principal_kind, principal_name, role) VALUES (?, ?, ?)",
    ),
    revoke: db.prepare(
      "DELETE FROM role_grants WHERE principal_kind = ? AND principal_name = ? AND role = ?",
    ),
    rolesOf: db.prepare(
      "SELECT role FROM role_grants WHERE principal_kind = ? AND principal_name = ? ORDER BY role",
    ),
    putPolicy: db.prepare(
      `INSERT INTO policies (principal_kind, principal_name, name, document, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (principal_kind, principal_name, name) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
    ),
    deletePolicy: db.prepare(
      "DELETE FROM policies WHERE principal_kind = ? AND principal_name = ? AND name = ?",
    ),
    policiesOf: db.prepare(
      "SELECT * FROM policies WHERE principal_kind = ? AND principal_name = ? ORDER BY name",
    ),
    dropGrants: db.prepare(
      "DELETE FROM role_grants WHERE principal_kind = ? AND principal_name = ?",
    ),
    dropPolicies: db.prepare(
      "DELETE FROM policies WHERE principal_kind = ? AND principal_name = ?",
    ),
    keyStatus: db.prepare("UPDATE access_keys SET status = ? WHERE id = ?"),
    deleteKey: db.prepare("DELETE FROM access_keys WHERE id = ?"),
    tokenStatus: db.prepare("UPDATE api_tokens SET status = ? WHERE id = ?"),
    deleteToken: db.prepare("DELETE FROM api_tokens WHERE id = ?"),
    touchToken: db.prepare(
      "UPDATE api_tokens SET last_used_at = ?, last_used_service = ?, last_used_region = ? WHERE id = ?",
    ),
    insertSession: db.prepare(
      "INSERT INTO sessions (id_hash, user_name, csrf_hash, created_at, expires_at) VALUES (@idHash, @user, @csrfHash, @createdAt, @expiresAt)",
    ),
    getSession: db.prepare("SELECT * FROM sessions WHERE id_hash = ?"),
    // Column from migration 011: one step is accepted once, and never an older one.
    useTotpStep: db.prepare(
      "UPDATE users SET totp_last_step = ? WHERE name = ? AND (totp_last_step IS NULL OR totp_last_step < ?)",
    ),
    deleteSession: db.prepare("DELETE FROM sessions WHERE id_hash = ?"),
  };

  const deleteUser = db.transaction((name: string) => {
    for (const sql of [
      "DELETE FROM access_keys WHERE user_name = ?",
      "DELETE FROM api_tokens WHERE user_name = ?",
      "DELETE FROM sessions WHERE user_name = ?",
      "DELETE FROM group_members WHERE user_name = ?",
    ])
      db.prepare(sql).run(name);
    q.dropGrants.run("user", name);
    q.dropPolicies.run("user", name);
    return db.prepare("DELETE FROM users WHERE name = ?").run(name).changes > 0;
  });
  const deleteGroup = db.transaction((name: string) => {
    db.prepare("DELETE FROM group_members WHERE group_name = ?").run(name);
    q.dropGrants.run("group", name);
    q.dropPolicies.run("group", name);
    return db.prepare("DELETE FROM groups WHERE name = ?").run(name).changes > 0;
  });
  const rolesOf = (kind: PrincipalKind, name: string) =>
    (q.rolesOf.all(kind, name) as Row[]).map((r) => r.role as string);
  const policiesOf = (kind: PrincipalKind, name: string) =>
    (q.policiesOf.all(kind, name) as Row[]).map(policyFromRow);

  return {
    createUser: (record: UserRecord) => {
      try {
        q.insertUser.run(
          record.name,
          record.passwordHash ?? null,
          record.totpSealed ?? null,
          record.email ?? null,
          record.createdAt,
          record.updatedAt,
        );
      } catch (error) {
        if (isUnique(error))
          throw new StoreConflictError("exists", `User ${record.name} already exists.`);
        throw error;
      }
    },
    getUser: (name: string) => {
      const row = q.getUser.get(name) as Row | undefined;
      return row && userFromRow(row);
    },
    listUsers: () => (q.listUsers.all() as Row[]).map(userFromRow),
    updateUser: (
      name: string,
      patch: { passwordHash?: string | null; totpSealed?: string | null; email?: string | null },
      now: number,
    ) => {
      const sets: string[] = ["updated_at = @now"];
      if (patch.passwordHash !== undefined) sets.push("password_hash = @passwordHash");
      if (patch.totpSealed !== undefined) sets.push("totp_sealed = @totpSealed");
      if (patch.email !== undefined) sets.push("email = @email");
      return (
        db.prepare(`UPDATE users SET ${sets.join(", ")} WHERE name = @name`).run({
          name,
          now,
          passwordHash: patch.passwordHash ?? null,
          totpSealed: patch.totpSealed ?? null,
          email: patch.email ?? null,
        }).changes > 0
      );
    },
    deleteUser: (name: string) => deleteUser(name),
    createGroup: (record: GroupRecord) => {
      try {
        q.insertGroup.run(record.name, record.createdAt);
      } catch (error) {
        if (isUnique(error))
          throw new StoreConflictError("exists", `Group ${record.name} already exists.`);
        throw error;
      }
    },
    getGroup: (name: string) => {
      const row = q.getGroup.get(name) as Row | undefined;
      return row && groupFromRow(row);
    },
    listGroups: () => (q.listGroups.all() as Row[]).map(groupFromRow),
    deleteGroup: (name: string) => deleteGroup(name),
    addMember: (group: string, user: string) => {
      q.addMember.run(group, user);
    },
    removeMember: (group: string, user: string) => q.removeMember.run(group, user).changes > 0,
    membersOf: (group: string) =>
      (q.membersOf.all(group) as Row[]).map((r) => r.user_name as string),
    grantRole: (kind: PrincipalKind, principal: string, role: string) => {
      q.grant.run(kind, principal, role);
    },
    revokeRole: (kind: PrincipalKind, principal: string, role: string) =>
      q.revoke.run(kind, principal, role).changes > 0,
    rolesOf,
    putPolicy: (record: PolicyRecord) => {
      q.putPolicy.run(
        record.kind,
        record.principal,
        record.name,
        record.document,
        record.updatedAt,
      );
    },
    deletePolicy: (kind: PrincipalKind, principal: string, name: string) =>
      q.deletePolicy.run(kind, principal, name).changes > 0,
    policiesOf,
    permissionsOf: (user: string): UserPermissions | undefined => {
      if (!q.getUser.get(user)) return undefined;
      const groups = (q.groupsOf.all(user) as Row[]).map((r) => r.group_name as string);
      const roles = new Set(rolesOf("user", user));
      const policies = policiesOf("user", user).map((p) => p.document);
      for (const group of groups) {
        for (const role of rolesOf("group", group)) roles.add(role);
        for (const policy of policiesOf("group", group)) policies.push(policy.document);
      }
      return { groups, roles: [...roles].sort(), policies };
    },
    setAccessKeyStatus: (id: string, status: "Active" | "Inactive") =>
      q.keyStatus.run(status, id).changes > 0,
    deleteAccessKey: (id: string) => q.deleteKey.run(id).changes > 0,
    setApiTokenStatus: (id: string, status: "Active" | "Inactive") =>
      q.tokenStatus.run(status, id).changes > 0,
    deleteApiToken: (id: string) => q.deleteToken.run(id).changes > 0,
    touchApiToken: (id: string, at: number, service: string, region: string) => {
      q.touchToken.run(at, service, region, id);
    },
    useTotpStep: (user: string, step: number) => q.useTotpStep.run(step, user, step).changes > 0,
    createSession: (record: SessionRecord) => {
      q.insertSession.run(record);
    },
    getSession: (idHash: string): SessionRecord | undefined => {
      const row = q.getSession.get(idHash) as Row | undefined;
      return row && sessionFromRow(row);
    },
    deleteSession: (idHash: string) => q.deleteSession.run(idHash).changes > 0,
  };
}
