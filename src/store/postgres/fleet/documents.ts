/**
 * SSM documents and their versions on PostgreSQL (see FleetStore). A put locks the
 * document's row (or inserts it) before it decides, so puts of one name from several nodes
 * get distinct, consecutive versions.
 */
import type { DocumentRecord, DocumentVersionRecord, FleetStore } from "../../fleet-port.js";
import { decodePageToken, isStringKey, pageOf } from "../../paging.js";
import type { Row } from "../../rows/common.js";
import { documentFromRow, documentVersionFromRow } from "../../rows/fleet.js";
import { mergeTags } from "../../rows/fleet-bookkeeping.js";
import { prefixRange } from "../../rows/parameters.js";
import type { PostgresDatabase } from "../database.js";

type Versioned = { document: DocumentRecord; version: DocumentVersionRecord };

/** The columns of a document joined with one of its versions (`v_` prefixes the version's). */
const JOINED = `d.*, v.version AS v_version, v.version_name AS v_version_name,
  v.document_type AS v_document_type, v.format AS v_format, v.content AS v_content,
  v.hash AS v_hash, v.description AS v_description, v.created_at AS v_created_at,
  v.created_by AS v_created_by`;

const versionedFromRow = (row: Row): Versioned => ({
  document: documentFromRow(row),
  version: documentVersionFromRow({
    name: row.name,
    version: row.v_version,
    version_name: row.v_version_name,
    document_type: row.v_document_type,
    format: row.v_format,
    content: row.v_content,
    hash: row.v_hash,
    description: row.v_description,
    created_at: row.v_created_at,
    created_by: row.v_created_by,
  }),
});

type DocumentMethods = Pick<
  FleetStore,
  | "putDocument"
  | "getDocument"
  | "listDocuments"
  | "listDocumentVersions"
  | "setDefaultDocumentVersion"
  | "changeDocumentTags"
  | "deleteDocument"
>;

/** The document methods on `db`. */
export function postgresDocumentMethods(db: PostgresDatabase): DocumentMethods {
  return {
    putDocument(name, decide, tags) {
      return db.transaction(async (tx) => {
        // Locks the name's row, creating a placeholder (no version yet) for a new name: a
        // concurrent put of the name waits here until this one commits or rolls back.
        await tx.run(
          `INSERT INTO documents (name, document_type, latest_version, default_version,
             last_version, tags, created_at) VALUES ($1, '', 0, 0, 0, '[]', 0)
           ON CONFLICT (name) DO NOTHING`,
          [name],
        );
        const row = await tx.row<Row>("SELECT * FROM documents WHERE name = $1 FOR UPDATE", [name]);
        const last = (row?.last_version as number | undefined) ?? 0;
        const current = row && last > 0 ? documentFromRow(row) : undefined;
        const version = decide(current, last + 1);
        let document: DocumentRecord;
        if (current) {
          await tx.run(
            "UPDATE documents SET latest_version = $1, last_version = $1 WHERE name = $2",
            [version.version, name],
          );
          document = { ...current, latestVersion: version.version };
        } else {
          document = {
            name,
            documentType: version.documentType,
            latestVersion: version.version,
            defaultVersion: version.version,
            tags: tags ?? [],
            createdAt: version.createdAt,
          };
          await tx.run(
            `UPDATE documents SET document_type = $2, latest_version = $3, default_version = $3,
               last_version = $3, tags = $4, created_at = $5 WHERE name = $1`,
            [
              name,
              document.documentType,
              version.version,
              JSON.stringify(document.tags),
              document.createdAt,
            ],
          );
        }
        await tx.run(
          `INSERT INTO document_versions (name, version, version_name, document_type, format,
             hash, description, created_at, created_by, content)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            name,
            version.version,
            version.versionName ?? null,
            version.documentType,
            version.format,
            version.hash,
            version.description ?? null,
            version.createdAt,
            version.createdBy,
            version.content,
          ],
        );
        return { document, version };
      });
    },
    async getDocument(name, selector) {
      const row = await db.row<Row>(
        `SELECT ${JOINED} FROM documents d JOIN document_versions v ON v.name = d.name
           AND v.version = CASE $1::text WHEN 'default' THEN d.default_version
             WHEN 'latest' THEN d.latest_version ELSE $2::integer END
         WHERE d.name = $3`,
        typeof selector === "number"
          ? ["number", selector, name]
          : [selector === "$LATEST" ? "latest" : "default", 0, name],
      );
      return row && versionedFromRow(row);
    },
    async listDocuments(filter, page) {
      const [from, to] = prefixRange(filter.namePrefix ?? "");
      const rows = await db.rows<Row>(
        `SELECT ${JOINED} FROM documents d JOIN document_versions v
           ON v.name = d.name AND v.version = d.default_version
         WHERE d.name > $1 AND d.name >= $2 AND d.name < $3
           AND ($4::jsonb IS NULL OR d.document_type IN
             (SELECT jsonb_array_elements_text($4::jsonb)))
           AND ($5::jsonb IS NULL OR NOT EXISTS (
             SELECT 1 FROM jsonb_array_elements($5::jsonb) f WHERE NOT EXISTS (
               SELECT 1 FROM jsonb_array_elements(d.tags::jsonb) t
               WHERE t->>'Key' = f->>'key' AND (f->'values' IS NULL OR t->>'Value' IN
                 (SELECT jsonb_array_elements_text(f->'values'))))))
         ORDER BY d.name LIMIT $6`,
        [
          page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "",
          from,
          to,
          filter.documentTypes ? JSON.stringify(filter.documentTypes) : null,
          filter.tags ? JSON.stringify(filter.tags) : null,
          page.limit + 1,
        ],
      );
      return pageOf(rows.map(versionedFromRow), page.limit, (last) => last.document.name);
    },
    async listDocumentVersions(name) {
      const rows = await db.rows<Row>(
        "SELECT * FROM document_versions WHERE name = $1 ORDER BY version",
        [name],
      );
      return rows.map(documentVersionFromRow);
    },
    async setDefaultDocumentVersion(name, version) {
      const touched = await db.run(
        `UPDATE documents SET default_version = $2 WHERE name = $1
           AND EXISTS (SELECT 1 FROM document_versions WHERE name = $1 AND version = $2)`,
        [name, version],
      );
      return touched > 0;
    },
    changeDocumentTags(name, add, removeKeys) {
      return db.transaction(async (tx) => {
        const row = await tx.row<Row>("SELECT * FROM documents WHERE name = $1 FOR UPDATE", [name]);
        if (!row) return undefined;
        const tags = mergeTags(documentFromRow(row).tags, add, removeKeys);
        await tx.run("UPDATE documents SET tags = $1 WHERE name = $2", [
          JSON.stringify(tags),
          name,
        ]);
        return tags;
      });
    },
    deleteDocument(name, version) {
      if (version === undefined)
        return db.run("DELETE FROM documents WHERE name = $1", [name]).then((n) => n > 0);
      return db.transaction(async (tx) => {
        const removed = await tx.run(
          `DELETE FROM document_versions v USING documents d
           WHERE d.name = $1 AND v.name = d.name AND v.version = $2
             AND v.version <> d.default_version`,
          [name, version],
        );
        if (removed === 0) return false;
        await tx.run(
          `UPDATE documents SET latest_version =
             (SELECT max(version) FROM document_versions WHERE name = $1) WHERE name = $1`,
          [name],
        );
        return true;
      });
    },
  };
}
