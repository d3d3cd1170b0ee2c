/** Event buses, rules and targets. */
import type Database from "better-sqlite3";
import { StoreConflictError } from "../../errors.js";
import type { EventBusRecord, EventRuleRecord, EventTarget } from "../../events-port.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../../paging.js";
import { busFromRow, ruleFromRow } from "../../rows/events.js";
import { likePrefix } from "./like-prefix.js";

type Row = Record<string, unknown>;

/** A page of rows keyed by name (one more row than the limit was read). */
function namePage<T extends { name: string }>(rows: T[], limit: number): Page<T> {
  return pageOf(rows, limit, (last) => last.name);
}

/** The bus, rule and target operations of the SQLite store. */
export function eventRuleQueries(db: Database.Database) {
  const insertBus = db.prepare(
    "INSERT INTO event_buses (name, arn, description, created_at) VALUES (?, ?, ?, ?)",
  );
  const getBus = db.prepare("SELECT * FROM event_buses WHERE name = ?");
  const listBuses = db.prepare(
    "SELECT * FROM event_buses WHERE name LIKE ? ESCAPE '\\' AND name > ? ORDER BY name LIMIT ?",
  );
  const deleteBus = db.prepare("DELETE FROM event_buses WHERE name = ?");
  const rulesOfBus = db.prepare("SELECT name FROM event_rules WHERE bus = ? ORDER BY name");
  const archivesOfBus = db.prepare("SELECT name FROM event_archives WHERE bus = ? ORDER BY name");
  const upsertRule = db.prepare(
    `INSERT INTO event_rules (bus, name, arn, event_pattern, schedule_expression, state, description,
       role_arn, next_fire_at, created_at, updated_at)
     VALUES (@eventBusName, @name, @arn, @eventPattern, @scheduleExpression, @state, @description,
       @roleArn, @nextFireAt, @createdAt, @updatedAt)
     ON CONFLICT (bus, name) DO UPDATE SET event_pattern = excluded.event_pattern,
       schedule_expression = excluded.schedule_expression, state = excluded.state,
       description = excluded.description, role_arn = excluded.role_arn,
       next_fire_at = excluded.next_fire_at, updated_at = excluded.updated_at`,
  );
  const getRule = db.prepare("SELECT * FROM event_rules WHERE bus = ? AND name = ?");
  const listRules = db.prepare(
    `SELECT * FROM event_rules WHERE bus = ? AND name LIKE ? ESCAPE '\\' AND name > ?
     ORDER BY name LIMIT ?`,
  );
  const allRules = db.prepare("SELECT * FROM event_rules ORDER BY bus, name");
  const allTargets = db.prepare("SELECT * FROM event_targets ORDER BY bus, rule, id");
  const deleteRule = db.prepare("DELETE FROM event_rules WHERE bus = ? AND name = ?");
  const deleteRuleTargets = db.prepare("DELETE FROM event_targets WHERE bus = ? AND rule = ?");
  const upsertTarget = db.prepare(
    `INSERT INTO event_targets (bus, rule, id, target) VALUES (?, ?, ?, ?)
     ON CONFLICT (bus, rule, id) DO UPDATE SET target = excluded.target`,
  );
  const deleteTarget = db.prepare(
    "DELETE FROM event_targets WHERE bus = ? AND rule = ? AND id = ?",
  );
  const listTargets = db.prepare(
    "SELECT target FROM event_targets WHERE bus = ? AND rule = ? ORDER BY id",
  );
  const nullable = (record: EventRuleRecord) => ({
    ...record,
    eventPattern: record.eventPattern ?? null,
    scheduleExpression: record.scheduleExpression ?? null,
    description: record.description ?? null,
    roleArn: record.roleArn ?? null,
    nextFireAt: record.nextFireAt ?? null,
  });
  return {
    createEventBus(record: EventBusRecord) {
      if (getBus.get(record.name))
        throw new StoreConflictError("exists", `Event bus ${record.name} already exists.`);
      insertBus.run(record.name, record.arn, record.description ?? null, record.createdAt);
    },
    getEventBus: (name: string) => {
      const row = getBus.get(name) as Row | undefined;
      return row && busFromRow(row);
    },
    listEventBuses(prefix: string | undefined, page: PageRequest): Page<EventBusRecord> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "";
      const rows = listBuses.all(likePrefix(prefix), after, page.limit + 1) as Row[];
      return namePage(rows.map(busFromRow), page.limit);
    },
    // Checked and deleted in one transaction, so a rule or archive created meanwhile is seen.
    deleteUnusedEventBus: db.transaction(
      (name: string): "deleted" | "missing" | { rules: string[]; archives: string[] } => {
        if (!getBus.get(name)) return "missing";
        const rules = (rulesOfBus.all(name) as Row[]).map((row) => row.name as string);
        const archives = (archivesOfBus.all(name) as Row[]).map((row) => row.name as string);
        if (rules.length > 0 || archives.length > 0) return { rules, archives };
        deleteBus.run(name);
        return "deleted";
      },
    ),
    putRule: (record: EventRuleRecord) => {
      upsertRule.run(nullable(record));
    },
    getRule: (bus: string, name: string) => {
      const row = getRule.get(bus, name) as Row | undefined;
      return row && ruleFromRow(row);
    },
    listRules(bus: string, prefix: string | undefined, page: PageRequest): Page<EventRuleRecord> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "";
      const rows = listRules.all(bus, likePrefix(prefix), after, page.limit + 1) as Row[];
      return namePage(rows.map(ruleFromRow), page.limit);
    },
    loadRules: db.transaction(() => {
      const byRule = new Map<string, EventTarget[]>();
      for (const row of allTargets.all() as Row[]) {
        const key = `${row.bus}\u0000${row.rule}`;
        const list = byRule.get(key) ?? [];
        list.push(JSON.parse(row.target as string) as EventTarget);
        byRule.set(key, list);
      }
      return (allRules.all() as Row[]).map((row) => ({
        rule: ruleFromRow(row),
        targets: byRule.get(`${row.bus}\u0000${row.name}`) ?? [],
      }));
    }),
    deleteRule: db.transaction((bus: string, name: string) => {
      deleteRuleTargets.run(bus, name);
      return deleteRule.run(bus, name).changes > 0;
    }),
    putTargets: db.transaction((bus: string, rule: string, targets: EventTarget[]) => {
      for (const target of targets) upsertTarget.run(bus, rule, target.Id, JSON.stringify(target));
    }),
    removeTargets: db.transaction((bus: string, rule: string, ids: string[]) =>
      ids.filter((id) => deleteTarget.run(bus, rule, id).changes === 0),
    ),
    listTargets: (bus: string, rule: string) =>
      (listTargets.all(bus, rule) as Row[]).map(
        (row) => JSON.parse(row.target as string) as EventTarget,
      ),
  };
}
