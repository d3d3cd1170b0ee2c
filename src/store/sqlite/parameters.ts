/**
 * Parameters and their versions (see ParameterStore). A put reads the current version, decides
 * and writes in one transaction, so two concurrent puts of a name get distinct versions.
 */
import type Database from "better-sqlite3";
import type { Page, PageRequest } from "../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../paging.js";
import type { ParameterFilter, ParameterRecord } from "../parameters-port.js";
import { isVersionKey } from "../rows/common.js";
import { parameterFromRow, pathRange, prefixRange } from "../rows/parameters.js";

type Row = Record<string, unknown>;

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
        const existing = row && parameterFromRow(row);
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
      return row && parameterFromRow(row);
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
      return pageOf(rows.map(parameterFromRow), page.limit, (last) => last.name);
    },
    parameterHistory(name: string, page: PageRequest): Page<ParameterRecord> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isVersionKey) : 0;
      const rows = history.all(name, after, page.limit + 1) as Row[];
      return pageOf(rows.map(parameterFromRow), page.limit, (last) => last.version);
    },
    deleteParameter(name: string): boolean {
      return remove.run(name).changes > 0;
    },
  };
}
