/**
 * Hybrid activations and managed nodes on PostgreSQL (see FleetStore). A registration counts
 * itself with one conditional UPDATE of the activation's row: two nodes racing for the last
 * registration serialize on that row, and the second finds the limit reached.
 */
import { StoreConflictError } from "../../errors.js";
import type { FleetStore, ManagedNodeRecord, NodePingStatus, Tag } from "../../fleet-port.js";
import { decodePageToken, isStringKey, pageOf } from "../../paging.js";
import type { Row } from "../../rows/common.js";
import { activationFromRow, invocationFromRow, nodeFromRow, nodeValues } from "../../rows/fleet.js";
import { mergeTags, UNDELIVERABLE } from "../../rows/fleet-bookkeeping.js";
import type { PostgresDatabase, Sql } from "../database.js";
import { beginChange, concludeChange, endInvocation } from "./settle.js";

const UNIQUE_VIOLATION = "23505";

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

async function putTagRows(tx: Sql, id: string, tags: Tag[]): Promise<void> {
  await tx.run("DELETE FROM node_tags WHERE node_id = $1", [id]);
  if (tags.length > 0)
    await tx.run(
      `INSERT INTO node_tags (node_id, key, value)
       SELECT $1, t->>'Key', t->>'Value' FROM jsonb_array_elements($2::jsonb) t`,
      [id, JSON.stringify(tags)],
    );
}

async function insertNode(tx: Sql, node: ManagedNodeRecord): Promise<void> {
  const v = nodeValues(node);
  const inserted = await tx.run(
    `INSERT INTO managed_nodes (id, activation_id, name, connection_kind, connection,
       platform_type, info, registered_at, last_ping_at, tags, reported_ping_status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
       CASE WHEN $9::bigint IS NULL THEN 'ConnectionLost' ELSE 'Online' END)
     ON CONFLICT (id) DO NOTHING`,
    [
      v.id,
      v.activationId,
      v.name,
      v.connectionKind,
      v.connection,
      v.platformType,
      v.info,
      v.registeredAt,
      v.lastPingAt,
      v.tags,
    ],
  );
  if (inserted === 0)
    throw new StoreConflictError("exists", `Managed node ${node.id} already exists.`);
  await putTagRows(tx, node.id, node.tags);
}

type NodeMethods = Pick<
  FleetStore,
  | "createActivation"
  | "getActivation"
  | "listActivations"
  | "deleteActivation"
  | "registerNode"
  | "addNode"
  | "getNode"
  | "listNodes"
  | "recordPing"
  | "reportPingChanges"
  | "changeNodeTags"
  | "deregisterNode"
>;

/** The activation and node methods on `db`. */
export function postgresNodeMethods(db: PostgresDatabase): NodeMethods {
  return {
    async createActivation(record) {
      try {
        await db.run(
          `INSERT INTO activations (id, code_hash, description, default_instance_name, iam_role,
             registration_limit, registrations_count, expires_at, created_at, tags)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            record.id,
            record.codeHash,
            record.description ?? null,
            record.defaultInstanceName ?? null,
            record.iamRole,
            record.registrationLimit,
            record.registrationsCount,
            record.expiresAt,
            record.createdAt,
            JSON.stringify(record.tags),
          ],
        );
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION)
          throw new StoreConflictError("exists", `Activation ${record.id} already exists.`);
        throw error;
      }
    },
    async getActivation(id) {
      const row = await db.row<Row>("SELECT * FROM activations WHERE id = $1", [id]);
      return row && activationFromRow(row);
    },
    async listActivations(filter, page) {
      const rows = await db.rows<Row>(
        `SELECT * FROM activations WHERE id > $1
           AND ($2::jsonb IS NULL OR id IN (SELECT jsonb_array_elements_text($2::jsonb)))
           AND ($3::jsonb IS NULL OR default_instance_name IN
             (SELECT jsonb_array_elements_text($3::jsonb)))
           AND ($4::jsonb IS NULL OR iam_role IN (SELECT jsonb_array_elements_text($4::jsonb)))
         ORDER BY id LIMIT $5`,
        [
          page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "",
          json(filter.ids),
          json(filter.defaultInstanceNames),
          json(filter.iamRoles),
          page.limit + 1,
        ],
      );
      return pageOf(rows.map(activationFromRow), page.limit, (last) => last.id);
    },
    async deleteActivation(id) {
      return (await db.run("DELETE FROM activations WHERE id = $1", [id])) > 0;
    },
    registerNode(activationId, node, now) {
      return db.transaction(async (tx) => {
        const counted = await tx.run(
          `UPDATE activations SET registrations_count = registrations_count + 1
           WHERE id = $1 AND expires_at >= $2 AND registrations_count < registration_limit`,
          [activationId, now],
        );
        if (counted === 0) {
          const row = await tx.row<Row>("SELECT * FROM activations WHERE id = $1", [activationId]);
          if (!row) return { registered: false, reason: "not-found" } as const;
          const expired = now > activationFromRow(row).expiresAt;
          return { registered: false, reason: expired ? "expired" : "exhausted" } as const;
        }
        await insertNode(tx, node);
        return { registered: true } as const;
      });
    },
    addNode(node) {
      return db.transaction((tx) => insertNode(tx, node));
    },
    async getNode(id) {
      const row = await db.row<Row>("SELECT * FROM managed_nodes WHERE id = $1", [id]);
      return row && nodeFromRow(row);
    },
    async listNodes(filter, page) {
      const rows = await db.rows<Row>(
        `SELECT * FROM managed_nodes n WHERE n.id > $1
           AND ($2::jsonb IS NULL OR n.id IN (SELECT jsonb_array_elements_text($2::jsonb)))
           AND ($3::bigint IS NULL OR ($4 AND n.last_ping_at >= $3::bigint)
             OR (NOT $4 AND (n.last_ping_at IS NULL OR n.last_ping_at < $3::bigint)))
           AND ($5::jsonb IS NULL OR n.platform_type IN
             (SELECT jsonb_array_elements_text($5::jsonb)))
           AND ($6::jsonb IS NULL OR n.connection_kind IN
             (SELECT jsonb_array_elements_text($6::jsonb)))
           AND ($7::jsonb IS NULL OR NOT EXISTS (
             SELECT 1 FROM jsonb_array_elements($7::jsonb) f WHERE NOT EXISTS (
               SELECT 1 FROM node_tags t WHERE t.node_id = n.id AND t.key = f->>'key'
                 AND (f->'values' IS NULL OR t.value IN
                   (SELECT jsonb_array_elements_text(f->'values'))))))
         ORDER BY n.id LIMIT $8`,
        [
          page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "",
          json(filter.ids),
          filter.ping?.onlineSince ?? null,
          filter.ping?.online ?? false,
          json(filter.platformTypes),
          json(filter.connections),
          json(filter.tags),
          page.limit + 1,
        ],
      );
      return pageOf(rows.map(nodeFromRow), page.limit, (last) => last.id);
    },
    async recordPing(id, now, info) {
      const touched = await db.run(
        `UPDATE managed_nodes SET last_ping_at = $1,
           info = coalesce($2, info), platform_type = coalesce($3, platform_type)
         WHERE id = $4`,
        [now, json(info), info?.platformType ?? null, id],
      );
      return touched > 0;
    },
    async reportPingChanges(onlineSince, limit) {
      // The rows to flip are locked, skipping those another server node holds; the UPDATE
      // checks again on the row it locked, so a node flipped meanwhile is not returned twice.
      // A CTE, evaluated once: a subquery could be rescanned and lock (and flip) past $2.
      const STALE = `(n.reported_ping_status = 'Online' AND n.last_ping_at < $1)
        OR (n.reported_ping_status = 'Online' AND n.last_ping_at IS NULL)
        OR (n.reported_ping_status = 'ConnectionLost' AND n.last_ping_at >= $1)`;
      const rows = await db.rows<Row>(
        `WITH due AS (
           SELECT n.id FROM managed_nodes n WHERE ${STALE}
           ORDER BY n.id LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE managed_nodes n
         SET reported_ping_status =
           CASE WHEN n.last_ping_at >= $1 THEN 'Online' ELSE 'ConnectionLost' END
         FROM due
         WHERE n.id = due.id AND (${STALE})
         RETURNING n.*`,
        [onlineSince, limit],
      );
      return rows
        .map((row) => ({
          node: nodeFromRow(row),
          status: row.reported_ping_status as NodePingStatus,
        }))
        .sort((a, b) => (a.node.id < b.node.id ? -1 : 1));
    },
    changeNodeTags(id, add, removeKeys) {
      return db.transaction(async (tx) => {
        const row = await tx.row<Row>("SELECT * FROM managed_nodes WHERE id = $1 FOR UPDATE", [id]);
        if (!row) return undefined;
        const tags = mergeTags(nodeFromRow(row).tags, add, removeKeys);
        await tx.run("UPDATE managed_nodes SET tags = $1 WHERE id = $2", [
          JSON.stringify(tags),
          id,
        ]);
        await putTagRows(tx, id, tags);
        return tags;
      });
    },
    deregisterNode(id, now, control) {
      return db.transaction(async (tx) => {
        if ((await tx.run("DELETE FROM managed_nodes WHERE id = $1", [id])) === 0)
          return { deregistered: false, changes: [] };
        const commandIds = await tx.rows<{ command_id: string }>(
          `SELECT DISTINCT command_id FROM invocations WHERE instance_id = $1 AND phase <> 'done'
           ORDER BY command_id`,
          [id],
        );
        const changes = [];
        // Commands in id order: transactions that lock several commands never deadlock.
        for (const { command_id: commandId } of commandIds) {
          const change = await beginChange(tx, commandId);
          if (!change) continue;
          const row = await tx.row<Row>(
            "SELECT * FROM invocations WHERE command_id = $1 AND instance_id = $2 FOR UPDATE",
            [commandId, id],
          );
          if (!row) continue;
          await endInvocation(tx, change, invocationFromRow(row), {
            ...UNDELIVERABLE,
            responseCode: -1,
            endedAt: now,
          });
          changes.push(await concludeChange(tx, change, now, control));
        }
        return { deregistered: true, changes };
      });
    },
  };
}
