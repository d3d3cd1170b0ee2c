/**
 * Parameters and their versions (see ParameterStore). A put reads the current version, decides
 * and writes in one transaction, so two concurrent puts of a name get distinct versions.
 */
import type Database from "better-sqlite3";
import type { Json } from "../../asl/json.js";
import type { Page, PageRequest } from "../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../paging.js";
import type { ParameterFilter, ParameterRecord, ParameterType } from "../parameters-port.js";
import { present } from "./ops/notifications.js";

type Row = Record<string, unknown>;

const isVersionKey = (value: Json): value is number =>
  typeof value === "number" && Number.isInteger(value);

/**
 * The range of names under a path, as [from, to): names are ASCII, so `/a/b/` up to `/a/b0`
 * (the character after `/`) holds exactly the names below `/a/b`. Unlike LIKE, no character of
 * a name (`_`) is a wildcard.
 */
function pathRange(path: string): [string, string] {
  const prefix = path.endsWith("/") ? path : `${path}/`;
  return [prefix, `${prefix.slice(0, -1)}0`];
}

function prefixRange(prefix: string): [string, string] {
  if (prefix === "") return ["", "\u{10FFFF}"];
  const last = prefix.charCodeAt(prefix.length - 1);
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(last + 1)];
}

/** The parameter operations of the SQLite store. */
export function parameterQueries(db: Database.Database) {
  const current = db.prepare(
    `SELECT v.* FROM parameters p JOIN parameter_versions v
       ON v.name = p.name AND v.version = p.version WHERE p.name = ?`,
  );
  const atVersion = db.prepare("SELECT * FROM parameter_versions WHERE name = ? AND version = ?");
  const lastVersion = db.prepare(
    "SELECT COALESCE(MAX(version), 0) AS version FROM parameter_versions WHERE name = ?",
  );
  const count = db.prepare("SELECT COUNT(*) AS n FROM parameters");
  const upsert = db.prepare(
    `INSERT INTO parameters (name, version, created_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET version = excluded.version`,
  );
  const insertVersion = db.prepare(
    `INSERT INTO parameter_versions (name, version, type, value, description, allowed_pattern,
       key_id, tier, data_type, modified_at, modified_by)
     VALUES (@name, @version, @type, @value, @description, @allowedPattern, @keyId, @tier,
       @dataType, @modifiedAt, @modifiedBy)`,
  );
  const prune = db.prepare("DELETE FROM parameter_versions WHERE name = ? AND version <= ?");
  const remove = db.prepare("DELETE FROM parameters WHERE name = ?");
  const history = db.prepare(
    `SELECT * FROM parameter_versions WHERE name = ? AND version > ? ORDER BY version LIMIT ?`,
  );
  const list = db.prepare(
    `SELECT v.* FROM parameters p JOIN parameter_versions v
       ON v.name = p.name AND v.version = p.version
     WHERE p.name >= @from AND p.name < @to AND p.name > @after
       AND (@prefixFrom IS NULL OR (p.name >= @prefixFrom AND p.name < @prefixTo))
       AND (@direct = 0 OR instr(substr(p.name, length(@from) + 1), '/') = 0)
       AND (@types IS NULL OR v.type IN (SELECT value FROM json_each(@types)))
     ORDER BY p.name LIMIT @limit`,
  );

  const recordOf = (row: Row): ParameterRecord =>
    present({
      name: row.name as string,
      version: row.version as number,
      type: row.type as ParameterType,
      value: row.value as string,
      description: row.description as string | undefined,
      allowedPattern: row.allowed_pattern as string | undefined,
      keyId: row.key_id as string | undefined,
      tier: row.tier as ParameterRecord["tier"],
      dataType: row.data_type as string,
      modifiedAt: row.modified_at as number,
      modifiedBy: row.modified_by as string,
    });

  return {
    putParameter: db.transaction(
      (
        name: string,
        decide: (
          current: ParameterRecord | undefined,
          next: number,
          count: number,
        ) => ParameterRecord,
        keepVersions: number,
      ): ParameterRecord => {
        const row = current.get(name) as Row | undefined;
        const existing = row && recordOf(row);
        // Versions keep counting past pruned ones: the newest kept version is the current one.
        const next = (lastVersion.get(name) as { version: number }).version + 1;
        const record = decide(existing, next, (count.get() as { n: number }).n);
        upsert.run(name, record.version, record.modifiedAt);
        insertVersion.run({
          description: null,
          allowedPattern: null,
          keyId: null,
          ...record,
        });
        prune.run(name, record.version - keepVersions);
        return record;
      },
    ),
    getParameter(name: string, version?: number): ParameterRecord | undefined {
      const row = (version === undefined ? current.get(name) : atVersion.get(name, version)) as
        | Row
        | undefined;
      return row && recordOf(row);
    },
    listParameters(filter: ParameterFilter, page: PageRequest): Page<ParameterRecord> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "";
      const [from, to] = filter.path === undefined ? ["", "\u{10FFFF}"] : pathRange(filter.path);
      const prefix = filter.namePrefix === undefined ? undefined : prefixRange(filter.namePrefix);
      const rows = list.all({
        from,
        to,
        after,
        prefixFrom: prefix?.[0] ?? null,
        prefixTo: prefix?.[1] ?? null,
        direct: filter.path !== undefined && !filter.recursive ? 1 : 0,
        types: filter.types ? JSON.stringify(filter.types) : null,
        limit: page.limit + 1,
      }) as Row[];
      return pageOf(rows.map(recordOf), page.limit, (last) => last.name);
    },
    parameterHistory(name: string, page: PageRequest): Page<ParameterRecord> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isVersionKey) : 0;
      const rows = history.all(name, after, page.limit + 1) as Row[];
      return pageOf(rows.map(recordOf), page.limit, (last) => last.version);
    },
    deleteParameter(name: string): boolean {
      return remove.run(name).changes > 0;
    },
  };
}
