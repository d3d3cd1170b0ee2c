/**
 * Documents as the APIs describe them: a stored version with its document's default and latest
 * versions and tags (Owner Self), or a built-in one (Owner Amazon, version 1).
 */
import { createHash } from "node:crypto";
import {
  type BuiltinDocument,
  describeParameters,
  documentPlatforms,
  type ParsedDocument,
  parseDocument,
} from "../runbooks/document/index.js";
import type {
  DocumentFormat,
  DocumentRecord,
  DocumentType,
  DocumentVersionRecord,
  PlatformType,
  Tag,
} from "../store/fleet-port.js";

/** SHA-256 of a document's content, hex (its Hash). */
export const contentHash = (text: string) => createHash("sha256").update(text).digest("hex");

/** A document version as the API describes it. */
export interface DocumentView {
  name: string;
  owner: "Amazon" | "Self";
  version: number;
  defaultVersion: number;
  latestVersion: number;
  versionName?: string;
  documentType: DocumentType;
  format: DocumentFormat;
  content: string;
  hash: string;
  description?: string;
  createdAt: number;
  schemaVersion: string;
  parameters: ReturnType<typeof describeParameters>;
  platformTypes: PlatformType[];
  tags: Tag[];
}

/** The platforms a document's steps can run on. */
function platformsOf(parsed: ParsedDocument): PlatformType[] {
  return parsed.documentType === "Command"
    ? documentPlatforms(parsed)
    : ["Windows", "Linux", "MacOS"];
}

export function documentView(
  document: DocumentRecord,
  version: DocumentVersionRecord,
  parsed: ParsedDocument,
): DocumentView {
  return {
    name: document.name,
    owner: "Self",
    version: version.version,
    defaultVersion: document.defaultVersion,
    latestVersion: document.latestVersion,
    documentType: version.documentType,
    format: version.format,
    content: version.content,
    hash: version.hash,
    createdAt: version.createdAt,
    schemaVersion: parsed.schemaVersion,
    parameters: describeParameters(parsed),
    platformTypes: platformsOf(parsed),
    tags: document.tags,
    ...(version.versionName !== undefined && { versionName: version.versionName }),
    ...(version.description !== undefined && { description: version.description }),
  };
}

export function builtinView({ name, content, format }: BuiltinDocument): DocumentView {
  const parsed = parseDocument(content, format);
  return {
    name,
    owner: "Amazon",
    version: 1,
    defaultVersion: 1,
    latestVersion: 1,
    documentType: parsed.documentType,
    format: parsed.format,
    content,
    hash: contentHash(content),
    createdAt: 0,
    schemaVersion: parsed.schemaVersion,
    parameters: describeParameters(parsed),
    platformTypes: platformsOf(parsed),
    tags: [],
    ...(parsed.description !== undefined && { description: parsed.description }),
  };
}
