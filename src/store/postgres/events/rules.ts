/** Event buses, rules and targets on PostgreSQL. */
import type {
  EventBusRecord,
  EventRuleRecord,
  EventStore,
  EventTarget,
} from "../../events-port.js";
import type { PageRequest } from "../../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../../paging.js";
import { busFromRow, ruleFromRow } from "../../rows/events.js";
import type { PostgresDatabase, Sql } from "../database.js";
import { insertOnce, likePrefix, startsWith } from "./shared.js";

/**
 * Holds the bus row (when there is one) against deleteUnusedEventBus until the caller's
 * transaction ends: a node deleting the bus either sees what this transaction adds to it, or
 * has deleted the bus before this one goes on.
 */
export async function holdBus(tx: Sql, bus: string): Promise<void> {
  await tx.run("SELECT 1 FROM event_buses WHERE name = $1 FOR SHARE", [bus]);
}

const UPSERT_RULE = `INSERT INTO event_rules (bus, name, arn, event_pattern, schedule_expression, state,
    description, role_arn, next_fire_at, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
  ON CONFLICT (bus, name) DO UPDATE SET event_pattern = excluded.event_pattern,
    schedule_expression = excluded.schedule_expression, state = excluded.state,
    description = excluded.description, role_arn = excluded.role_arn,
    next_fire_at = excluded.next_fire_at, updated_at = excluded.updated_at`;

/** The bus, rule and target operations of the PostgreSQL store. */
export function postgresRuleStore(db: PostgresDatabase) {
  return {
    createEventBus: (record: EventBusRecord) =>
      insertOnce(
        () =>
          db.run(
            "INSERT INTO event_buses (name, arn, description, created_at) VALUES ($1, $2, $3, $4)",
            [record.name, record.arn, record.description ?? null, record.createdAt],
          ),
        `Event bus ${record.name}`,
      ),
    async getEventBus(name: string) {
      const row = await db.row("SELECT * FROM event_buses WHERE name = $1", [name]);
      return row && busFromRow(row);
    },
    async listEventBuses(prefix: string | undefined, page: PageRequest) {
      const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "";
      const rows = await db.rows(
        `SELECT * FROM event_buses WHERE ${startsWith("name", 1)} AND name > $2
         ORDER BY name LIMIT $3`,
        [likePrefix(prefix), after, page.limit + 1],
      );
      return pageOf(rows.map(busFromRow), page.limit, (last) => last.name);
    },
    // The bus row stays locked until the delete commits; putRule and createArchive hold it
    // while they add to it (holdBus), so a rule or archive created meanwhile is seen.
    deleteUnusedEventBus: (name: string) =>
      db.transaction(
        async (tx): Promise<"deleted" | "missing" | { rules: string[]; archives: string[] }> => {
          if (!(await tx.row("SELECT 1 FROM event_buses WHERE name = $1 FOR UPDATE", [name])))
            return "missing";
          const namesOf = async (sql: string) =>
            (await tx.rows<{ name: string }>(sql, [name])).map((row) => row.name);
          const rules = await namesOf("SELECT name FROM event_rules WHERE bus = $1 ORDER BY name");
          const archives = await namesOf(
            "SELECT name FROM event_archives WHERE bus = $1 ORDER BY name",
          );
          if (rules.length > 0 || archives.length > 0) return { rules, archives };
          await tx.run("DELETE FROM event_buses WHERE name = $1", [name]);
          return "deleted";
        },
      ),
    putRule: (record: EventRuleRecord) =>
      db.transaction(async (tx) => {
        await holdBus(tx, record.eventBusName);
        await tx.run(UPSERT_RULE, [
          record.eventBusName,
          record.name,
          record.arn,
          record.eventPattern ?? null,
          record.scheduleExpression ?? null,
          record.state,
          record.description ?? null,
          record.roleArn ?? null,
          record.nextFireAt ?? null,
          record.createdAt,
          record.updatedAt,
        ]);
      }),
    async getRule(bus: string, name: string) {
      const row = await db.row("SELECT * FROM event_rules WHERE bus = $1 AND name = $2", [
        bus,
        name,
      ]);
      return row && ruleFromRow(row);
    },
    async listRules(bus: string, prefix: string | undefined, page: PageRequest) {
      const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "";
      const rows = await db.rows(
        `SELECT * FROM event_rules WHERE bus = $1 AND ${startsWith("name", 2)} AND name > $3
         ORDER BY name LIMIT $4`,
        [bus, likePrefix(prefix), after, page.limit + 1],
      );
      return pageOf(rows.map(ruleFromRow), page.limit, (last) => last.name);
    },
    // One statement, so rules and targets come from one snapshot.
    async loadRules() {
      const rows = await db.rows(
        `SELECT r.*, t.target FROM event_rules r
         LEFT JOIN event_targets t ON t.bus = r.bus AND t.rule = r.name
         ORDER BY r.bus, r.name, t.id`,
      );
      const loaded: { rule: EventRuleRecord; targets: EventTarget[] }[] = [];
      for (const row of rows) {
        const last = loaded.at(-1);
        const same = last && last.rule.eventBusName === row.bus && last.rule.name === row.name;
        const entry = same ? last : { rule: ruleFromRow(row), targets: [] };
        if (!same) loaded.push(entry);
        if (row.target !== null)
          entry.targets.push(JSON.parse(row.target as string) as EventTarget);
      }
      return loaded;
    },
    deleteRule: (bus: string, name: string) =>
      db.transaction(async (tx) => {
        await tx.run("DELETE FROM event_targets WHERE bus = $1 AND rule = $2", [bus, name]);
        return (
          (await tx.run("DELETE FROM event_rules WHERE bus = $1 AND name = $2", [bus, name])) > 0
        );
      }),
    // One upsert per target, in order: a repeated Id ends as its last occurrence.
    putTargets: (bus: string, rule: string, targets: EventTarget[]) =>
      db.transaction(async (tx) => {
        for (const target of targets)
          await tx.run(
            `INSERT INTO event_targets (bus, rule, id, target) VALUES ($1, $2, $3, $4)
             ON CONFLICT (bus, rule, id) DO UPDATE SET target = excluded.target`,
            [bus, rule, target.Id, JSON.stringify(target)],
          );
      }),
    removeTargets: (bus: string, rule: string, ids: string[]) =>
      db.transaction(async (tx) => {
        const missing: string[] = [];
        for (const id of ids) {
          const removed = await tx.run(
            "DELETE FROM event_targets WHERE bus = $1 AND rule = $2 AND id = $3",
            [bus, rule, id],
          );
          if (removed === 0) missing.push(id);
        }
        return missing;
      }),
    async listTargets(bus: string, rule: string) {
      const rows = await db.rows<{ target: string }>(
        "SELECT target FROM event_targets WHERE bus = $1 AND rule = $2 ORDER BY id",
        [bus, rule],
      );
      return rows.map((row) => JSON.parse(row.target) as EventTarget);
    },
  } satisfies Pick<
    EventStore,
    | "createEventBus"
    | "getEventBus"
    | "listEventBuses"
    | "deleteUnusedEventBus"
    | "putRule"
    | "getRule"
    | "listRules"
    | "loadRules"
    | "deleteRule"
    | "putTargets"
    | "removeTargets"
    | "listTargets"
  >;
}
