/**
 * State machines, versions and aliases. Lookups by ARN (one per StartExecution) are cached
 * until any of the three tables changes (change-watch.ts).
 */
import type Database from "better-sqlite3";
import { StoreConflictError } from "../errors.js";
import type { Page, PageRequest } from "../paging.js";
import { decodePageToken, pageOf } from "../paging.js";
import { isVersionKey } from "../rows/common.js";
import {
  after,
  aliasFromRow,
  machineFromRow,
  pageByArn,
  versionFromRow,
} from "../rows/workflows.js";
import type {
  StateMachineAliasRecord,
  StateMachineRecord,
  StateMachineVersionRecord,
} from "../workflows-port.js";
import { VersionedCache, watchTables } from "./change-watch.js";

type Row = Record<string, unknown>;

/** The state machine operations of the SQLite store. */
export function stateMachineQueries(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO state_machines (arn, name, type, definition, role_arn, description, revision_id, tags, created_at, updated_at)
     VALUES (@arn, @name, @type, @definition, @roleArn, @description, @revisionId, @tags, @createdAt, @updatedAt)`,
  );
  const update = db.prepare(
    `UPDATE state_machines SET definition = @definition, role_arn = @roleArn, description = @description,
       revision_id = @revisionId, tags = @tags, updated_at = @updatedAt WHERE arn = @arn`,
  );
  const get = db.prepare("SELECT * FROM state_machines WHERE arn = ?");
  const list = db.prepare("SELECT * FROM state_machines WHERE arn > ? ORDER BY arn LIMIT ?");
  const remove = db.prepare("DELETE FROM state_machines WHERE arn = ?");
  const removeVersions = db.prepare(
    "DELETE FROM state_machine_versions WHERE state_machine_arn = ?",
  );
  const removeAliases = db.prepare("DELETE FROM state_machine_aliases WHERE state_machine_arn = ?");
  const insertVersion = db.prepare(
    `INSERT INTO state_machine_versions (arn, state_machine_arn, version, definition, role_arn, revision_id, description, created_at)
     VALUES (@arn, @stateMachineArn, @version, @definition, @roleArn, @revisionId, @description, @createdAt)`,
  );
  const getVersion = db.prepare("SELECT * FROM state_machine_versions WHERE arn = ?");
  // Newest version first, as AWS lists them.
  const listVersions = db.prepare(
    "SELECT * FROM state_machine_versions WHERE state_machine_arn = ? AND version < ? ORDER BY version DESC LIMIT ?",
  );
  const removeVersion = db.prepare("DELETE FROM state_machine_versions WHERE arn = ?");
  const upsertAlias = db.prepare(
    `INSERT INTO state_machine_aliases (arn, state_machine_arn, name, description, routing, created_at, updated_at)
     VALUES (@arn, @stateMachineArn, @name, @description, @routing, @createdAt, @updatedAt)
     ON CONFLICT (arn) DO UPDATE SET description = excluded.description, routing = excluded.routing, updated_at = excluded.updated_at`,
  );
  const getAlias = db.prepare("SELECT * FROM state_machine_aliases WHERE arn = ?");
  const listAliases = db.prepare(
    "SELECT * FROM state_machine_aliases WHERE state_machine_arn = ? AND arn > ? ORDER BY arn LIMIT ?",
  );
  const removeAlias = db.prepare("DELETE FROM state_machine_aliases WHERE arn = ?");

  const changes = watchTables(db, "machines", [
    "state_machines",
    "state_machine_versions",
    "state_machine_aliases",
  ]);
  const machines = new VersionedCache<StateMachineRecord>(changes, 1000);
  const versions = new VersionedCache<StateMachineVersionRecord>(changes, 1000);
  const aliases = new VersionedCache<StateMachineAliasRecord>(changes, 1000);

  const params = (record: StateMachineRecord) => ({
    ...record,
    description: record.description ?? null,
    tags: record.tags ? JSON.stringify(record.tags) : null,
  });

  return {
    createStateMachine(record: StateMachineRecord): void {
      try {
        insert.run(params(record));
      } catch (error) {
        if ((error as { code?: string }).code?.startsWith("SQLITE_CONSTRAINT")) {
          throw new StoreConflictError("exists", `State Machine Already Exists: '${record.arn}'`);
        }
        throw error;
      }
    },
    updateStateMachine(record: StateMachineRecord): void {
      if (update.run(params(record)).changes === 0) {
        throw new StoreConflictError("not-found", `State Machine Does Not Exist: '${record.arn}'`);
      }
    },
    // Copies: a caller changing its record must not change the next caller's.
    getStateMachine: (arn: string) => {
      const found = machines.get(arn, () => {
        const row = get.get(arn) as Row | undefined;
        return row && machineFromRow(row);
      });
      return found && { ...found, ...(found.tags && { tags: structuredClone(found.tags) }) };
    },
    listStateMachines: (page: PageRequest) =>
      pageByArn((list.all(after(page), page.limit + 1) as Row[]).map(machineFromRow), page.limit),
    deleteStateMachine: db.transaction((arn: string) => {
      removeVersions.run(arn);
      removeAliases.run(arn);
      return remove.run(arn).changes > 0;
    }),
    publishVersion(record: StateMachineVersionRecord): void {
      // Concurrent publishes pick the same next number: a domain conflict, not a driver error.
      try {
        insertVersion.run({ ...record, description: record.description ?? null });
      } catch (error) {
        if ((error as { code?: string }).code?.startsWith("SQLITE_CONSTRAINT")) {
          throw new StoreConflictError("exists", `Version Already Exists: '${record.arn}'`);
        }
        throw error;
      }
    },
    getVersion: (arn: string) => {
      const found = versions.get(arn, () => {
        const row = getVersion.get(arn) as Row | undefined;
        return row && versionFromRow(row);
      });
      return found && { ...found };
    },
    listVersions(stateMachineArn: string, page: PageRequest): Page<StateMachineVersionRecord> {
      const before =
        page.nextToken === undefined
          ? Number.MAX_SAFE_INTEGER
          : decodePageToken(page.nextToken, isVersionKey);
      const rows = (listVersions.all(stateMachineArn, before, page.limit + 1) as Row[]).map(
        versionFromRow,
      );
      return pageOf(rows, page.limit, (last) => last.version);
    },
    deleteVersion: (arn: string) => removeVersion.run(arn).changes > 0,
    putAlias(record: StateMachineAliasRecord): void {
      upsertAlias.run({
        ...record,
        description: record.description ?? null,
        routing: JSON.stringify(record.routing),
      });
    },
    getAlias: (arn: string) => {
      const found = aliases.get(arn, () => {
        const row = getAlias.get(arn) as Row | undefined;
        return row && aliasFromRow(row);
      });
      return found && { ...found, routing: found.routing.map((route) => ({ ...route })) };
    },
    listAliases: (stateMachineArn: string, page: PageRequest) =>
      pageByArn(
        (listAliases.all(stateMachineArn, after(page), page.limit + 1) as Row[]).map(aliasFromRow),
        page.limit,
      ),
    deleteAlias: (arn: string) => removeAlias.run(arn).changes > 0,
  };
}
