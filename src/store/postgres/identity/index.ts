/**
 * The IdentityStore on PostgreSQL: users, groups, role grants, inline policies, console
 * sessions, TOTP steps, and the credentials of credentials.ts.
 *
 * Unlike SQLite (identity-cache.ts), nothing is cached: another node may change a grant, key
 * or token at any moment, and a process-local cache would go on honouring it. Every lookup
 * reads through; the per-request one (permissionsOf) is a single statement.
 */
import type { IdentityStore, PrincipalKind } from "../../identity-port.js";
import { groupFromRow, policyFromRow, sessionFromRow, userFromRow } from "../../rows/identity.js";
import type { PostgresDatabase, Sql } from "../database.js";
import { inserting, postgresCredentialStore } from "./credentials.js";

/**
 * A user's groups, the roles and the policy documents of the user and of those groups, in
 * one statement (one snapshot): policies are the user's first, then each group's in group
 * order, each by name.
 */
const PERMISSIONS = `
  WITH member AS (SELECT group_name FROM group_members WHERE user_name = $1)
  SELECT
    ARRAY(SELECT group_name FROM member ORDER BY group_name) AS groups,
    ARRAY(
      SELECT DISTINCT role FROM role_grants
      WHERE (principal_kind = 'user' AND principal_name = $1)
         OR (principal_kind = 'group' AND principal_name IN (SELECT group_name FROM member))
    ) AS roles,
    ARRAY(
      SELECT document FROM policies
      WHERE (principal_kind = 'user' AND principal_name = $1)
         OR (principal_kind = 'group' AND principal_name IN (SELECT group_name FROM member))
      ORDER BY principal_kind = 'group', principal_name, name
    ) AS policies
  FROM users WHERE name = $1`;

/** The IdentityStore on PostgreSQL. */
export function postgresIdentityStore(db: PostgresDatabase) {
  const dropPrincipal = async (tx: Sql, kind: PrincipalKind, name: string) => {
    await tx.run("DELETE FROM role_grants WHERE principal_kind = $1 AND principal_name = $2", [
      kind,
      name,
    ]);
    await tx.run("DELETE FROM policies WHERE principal_kind = $1 AND principal_name = $2", [
      kind,
      name,
    ]);
  };

  return {
    ...postgresCredentialStore(db),

    async createUser(record) {
      await inserting(
        () =>
          db.run(
            `INSERT INTO users (name, password_hash, totp_sealed, email, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)`,
            [
              record.name,
              record.passwordHash ?? null,
              record.totpSealed ?? null,
              record.email ?? null,
              record.createdAt,
              record.updatedAt,
            ],
          ),
        `User ${record.name} already exists.`,
      );
    },
    async getUser(name) {
      const row = await db.row("SELECT * FROM users WHERE name = $1", [name]);
      return row && userFromRow(row);
    },
    async listUsers() {
      return (await db.rows("SELECT * FROM users ORDER BY name")).map(userFromRow);
    },
    async updateUser(name, patch, now) {
      const values: unknown[] = [name, now];
      const sets = ["updated_at = $2"];
      for (const [column, value] of [
        ["password_hash", patch.passwordHash],
        ["totp_sealed", patch.totpSealed],
        ["email", patch.email],
      ] as const) {
        if (value === undefined) continue;
        values.push(value);
        sets.push(`${column} = $${values.length}`);
      }
      return (await db.run(`UPDATE users SET ${sets.join(", ")} WHERE name = $1`, values)) > 0;
    },
    async deleteUser(name) {
      return db.transaction(async (tx) => {
        // team_members belongs to the teams port, but a deleted user leaves its team as on
        // SQLite (a foreign key there): in the same transaction, so no node sees it half gone.
        for (const table of [
          "access_keys",
          "api_tokens",
          "sessions",
          "group_members",
          "team_members",
        ])
          await tx.run(`DELETE FROM ${table} WHERE user_name = $1`, [name]);
        await dropPrincipal(tx, "user", name);
        return (await tx.run("DELETE FROM users WHERE name = $1", [name])) > 0;
      });
    },

    async createGroup(record) {
      await inserting(
        () =>
          db.run("INSERT INTO groups (name, created_at) VALUES ($1, $2)", [
            record.name,
            record.createdAt,
          ]),
        `Group ${record.name} already exists.`,
      );
    },
    async getGroup(name) {
      const row = await db.row("SELECT * FROM groups WHERE name = $1", [name]);
      return row && groupFromRow(row);
    },
    async listGroups() {
      return (await db.rows("SELECT * FROM groups ORDER BY name")).map(groupFromRow);
    },
    async deleteGroup(name) {
      return db.transaction(async (tx) => {
        await tx.run("DELETE FROM group_members WHERE group_name = $1", [name]);
        await dropPrincipal(tx, "group", name);
        return (await tx.run("DELETE FROM groups WHERE name = $1", [name])) > 0;
      });
    },
    async addMember(group, user) {
      await db.run(
        "INSERT INTO group_members (group_name, user_name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        [group, user],
      );
    },
    async removeMember(group, user) {
      return (
        (await db.run("DELETE FROM group_members WHERE group_name = $1 AND user_name = $2", [
          group,
          user,
        ])) > 0
      );
    },
    async membersOf(group) {
      const rows = await db.rows<{ user_name: string }>(
        "SELECT user_name FROM group_members WHERE group_name = $1 ORDER BY user_name",
        [group],
      );
      return rows.map((row) => row.user_name);
    },

    async grantRole(kind, principal, role) {
      await db.run(
        `INSERT INTO role_grants (principal_kind, principal_name, role) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING`,
        [kind, principal, role],
      );
    },
    async revokeRole(kind, principal, role) {
      return (
        (await db.run(
          "DELETE FROM role_grants WHERE principal_kind = $1 AND principal_name = $2 AND role = $3",
          [kind, principal, role],
        )) > 0
      );
    },
    async rolesOf(kind, principal) {
      const rows = await db.rows<{ role: string }>(
        "SELECT role FROM role_grants WHERE principal_kind = $1 AND principal_name = $2 ORDER BY role",
        [kind, principal],
      );
      return rows.map((row) => row.role);
    },
    async putPolicy(record) {
      await db.run(
        `INSERT INTO policies (principal_kind, principal_name, name, document, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (principal_kind, principal_name, name)
         DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
        [record.kind, record.principal, record.name, record.document, record.updatedAt],
      );
    },
    async deletePolicy(kind, principal, name) {
      return (
        (await db.run(
          "DELETE FROM policies WHERE principal_kind = $1 AND principal_name = $2 AND name = $3",
          [kind, principal, name],
        )) > 0
      );
    },
    async policiesOf(kind, principal) {
      const rows = await db.rows(
        "SELECT * FROM policies WHERE principal_kind = $1 AND principal_name = $2 ORDER BY name",
        [kind, principal],
      );
      return rows.map(policyFromRow);
    },
    async permissionsOf(user) {
      const row = await db.row<{ groups: string[]; roles: string[]; policies: string[] }>(
        PERMISSIONS,
        [user],
      );
      // Roles sorted as JavaScript sorts them, as the SQLite adapter does.
      return row && { groups: row.groups, roles: row.roles.sort(), policies: row.policies };
    },

    async useTotpStep(user, step) {
      // One conditional UPDATE: of two nodes accepting the same code at once, the second
      // re-checks the condition against the first's committed step and changes nothing.
      return (
        (await db.run(
          `UPDATE users SET totp_last_step = $2
           WHERE name = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`,
          [user, step],
        )) > 0
      );
    },
    async createSession(record) {
      await db.run(
        `INSERT INTO sessions (id_hash, user_name, csrf_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [record.idHash, record.user, record.csrfHash, record.createdAt, record.expiresAt],
      );
    },
    async getSession(idHash) {
      const row = await db.row("SELECT * FROM sessions WHERE id_hash = $1", [idHash]);
      return row && sessionFromRow(row);
    },
    async deleteSession(idHash) {
      return (await db.run("DELETE FROM sessions WHERE id_hash = $1", [idHash])) > 0;
    },
  } satisfies IdentityStore;
}
