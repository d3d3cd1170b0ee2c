/**
 * SSM documents and their versions on SQLite (see FleetStore). A put reads the document,
 * decides and writes in one transaction, so two puts of a name get distinct versions.
 */
import type Database from "better-sqlite3";
import type {
  DocumentFilter,
  DocumentRecord,
  DocumentVersionRecord,
  DocumentVersionSelector,
  Tag,
} from "../../fleet-port.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../../paging.js";
import type { Row } from "../../rows/common.js";
import { documentFromRow, documentVersionFromRow } from "../../rows/fleet.js";
import { mergeTags } from "../../rows/fleet-bookkeeping.js";
import { prefixRange } from "../../rows/parameters.js";

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

/** The document operations on `db`, synchronous. */
export function documentQueries(db: Database.Database) {
  const document = db.prepare<[string], Row>("SELECT * FROM documents WHERE name = ?");
  const insertDocument = db.prepare(
    `INSERT INTO documents (name, document_type, latest_version, default_version, last_version,
       tags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const advance = db.prepare(
    "UPDATE documents SET latest_version = ?, last_version = ? WHERE name = ?",
  );
  const insertVersion = db.prepare(
    `INSERT INTO document_versions (name, version, version_name, document_type, format, hash,
       description, created_at, created_by, content)
     VALUES (@name, @version, @versionName, @documentType, @format, @hash, @description,
       @createdAt, @createdBy, @content)`,
  );
  const selected = db.prepare<[string, number, string], Row>(
    `SELECT ${JOINED} FROM documents d JOIN document_versions v ON v.name = d.name
       AND v.version = CASE ? WHEN 'default' THEN d.default_version
         WHEN 'latest' THEN d.latest_version ELSE ? END
     WHERE d.name = ?`,
  );
  const list = db.prepare<unknown[], Row>(
    `SELECT ${JOINED} FROM documents d JOIN document_versions v
       ON v.name = d.name AND v.version = d.default_version
     WHERE d.name > @after AND d.name >= @from AND d.name < @to
       AND (@types IS NULL OR d.document_type IN (SELECT value FROM json_each(@types)))
       AND (@tags IS NULL OR NOT EXISTS (
         SELECT 1 FROM json_each(@tags) f WHERE NOT EXISTS (
           SELECT 1 FROM json_each(d.tags) t
           WHERE json_extract(t.value, '$.Key') = json_extract(f.value, '$.key')
             AND (json_extract(f.value, '$.values') IS NULL OR json_extract(t.value, '$.Value')
               IN (SELECT value FROM json_each(json_extract(f.value, '$.values')))))))
     ORDER BY d.name LIMIT @limit`,
  );
  const versions = db.prepare<[string], Row>(
    "SELECT * FROM document_versions WHERE name = ? ORDER BY version",
  );
  const versionExists = db.prepare(
    "SELECT 1 FROM document_versions WHERE name = ? AND version = ?",
  );
  const setDefault = db.prepare("UPDATE documents SET default_version = ? WHERE name = ?");
  const writeTags = db.prepare("UPDATE documents SET tags = ? WHERE name = ?");
  const deleteDocument = db.prepare("DELETE FROM documents WHERE name = ?");
  const deleteVersion = db.prepare(
    `DELETE FROM document_versions WHERE name = ? AND version = ?
       AND version <> (SELECT default_version FROM documents WHERE name = ?)`,
  );
  const newestVersion = db.prepare<[string, string], { version: number }>(
    `UPDATE documents SET latest_version =
       (SELECT max(version) FROM document_versions WHERE name = ?)
     WHERE name = ? RETURNING latest_version AS version`,
  );

  return {
    putDocument: db.transaction(
      (
        name: string,
        decide: (current: DocumentRecord | undefined, next: number) => DocumentVersionRecord,
        tags?: Tag[],
      ): Versioned => {
        const row = document.get(name);
        const current = row && documentFromRow(row);
        const next = row ? (row.last_version as number) + 1 : 1;
        const version = decide(current, next);
        let record: DocumentRecord;
        if (current) {
          advance.run(version.version, version.version, name);
          record = { ...current, latestVersion: version.version };
        } else {
          record = {
            name,
            documentType: version.documentType,
            latestVersion: version.version,
            defaultVersion: version.version,
            tags: tags ?? [],
            createdAt: version.createdAt,
          };
          insertDocument.run(
            name,
            record.documentType,
            version.version,
            version.version,
            version.version,
            JSON.stringify(record.tags),
            record.createdAt,
          );
        }
        insertVersion.run({ versionName: null, description: null, ...version, name });
        return { document: record, version };
      },
    ),
    getDocument(name: string, selector?: DocumentVersionSelector): Versioned | undefined {
      const row =
        typeof selector === "number"
          ? selected.get("number", selector, name)
          : selected.get(selector === "$LATEST" ? "latest" : "default", 0, name);
      return row && versionedFromRow(row);
    },
    listDocuments(filter: DocumentFilter, page: PageRequest): Page<Versioned> {
      const [from, to] = prefixRange(filter.namePrefix ?? "");
      const rows = list.all({
        after: page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "",
        from,
        to,
        types: filter.documentTypes ? JSON.stringify(filter.documentTypes) : null,
        tags: filter.tags ? JSON.stringify(filter.tags) : null,
        limit: page.limit + 1,
      });
      return pageOf(rows.map(versionedFromRow), page.limit, (last) => last.document.name);
    },
    listDocumentVersions: (name: string): DocumentVersionRecord[] =>
      versions.all(name).map(documentVersionFromRow),
    setDefaultDocumentVersion(name: string, version: number): boolean {
      if (!versionExists.get(name, version)) return false;
      return setDefault.run(version, name).changes > 0;
    },
    changeDocumentTags: db.transaction(
      (name: string, add: Tag[], removeKeys: string[]): Tag[] | undefined => {
        const row = document.get(name);
        if (!row) return undefined;
        const tags = mergeTags(documentFromRow(row).tags, add, removeKeys);
        writeTags.run(JSON.stringify(tags), name);
        return tags;
      },
    ),
    deleteDocument: db.transaction((name: string, version?: number): boolean => {
      if (version === undefined) return deleteDocument.run(name).changes > 0;
      if (deleteVersion.run(name, version, name).changes === 0) return false;
      newestVersion.get(name, name);
      return true;
    }),
  };
}
