/**
 * Parameters and their versions on PostgreSQL (see ParameterStore). A put locks the name's row
 * before it reads the current version, so puts of one name from any number of nodes get
 * distinct, consecutive versions; creating a name also serializes on the parameter count, so
 * the limit the service checks holds across nodes.
 */
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../../paging.js";
import type { ParameterRecord, ParameterStore } from "../../parameters-port.js";
import { isVersionKey } from "../../rows/common.js";
import { parameterFromRow, pathRange, prefixRange } from "../../rows/parameters.js";
import type { PostgresDatabase } from "../database.js";

/** The advisory lock creations take before they count the parameters (any constant). */
const CREATION_LOCK = 7_402_193_115;

const CURRENT = `SELECT v.* FROM parameters p JOIN parameter_versions v
  ON v.name = p.name AND v.version = p.version WHERE p.name = $1`;

/** The ParameterStore on PostgreSQL. */
export function postgresParameterStore(db: PostgresDatabase) {
  return {
    putParameter(name, decide, keepVersions) {
      return db.transaction(async (tx) => {
        // Locks the name's row, creating it (version 0, no version row yet) for a new name: a
        // concurrent put of the same name waits here until this one commits or rolls back.
        const locked = await tx.row<{ version: number }>(
          `INSERT INTO parameters (name, version, created_at) VALUES ($1, 0, 0)
           ON CONFLICT (name) DO UPDATE SET version = parameters.version
           RETURNING version`,
          [name],
        );
        const created = locked?.version === 0;
        const row = created ? undefined : await tx.row(CURRENT, [name]);
        // Versions keep counting past pruned ones: the newest kept version is the current one.
        const last = await tx.row<{ version: number }>(
          "SELECT COALESCE(MAX(version), 0) AS version FROM parameter_versions WHERE name = $1",
          [name],
        );
        // A creation counts with every other creation held off, and not itself.
        if (created) await tx.run("SELECT pg_advisory_xact_lock($1)", [CREATION_LOCK]);
        const count = await tx.row<{ n: number }>("SELECT COUNT(*)::bigint AS n FROM parameters");
        const record = decide(
          row && parameterFromRow(row),
          (last?.version ?? 0) + 1,
          (count?.n ?? 0) - (created ? 1 : 0),
        );
        await tx.run(
          `UPDATE parameters SET version = $2,
             created_at = CASE WHEN version = 0 THEN $3 ELSE created_at END
           WHERE name = $1`,
          [name, record.version, record.modifiedAt],
        );
        await tx.run(
          `INSERT INTO parameter_versions (name, version, type, value, description,
             allowed_pattern, key_id, tier, data_type, modified_at, modified_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            name,
            record.version,
            record.type,
            record.value,
            record.description ?? null,
            record.allowedPattern ?? null,
            record.keyId ?? null,
            record.tier,
            record.dataType,
            record.modifiedAt,
            record.modifiedBy,
          ],
        );
        await tx.run("DELETE FROM parameter_versions WHERE name = $1 AND version <= $2", [
          name,
          record.version - keepVersions,
        ]);
        return record;
      });
    },
    async getParameter(name, version) {
      const row =
        version === undefined
          ? await db.row(CURRENT, [name])
          : await db.row("SELECT * FROM parameter_versions WHERE name = $1 AND version = $2", [
              name,
              version,
            ]);
      return row && parameterFromRow(row);
    },
    async listParameters(filter, page: PageRequest): Promise<Page<ParameterRecord>> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "";
      const [from, to] = filter.path === undefined ? ["", "\u{10FFFF}"] : pathRange(filter.path);
      const prefix = filter.namePrefix === undefined ? undefined : prefixRange(filter.namePrefix);
      const rows = await db.rows(
        `SELECT v.* FROM parameters p JOIN parameter_versions v
           ON v.name = p.name AND v.version = p.version
         WHERE p.name >= $1 AND p.name < $2 AND p.name > $3
           AND ($4::text IS NULL OR (p.name >= $4 AND p.name < $5))
           AND (NOT $6 OR position('/' IN substr(p.name, length($1) + 1)) = 0)
           AND ($7::text[] IS NULL OR v.type = ANY ($7))
         ORDER BY p.name LIMIT $8`,
        [
          from,
          to,
          after,
          prefix?.[0] ?? null,
          prefix?.[1] ?? null,
          filter.path !== undefined && !filter.recursive,
          filter.types ?? null,
          page.limit + 1,
        ],
      );
      return pageOf(rows.map(parameterFromRow), page.limit, (last) => last.name);
    },
    async parameterHistory(name, page: PageRequest): Promise<Page<ParameterRecord>> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isVersionKey) : 0;
      const rows = await db.rows(
        "SELECT * FROM parameter_versions WHERE name = $1 AND version > $2 ORDER BY version LIMIT $3",
        [name, after, page.limit + 1],
      );
      return pageOf(rows.map(parameterFromRow), page.limit, (last) => last.version);
    },
    async deleteParameter(name) {
      return (await db.run("DELETE FROM parameters WHERE name = $1", [name])) > 0;
    },
  } satisfies ParameterStore;
}
