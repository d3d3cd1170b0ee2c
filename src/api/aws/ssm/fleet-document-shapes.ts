/**
 * Systems Manager wire shapes of documents: DocumentDescription, DocumentIdentifier,
 * DocumentVersionInfo. Owner is "Amazon" for the built-in documents and the account id for
 * the caller's own, as SSM reports them.
 */
import type { DocumentView } from "../../../fleet/document-views.js";
import type { DocumentVersionRecord } from "../../../store/fleet-port.js";
import { ts } from "./fleet-shapes.js";

const ownerOf = (view: DocumentView, account: string) =>
  view.owner === "Amazon" ? "Amazon" : account;

/** CreateDocument's, UpdateDocument's and DescribeDocument's `DocumentDescription`. */
export function documentDescriptionShape(view: DocumentView, account: string) {
  return {
    Hash: view.hash,
    HashType: "Sha256",
    Name: view.name,
    ...(view.versionName !== undefined && { VersionName: view.versionName }),
    Owner: ownerOf(view, account),
    CreatedDate: ts(view.createdAt),
    Status: "Active",
    DocumentVersion: String(view.version),
    ...(view.description !== undefined && { Description: view.description }),
    Parameters: view.parameters,
    PlatformTypes: view.platformTypes,
    DocumentType: view.documentType,
    SchemaVersion: view.schemaVersion,
    LatestVersion: String(view.latestVersion),
    DefaultVersion: String(view.defaultVersion),
    DocumentFormat: view.format,
    Tags: view.tags,
  };
}

/** ListDocuments' `DocumentIdentifier` (of the default version). */
export function documentIdentifierShape(view: DocumentView, account: string) {
  return {
    Name: view.name,
    CreatedDate: ts(view.createdAt),
    Owner: ownerOf(view, account),
    ...(view.versionName !== undefined && { VersionName: view.versionName }),
    PlatformTypes: view.platformTypes,
    DocumentVersion: String(view.version),
    DocumentType: view.documentType,
    SchemaVersion: view.schemaVersion,
    DocumentFormat: view.format,
    Tags: view.tags,
  };
}

/** ListDocumentVersions' `DocumentVersionInfo`. */
export function documentVersionShape(
  version: Pick<DocumentVersionRecord, "name" | "version" | "versionName" | "createdAt" | "format">,
  defaultVersion: number,
) {
  return {
    Name: version.name,
    DocumentVersion: String(version.version),
    ...(version.versionName !== undefined && { VersionName: version.versionName }),
    CreatedDate: ts(version.createdAt),
    IsDefaultVersion: version.version === defaultVersion,
    DocumentFormat: version.format,
    Status: "Active",
  };
}
