import {
  BUILTIN_DOCUMENTS,
  bindParameters,
  compileCommand,
  DocumentError,
  documentJson,
  InvalidParametersError,
  InvalidPlatformError,
  type ParsedDocument,
  parseDocument,
  type ReferenceLookup,
  resolveReferences,
} from "../runbooks/document/index.js";
import type {
  DocumentFilter,
  DocumentFormat,
  DocumentType,
  DocumentVersionRecord,
  FleetStore,
  PlatformType,
  Tag,
} from "../store/fleet-port.js";
import type { Page, PageRequest } from "../store/paging.js";
import { agentVersion } from "./agent/version.js";
import type { CommandDocuments, CommandToCompile, PreparedCommand } from "./command-documents.js";
import { builtinView, contentHash, type DocumentView, documentView } from "./document-views.js";
import { FleetError } from "./errors.js";
import type { AgentPlugin } from "./protocol.js";
import { checkTags } from "./tags.js";

/** Compiled commands kept (a few hundred commands' worth of steps). */
const COMPILED_KEPT = 256;

/** SSM's limits. */
const MAX_CONTENT_BYTES = 64 * 1024;
const NAME = /^[a-zA-Z0-9_\-.]{3,128}$/;
const RESERVED_PREFIX = /^(aws-|amazon|amzn)/i;

/** What CreateDocument and UpdateDocument take. */
export interface DocumentContentRequest {
  name: string;
  content: string;
  format?: DocumentFormat;
  documentType?: DocumentType;
  versionName?: string;
}

/** Documents, and the command side of them (CommandDocuments). */
export class DocumentService implements CommandDocuments {
  /** Compiled commands by command id and platform, before references are resolved. */
  private readonly compiled = new Map<string, AgentPlugin[]>();

  constructor(
    private readonly store: FleetStore,
    private readonly now: () => number,
    /** Resolves `{{ssm:...}}` and `{{ssm-secure:...}}` for a node on its way out. */
    private readonly references: ReferenceLookup,
  ) {}

  async create(
    request: DocumentContentRequest & { tags?: Tag[] },
    by: string,
  ): Promise<DocumentView> {
    checkName(request.name);
    const parsed = this.parse(request);
    const tags = checkTags(request.tags ?? []);
    const { document, version } = await this.store.putDocument(
      request.name,
      (current, next) => {
        if (current)
          throw new FleetError(
            "DocumentAlreadyExists",
            `Document ${request.name} already exists: use UpdateDocument for a new version.`,
          );
        return this.versionRecord(request, parsed, next, by);
      },
      tags,
    );
    return documentView(document, version, parsed);
  }

  async update(
    request: DocumentContentRequest & { documentVersion?: string },
    by: string,
  ): Promise<DocumentView> {
    if (BUILTIN_DOCUMENTS[request.name])
      throw new FleetError(
        "InvalidDocumentOperation",
        `${request.name} is an AWS-owned document and cannot be changed.`,
      );
    const parsed = this.parse(request);
    const latest = await this.store.getDocument(request.name, "$LATEST");
    if (!latest)
      throw new FleetError("InvalidDocument", `Document ${request.name} does not exist.`);
    const asked = request.documentVersion ?? "$LATEST";
    if (asked !== "$LATEST" && Number(asked) !== latest.version.version)
      throw new FleetError(
        "InvalidDocumentVersion",
        `UpdateDocument must name the latest version ($LATEST or ${latest.version.version}), not ${asked}.`,
      );
    if (latest.version.hash === contentHash(request.content))
      throw new FleetError(
        "DuplicateDocumentContent",
        `The content is the same as version ${latest.version.version}.`,
      );
    if (parsed.documentType !== latest.document.documentType)
      throw new FleetError(
        "InvalidDocumentContent",
        `The new content is a ${parsed.documentType} document; ${request.name} is a ${latest.document.documentType} document.`,
      );
    const { document, version } = await this.store.putDocument(request.name, (current, next) => {
      // Another update landed between the check above and this write: the caller retries.
      if (current?.latestVersion !== latest.version.version)
        throw new FleetError(
          "InvalidDocumentVersion",
          `Document ${request.name} changed meanwhile: its latest version is now ${current?.latestVersion}.`,
        );
      return this.versionRecord(request, parsed, next, by);
    });
    return documentView(document, version, parsed);
  }

  /** A version of a document (its default when none is named). */
  async get(name: string, version?: string): Promise<DocumentView> {
    const builtin = BUILTIN_DOCUMENTS[name];
    if (builtin) {
      if (
        version !== undefined &&
        version !== "1" &&
        version !== "$LATEST" &&
        version !== "$DEFAULT"
      )
        throw new FleetError("InvalidDocumentVersion", `${name} has only version 1.`);
      return builtinView(builtin);
    }
    const selector = selectorOf(version);
    const found = await this.store.getDocument(name, selector);
    if (!found) {
      if (selector !== undefined && (await this.store.getDocument(name)))
        throw new FleetError(
          "InvalidDocumentVersion",
          `Document ${name} has no version ${version}.`,
        );
      throw new FleetError("InvalidDocument", `Document ${name} does not exist.`);
    }
    return documentView(
      found.document,
      found.version,
      parseDocument(found.version.content, found.version.format),
    );
  }

  /** Stored documents matching `filter`, then the built-ins (when the owner filter allows). */
  async list(
    filter: DocumentFilter & { owner?: "Self" | "Amazon" | "All" },
    page: PageRequest,
  ): Promise<Page<DocumentView>> {
    const { owner = "All", ...stored } = filter;
    const items: DocumentView[] = [];
    if (owner !== "Amazon") {
      const found = await this.store.listDocuments(stored, page);
      for (const { document, version } of found.items)
        items.push(documentView(document, version, parseDocument(version.content, version.format)));
      if (found.nextToken) return { items, nextToken: found.nextToken };
    }
    if (owner !== "Self" && !page.nextToken && !filter.tags?.length)
      for (const document of Object.values(BUILTIN_DOCUMENTS)) {
        const builtin = builtinView(document);
        if (filter.namePrefix && !builtin.name.startsWith(filter.namePrefix)) continue;
        if (filter.documentTypes && !filter.documentTypes.includes(builtin.documentType)) continue;
        items.push(builtin);
      }
    return { items };
  }

  async versions(name: string): Promise<DocumentVersionRecord[]> {
    const versions = await this.store.listDocumentVersions(name);
    if (versions.length === 0)
      throw new FleetError("InvalidDocument", `Document ${name} does not exist.`);
    return versions;
  }

  async setDefault(name: string, version: string): Promise<DocumentView> {
    const n = Number(version);
    if (!Number.isInteger(n) || n < 1)
      throw new FleetError("InvalidDocumentVersion", `'${version}' is not a document version.`);
    if (!(await this.store.setDefaultDocumentVersion(name, n))) {
      await this.get(name);
      throw new FleetError("InvalidDocumentVersion", `Document ${name} has no version ${version}.`);
    }
    return this.get(name);
  }

  async delete(name: string, version?: string): Promise<void> {
    if (BUILTIN_DOCUMENTS[name])
      throw new FleetError(
        "InvalidDocumentOperation",
        `${name} is an AWS-owned document and cannot be deleted.`,
      );
    const n = version === undefined ? undefined : Number(version);
    if (n !== undefined) {
      const doc = await this.get(name);
      if (doc.defaultVersion === n)
        throw new FleetError(
          "InvalidDocumentOperation",
          `Version ${n} is the default version of ${name}: make another version the default first.`,
        );
    }
    if (!(await this.store.deleteDocument(name, n)))
      throw new FleetError(
        "InvalidDocument",
        `Document ${name}${version ? ` version ${version}` : ""} does not exist.`,
      );
  }

  async changeTags(name: string, add: Tag[], removeKeys: string[]): Promise<Tag[]> {
    checkTags(add);
    const tags = await this.store.changeDocumentTags(name, add, removeKeys);
    if (!tags) throw new FleetError("InvalidResourceId", `Document ${name} does not exist.`);
    return tags;
  }

  async tags(name: string): Promise<Tag[]> {
    const found = await this.store.getDocument(name);
    if (!found) throw new FleetError("InvalidResourceId", `Document ${name} does not exist.`);
    return found.document.tags;
  }

  async prepare(
    name: string,
    version: string | undefined,
    parameters: Record<string, string[]>,
  ): Promise<PreparedCommand> {
    const doc = await this.get(name, version);
    const parsed = parseDocument(doc.content, doc.format);
    if (parsed.documentType !== "Command")
      throw new FleetError(
        "InvalidDocument",
        `${name} is an ${parsed.documentType} document: run it with StartAutomationExecution.`,
      );
    let executionTimeoutSeconds: number;
    try {
      const bound = bindParameters(parsed, parameters);
      executionTimeoutSeconds = compileCommand(parsed, bound, "Linux").executionTimeoutSeconds;
    } catch (error) {
      if (error instanceof InvalidParametersError)
        throw new FleetError("InvalidParameters", error.message);
      if (!(error instanceof InvalidPlatformError)) throw error;
      executionTimeoutSeconds = compileCommand(
        parsed,
        bindParameters(parsed, parameters),
        "Windows",
      ).executionTimeoutSeconds;
    }
    return {
      documentName: name,
      documentVersion: String(doc.version),
      content: documentJson(parsed),
      executionTimeoutSeconds,
    };
  }

  async compile(command: CommandToCompile, platform: PlatformType): Promise<AgentPlugin[]> {
    // A command sent to a thousand nodes compiles once per platform; references (secrets
    // among them) are resolved for each node, never kept.
    const key = `${command.id}/${platform}`;
    let plugins = this.compiled.get(key);
    if (!plugins) {
      plugins = this.compileFresh(command, platform);
      if (this.compiled.size >= COMPILED_KEPT) this.compiled.clear();
      this.compiled.set(key, plugins);
    }
    return resolveReferences(plugins, this.references);
  }

  private compileFresh(command: CommandToCompile, platform: PlatformType): AgentPlugin[] {
    const parsed = parseDocument(command.documentContent, "JSON");
    if (parsed.documentType !== "Command")
      throw new FleetError("InvalidDocument", "Only Command documents run as commands.");
    try {
      const { plugins } = compileCommand(
        parsed,
        bindParameters(parsed, command.parameters),
        platform,
      );
      // aws:updateSsmAgent without a version updates to the server's own (agent and server
      // are one package).
      return plugins.map((plugin) =>
        plugin.action === "aws:updateSsmAgent" && !plugin.targetVersion
          ? { ...plugin, targetVersion: agentVersion() }
          : plugin,
      );
    } catch (error) {
      if (error instanceof InvalidPlatformError)
        throw new FleetError("UnsupportedPlatformType", error.message);
      throw error;
    }
  }

  private parse(request: DocumentContentRequest): ParsedDocument {
    if (Buffer.byteLength(request.content) > MAX_CONTENT_BYTES)
      throw new FleetError(
        "MaxDocumentSizeExceeded",
        `Document content is over ${MAX_CONTENT_BYTES} bytes.`,
      );
    try {
      const parsed = parseDocument(request.content, request.format);
      const type = request.documentType ?? "Command";
      if (parsed.documentType !== type)
        throw new FleetError(
          "InvalidDocumentContent",
          `DocumentType is ${type} but the content is a ${parsed.documentType} document (schemaVersion ${parsed.schemaVersion}).`,
        );
      return parsed;
    } catch (error) {
      if (error instanceof DocumentError) throw new FleetError(error.code, error.message);
      throw error;
    }
  }

  private versionRecord(
    request: DocumentContentRequest,
    parsed: ParsedDocument,
    version: number,
    by: string,
  ): DocumentVersionRecord {
    return {
      name: request.name,
      version,
      documentType: parsed.documentType,
      format: parsed.format,
      content: request.content,
      hash: contentHash(request.content),
      createdAt: this.now(),
      createdBy: by,
      ...(request.versionName !== undefined && { versionName: request.versionName }),
      ...(parsed.description !== undefined && { description: parsed.description }),
    };
  }
}

function checkName(name: string): void {
  if (!NAME.test(name))
    throw new FleetError(
      "ValidationException",
      `Document name '${name}' must be 3 to 128 letters, digits, _ - or .`,
    );
  if (RESERVED_PREFIX.test(name))
    throw new FleetError(
      "ValidationException",
      `Document name '${name}' is reserved: names may not start with AWS-, Amazon or AMZN.`,
    );
}

function selectorOf(version: string | undefined) {
  if (version === undefined || version === "$DEFAULT") return undefined;
  if (version === "$LATEST") return "$LATEST" as const;
  const n = Number(version);
  if (!Number.isInteger(n) || n < 1)
    throw new FleetError("InvalidDocumentVersion", `'${version}' is not a document version.`);
  return n;
}
