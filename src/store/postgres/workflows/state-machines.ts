/** State machines, versions and aliases. */
import { StoreConflictError } from "../../errors.js";
import { decodePageToken, pageOf } from "../../paging.js";
import { isVersionKey } from "../../rows/common.js";
import {
  after,
  aliasFromRow,
  machineFromRow,
  pageByArn,
  versionFromRow,
} from "../../rows/workflows.js";
import type { StateMachineRecord, WorkflowStore } from "../../workflows-port.js";
import type { PostgresDatabase } from "../database.js";
import { isUniqueViolation } from "./rows.js";

const machineValues = (record: StateMachineRecord) => [
  record.arn,
  record.definition,
  record.roleArn,
  record.description ?? null,
  record.revisionId,
  record.tags ? JSON.stringify(record.tags) : null,
  record.updatedAt,
];

/** The state machine operations of the PostgreSQL workflow store. */
export function stateMachineQueries(
  db: PostgresDatabase,
): Pick<
  WorkflowStore,
  | "createStateMachine"
  | "updateStateMachine"
  | "getStateMachine"
  | "listStateMachines"
  | "deleteStateMachine"
  | "publishVersion"
  | "getVersion"
  | "listVersions"
  | "deleteVersion"
  | "putAlias"
  | "getAlias"
  | "listAliases"
  | "deleteAlias"
> {
  return {
    async createStateMachine(record) {
      try {
        await db.run(
          `INSERT INTO state_machines (arn, definition, role_arn, description, revision_id, tags, updated_at,
             name, type, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [...machineValues(record), record.name, record.type, record.createdAt],
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw new StoreConflictError("exists", `State Machine Already Exists: '${record.arn}'`);
        throw error;
      }
    },
    async updateStateMachine(record) {
      const changed = await db.run(
        `UPDATE state_machines SET definition = $2, role_arn = $3, description = $4, revision_id = $5,
           tags = $6, updated_at = $7 WHERE arn = $1`,
        machineValues(record),
      );
      if (changed === 0)
        throw new StoreConflictError("not-found", `State Machine Does Not Exist: '${record.arn}'`);
    },
    async getStateMachine(arn) {
      const row = await db.row("SELECT * FROM state_machines WHERE arn = $1", [arn]);
      return row && machineFromRow(row);
    },
    async listStateMachines(page) {
      const rows = await db.rows(
        "SELECT * FROM state_machines WHERE arn > $1 ORDER BY arn LIMIT $2",
        [after(page), page.limit + 1],
      );
      return pageByArn(rows.map(machineFromRow), page.limit);
    },
    deleteStateMachine: (arn) =>
      db.transaction(async (tx) => {
        await tx.run("DELETE FROM state_machine_versions WHERE state_machine_arn = $1", [arn]);
        await tx.run("DELETE FROM state_machine_aliases WHERE state_machine_arn = $1", [arn]);
        return (await tx.run("DELETE FROM state_machines WHERE arn = $1", [arn])) > 0;
      }),
    async publishVersion(record) {
      // Concurrent publishes pick the same next number: a domain conflict, not a driver error.
      try {
        await db.run(
          `INSERT INTO state_machine_versions (arn, state_machine_arn, version, definition, role_arn,
             revision_id, description, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            record.arn,
            record.stateMachineArn,
            record.version,
            record.definition,
            record.roleArn,
            record.revisionId,
            record.description ?? null,
            record.createdAt,
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw new StoreConflictError("exists", `Version Already Exists: '${record.arn}'`);
        throw error;
      }
    },
    async getVersion(arn) {
      const row = await db.row("SELECT * FROM state_machine_versions WHERE arn = $1", [arn]);
      return row && versionFromRow(row);
    },
    // Newest version first, as AWS lists them.
    async listVersions(stateMachineArn, page) {
      const before =
        page.nextToken === undefined
          ? Number.MAX_SAFE_INTEGER
          : decodePageToken(page.nextToken, isVersionKey);
      const rows = await db.rows(
        `SELECT * FROM state_machine_versions WHERE state_machine_arn = $1 AND version < $2
         ORDER BY version DESC LIMIT $3`,
        [stateMachineArn, before, page.limit + 1],
      );
      return pageOf(rows.map(versionFromRow), page.limit, (last) => last.version);
    },
    async deleteVersion(arn) {
      return (await db.run("DELETE FROM state_machine_versions WHERE arn = $1", [arn])) > 0;
    },
    async putAlias(record) {
      await db.run(
        `INSERT INTO state_machine_aliases (arn, state_machine_arn, name, description, routing, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (arn) DO UPDATE SET description = excluded.description, routing = excluded.routing,
           updated_at = excluded.updated_at`,
        [
          record.arn,
          record.stateMachineArn,
          record.name,
          record.description ?? null,
          JSON.stringify(record.routing),
          record.createdAt,
          record.updatedAt,
        ],
      );
    },
    async getAlias(arn) {
      const row = await db.row("SELECT * FROM state_machine_aliases WHERE arn = $1", [arn]);
      return row && aliasFromRow(row);
    },
    async listAliases(stateMachineArn, page) {
      const rows = await db.rows(
        `SELECT * FROM state_machine_aliases WHERE state_machine_arn = $1 AND arn > $2
         ORDER BY arn LIMIT $3`,
        [stateMachineArn, after(page), page.limit + 1],
      );
      return pageByArn(rows.map(aliasFromRow), page.limit);
    },
    async deleteAlias(arn) {
      return (await db.run("DELETE FROM state_machine_aliases WHERE arn = $1", [arn])) > 0;
    },
  };
}
