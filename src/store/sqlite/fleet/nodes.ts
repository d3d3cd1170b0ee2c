/**
 * Hybrid activations and managed nodes on SQLite (see FleetStore). A registration counts
 * itself against its activation in the transaction that inserts the node.
 */
import type Database from "better-sqlite3";
import { StoreConflictError } from "../../errors.js";
import type {
  ActivationFilter,
  ActivationRecord,
  CommandChange,
  CommandControl,
  ManagedNodeRecord,
  NodeFilter,
  NodeInfo,
  NodePingChange,
  NodePingStatus,
  RegistrationRefusal,
  Tag,
} from "../../fleet-port.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../../paging.js";
import type { Row } from "../../rows/common.js";
import { activationFromRow, invocationFromRow, nodeFromRow, nodeValues } from "../../rows/fleet.js";
import { mergeTags, UNDELIVERABLE } from "../../rows/fleet-bookkeeping.js";
import type { Settlement } from "./settle.js";

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** The activation and node operations on `db`, synchronous. */
export function nodeQueries(db: Database.Database, settlement: Settlement) {
  const insertActivation = db.prepare(
    `INSERT INTO activations (id, code_hash, description, default_instance_name, iam_role,
       registration_limit, registrations_count, expires_at, created_at, tags)
     VALUES (@id, @codeHash, @description, @defaultInstanceName, @iamRole, @registrationLimit,
       @registrationsCount, @expiresAt, @createdAt, @tags)`,
  );
  const activation = db.prepare<[string], Row>("SELECT * FROM activations WHERE id = ?");
  const listActivations = db.prepare<unknown[], Row>(
    `SELECT * FROM activations WHERE id > @after
       AND (@ids IS NULL OR id IN (SELECT value FROM json_each(@ids)))
       AND (@names IS NULL OR default_instance_name IN (SELECT value FROM json_each(@names)))
       AND (@roles IS NULL OR iam_role IN (SELECT value FROM json_each(@roles)))
     ORDER BY id LIMIT @limit`,
  );
  const deleteActivation = db.prepare("DELETE FROM activations WHERE id = ?");
  const countRegistration = db.prepare(
    `UPDATE activations SET registrations_count = registrations_count + 1
     WHERE id = ? AND expires_at >= ? AND registrations_count < registration_limit`,
  );
  const insertNode = db.prepare(
    `INSERT INTO managed_nodes (id, activation_id, name, connection_kind, connection,
       platform_type, info, registered_at, last_ping_at, tags, reported_ping_status)
     VALUES (@id, @activationId, @name, @connectionKind, @connection, @platformType, @info,
       @registeredAt, @lastPingAt, @tags,
       CASE WHEN @lastPingAt IS NULL THEN 'ConnectionLost' ELSE 'Online' END)`,
  );
  const nodeExists = db.prepare("SELECT 1 FROM managed_nodes WHERE id = ?");
  const node = db.prepare<[string], Row>("SELECT * FROM managed_nodes WHERE id = ?");
  const listNodes = db.prepare<unknown[], Row>(
    `SELECT * FROM managed_nodes n WHERE n.id > @after
       AND (@ids IS NULL OR n.id IN (SELECT value FROM json_each(@ids)))
       AND (@onlineSince IS NULL OR (@online = 1 AND n.last_ping_at >= @onlineSince)
         OR (@online = 0 AND (n.last_ping_at IS NULL OR n.last_ping_at < @onlineSince)))
       AND (@platforms IS NULL OR n.platform_type IN (SELECT value FROM json_each(@platforms)))
       AND (@kinds IS NULL OR n.connection_kind IN (SELECT value FROM json_each(@kinds)))
       AND (@tags IS NULL OR NOT EXISTS (
         SELECT 1 FROM json_each(@tags) f WHERE NOT EXISTS (
           SELECT 1 FROM node_tags t WHERE t.node_id = n.id
             AND t.key = json_extract(f.value, '$.key')
             AND (json_extract(f.value, '$.values') IS NULL OR t.value IN (
               SELECT value FROM json_each(json_extract(f.value, '$.values')))))))
     ORDER BY n.id LIMIT @limit`,
  );
  const ping = db.prepare(
    `UPDATE managed_nodes SET last_ping_at = ?,
       info = coalesce(?, info), platform_type = coalesce(?, platform_type)
     WHERE id = ?`,
  );
  // One statement: reading and flipping cannot be split by another writer. Three ranges of
  // the (reported_ping_status, last_ping_at) index, so a round reads only the nodes it flips.
  const flipPingStatus = db.prepare<unknown[], Row>(
    `UPDATE managed_nodes
     SET reported_ping_status =
       CASE WHEN last_ping_at >= @onlineSince THEN 'Online' ELSE 'ConnectionLost' END
     WHERE id IN (
       SELECT id FROM managed_nodes
       WHERE (reported_ping_status = 'Online' AND last_ping_at < @onlineSince)
         OR (reported_ping_status = 'Online' AND last_ping_at IS NULL)
         OR (reported_ping_status = 'ConnectionLost' AND last_ping_at >= @onlineSince)
       ORDER BY id LIMIT @limit)
     RETURNING *`,
  );
  const writeTags = db.prepare("UPDATE managed_nodes SET tags = ? WHERE id = ?");
  const clearTagRows = db.prepare("DELETE FROM node_tags WHERE node_id = ?");
  const insertTagRow = db.prepare("INSERT INTO node_tags (node_id, key, value) VALUES (?, ?, ?)");
  const deleteNode = db.prepare("DELETE FROM managed_nodes WHERE id = ?");
  const openInvocations = db.prepare<[string], Row>(
    "SELECT * FROM invocations WHERE instance_id = ? AND phase <> 'done' ORDER BY command_id",
  );

  const putTagRows = (id: string, tags: Tag[]) => {
    clearTagRows.run(id);
    for (const tag of tags) insertTagRow.run(id, tag.Key, tag.Value);
  };
  const addNode = (record: ManagedNodeRecord) => {
    if (nodeExists.get(record.id))
      throw new StoreConflictError("exists", `Managed node ${record.id} already exists.`);
    insertNode.run(nodeValues(record));
    putTagRows(record.id, record.tags);
  };

  return {
    createActivation(record: ActivationRecord): void {
      if (activation.get(record.id))
        throw new StoreConflictError("exists", `Activation ${record.id} already exists.`);
      insertActivation.run({
        ...record,
        description: record.description ?? null,
        defaultInstanceName: record.defaultInstanceName ?? null,
        tags: JSON.stringify(record.tags),
      });
    },
    getActivation(id: string): ActivationRecord | undefined {
      const row = activation.get(id);
      return row && activationFromRow(row);
    },
    listActivations(filter: ActivationFilter, page: PageRequest): Page<ActivationRecord> {
      const rows = listActivations.all({
        after: page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "",
        ids: json(filter.ids),
        names: json(filter.defaultInstanceNames),
        roles: json(filter.iamRoles),
        limit: page.limit + 1,
      });
      return pageOf(rows.map(activationFromRow), page.limit, (last) => last.id);
    },
    deleteActivation: (id: string): boolean => deleteActivation.run(id).changes > 0,
    registerNode: db.transaction(
      (
        activationId: string,
        record: ManagedNodeRecord,
        now: number,
      ): { registered: true } | { registered: false; reason: RegistrationRefusal } => {
        if (countRegistration.run(activationId, now).changes === 0) {
          const row = activation.get(activationId);
          if (!row) return { registered: false, reason: "not-found" };
          const found = activationFromRow(row);
          return { registered: false, reason: now > found.expiresAt ? "expired" : "exhausted" };
        }
        addNode(record);
        return { registered: true };
      },
    ),
    addNode: db.transaction(addNode),
    getNode(id: string): ManagedNodeRecord | undefined {
      const row = node.get(id);
      return row && nodeFromRow(row);
    },
    listNodes(filter: NodeFilter, page: PageRequest): Page<ManagedNodeRecord> {
      const rows = listNodes.all({
        after: page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "",
        ids: json(filter.ids),
        onlineSince: filter.ping?.onlineSince ?? null,
        online: filter.ping?.online ? 1 : 0,
        platforms: json(filter.platformTypes),
        kinds: json(filter.connections),
        tags: json(filter.tags),
        limit: page.limit + 1,
      });
      return pageOf(rows.map(nodeFromRow), page.limit, (last) => last.id);
    },
    recordPing(id: string, now: number, info?: NodeInfo): boolean {
      return ping.run(now, json(info), info?.platformType ?? null, id).changes > 0;
    },
    reportPingChanges(onlineSince: number, limit: number): NodePingChange[] {
      return flipPingStatus
        .all({ onlineSince, limit })
        .map((row) => ({
          node: nodeFromRow(row),
          status: row.reported_ping_status as NodePingStatus,
        }))
        .sort((a, b) => (a.node.id < b.node.id ? -1 : 1));
    },
    changeNodeTags: db.transaction(
      (id: string, add: Tag[], removeKeys: string[]): Tag[] | undefined => {
        const row = node.get(id);
        if (!row) return undefined;
        const tags = mergeTags(nodeFromRow(row).tags, add, removeKeys);
        writeTags.run(JSON.stringify(tags), id);
        putTagRows(id, tags);
        return tags;
      },
    ),
    deregisterNode: db.transaction(
      (
        id: string,
        now: number,
        control: CommandControl,
      ): { deregistered: boolean; changes: CommandChange[] } => {
        if (deleteNode.run(id).changes === 0) return { deregistered: false, changes: [] };
        const changes: CommandChange[] = [];
        for (const invocation of openInvocations.all(id).map(invocationFromRow)) {
          const change = settlement.begin(invocation.commandId);
          if (!change) continue;
          settlement.end(change, invocation, { ...UNDELIVERABLE, responseCode: -1, endedAt: now });
          changes.push(settlement.conclude(change, now, control));
        }
        return { deregistered: true, changes };
      },
    ),
  };
}
