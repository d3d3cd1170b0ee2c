/**
 * SSM documents on the AWS endpoint: CreateDocument, GetDocument, DescribeDocument,
 * ListDocuments, ListDocumentVersions, UpdateDocument, UpdateDocumentDefaultVersion and
 * DeleteDocument. Names may be given as document ARNs where SSM takes them. Attachments and
 * Requires are not supported; DisplayName and TargetType are accepted and not kept.
 */
import { FleetError } from "../../../fleet/errors.js";
import type { Fleet } from "../../../fleet/index.js";
import type { DocumentFormat, DocumentType } from "../../../store/fleet-port.js";
import { decodePageToken, encodePageToken } from "../../../store/paging.js";
import { bool, int, type Members, optional, required, str } from "../sfn/members.js";
import { convertDocument } from "./fleet-document-format.js";
import { listDocuments } from "./fleet-document-list.js";
import { documentDescriptionShape, documentVersionShape } from "./fleet-document-shapes.js";
import { type FleetOperation, nextToken, tagsOf } from "./fleet-members.js";
import { ts } from "./fleet-shapes.js";

/** The names only AWS-owned documents have (nobody may create one). */
const AWS_OWNED = /^(aws-|amazon|amzn)/i;

/**
 * The document name a member gives: a name, or a document ARN of this endpoint's region and
 * account (or an AWS-owned one, which has no account). An ARN of elsewhere names a document
 * that is not here (and must not pass for a local one of the same name).
 */
export function documentName(
  request: Members,
  where: { account: string; region: string },
  key = "Name",
): string {
  const value = required(request, key, (m, n) => str(m, n, { max: 1024 }));
  if (!value.startsWith("arn:")) return value;
  const match = /^arn:aws:ssm:([^:]*):([^:]*):document\/(.+)$/.exec(value);
  // Only AWS-owned names go without the account, so each document has one ARN to authorise.
  const owner = match && AWS_OWNED.test(match[3] as string) ? "" : where.account;
  if (!match || match[1] !== where.region || match[2] !== owner)
    throw new FleetError(
      "InvalidDocument",
      `Document ${value} is not a document of this region and account.`,
    );
  return match[3] as string;
}

function formatOf(request: Members): DocumentFormat | undefined {
  const format = optional(request, "DocumentFormat", str);
  if (format === undefined || format === "JSON" || format === "YAML") return format;
  throw new FleetError(
    "ValidationException",
    `DocumentFormat ${format} is not supported: use JSON or YAML.`,
  );
}

function typeOf(request: Members): DocumentType | undefined {
  const type = optional(request, "DocumentType", str);
  if (type === undefined || type === "Command" || type === "Automation") return type;
  throw new FleetError(
    "ValidationException",
    `DocumentType ${type} is not supported: opsflow keeps Command and Automation documents.`,
  );
}

function refuseUnsupported(request: Members): void {
  for (const member of ["Attachments", "Requires"])
    if (Array.isArray(request[member]) && (request[member] as unknown[]).length > 0)
      throw new FleetError("ValidationException", `${member} is not supported by opsflow.`);
}

/**
 * The version a request names by DocumentVersion and/or VersionName (both must agree), or
 * undefined for the default. A VersionName is looked up among the document's versions.
 */
async function versionOf(
  fleet: Fleet,
  name: string,
  request: Members,
): Promise<string | undefined> {
  const number = optional(request, "DocumentVersion", str);
  const versionName = optional(request, "VersionName", str);
  if (versionName === undefined) return number;
  const found = (await fleet.documents.versions(name)).find((v) => v.versionName === versionName);
  if (!found)
    throw new FleetError(
      "InvalidDocumentVersion",
      `Document ${name} has no version named ${versionName}.`,
    );
  if (
    number !== undefined &&
    number !== "$LATEST" &&
    number !== "$DEFAULT" &&
    Number(number) !== found.version
  )
    throw new FleetError(
      "InvalidDocumentVersion",
      `VersionName ${versionName} is version ${found.version}, not ${number}.`,
    );
  return String(found.version);
}

/** Operation name → implementation. */
export const documentOperations: Record<string, FleetOperation> = {
  async CreateDocument(request, { fleet, principal, account }) {
    refuseUnsupported(request);
    const format = formatOf(request);
    const documentType = typeOf(request);
    const versionName = optional(request, "VersionName", str);
    const tags = tagsOf(request);
    const view = await fleet.documents.create(
      {
        name: required(request, "Name", str),
        content: required(request, "Content", str),
        ...(format !== undefined && { format }),
        ...(documentType !== undefined && { documentType }),
        ...(versionName !== undefined && { versionName }),
        ...(tags !== undefined && { tags }),
      },
      principal.user,
    );
    return { DocumentDescription: documentDescriptionShape(view, account) };
  },

  async GetDocument(request, { fleet, account, region }) {
    const name = documentName(request, { account, region });
    const format = formatOf(request);
    const view = await fleet.documents.get(name, await versionOf(fleet, name, request));
    const to = format ?? view.format;
    return {
      Name: view.name,
      CreatedDate: ts(view.createdAt),
      ...(view.versionName !== undefined && { VersionName: view.versionName }),
      DocumentVersion: String(view.version),
      Status: "Active",
      Content: convertDocument(view.content, view.format, to),
      DocumentType: view.documentType,
      DocumentFormat: to,
    };
  },

  async DescribeDocument(request, { fleet, account, region }) {
    const name = documentName(request, { account, region });
    const view = await fleet.documents.get(name, await versionOf(fleet, name, request));
    return { Document: documentDescriptionShape(view, account) };
  },

  ListDocuments: listDocuments,

  async ListDocumentVersions(request, { fleet, account, region }) {
    const name = documentName(request, { account, region });
    const limit = optional(request, "MaxResults", (m, n) => int(m, n, { min: 1, max: 50 })) ?? 50;
    const token = optional(request, "NextToken", str);
    const from =
      token === undefined ? 0 : decodePageToken(token, (v): v is number => Number.isInteger(v));
    const current = await fleet.documents.get(name);
    // A built-in document has its one version, which is not stored.
    const all =
      current.owner === "Amazon"
        ? [{ name, version: 1, createdAt: current.createdAt, format: current.format }]
        : await fleet.documents.versions(name);
    const page = all.filter((v) => v.version > from).slice(0, limit);
    const last = page.at(-1);
    const more = last !== undefined && all.some((v) => v.version > last.version);
    return {
      DocumentVersions: page.map((v) => documentVersionShape(v, current.defaultVersion)),
      ...nextToken(more ? encodePageToken(last.version) : undefined),
    };
  },

  async UpdateDocument(request, { fleet, principal, account }) {
    refuseUnsupported(request);
    const format = formatOf(request);
    const versionName = optional(request, "VersionName", str);
    const documentVersion = optional(request, "DocumentVersion", str);
    const name = required(request, "Name", str);
    const current = await fleet.documents.get(name, "$LATEST");
    // SSM refuses a VersionName that another version of the document already has.
    if (
      versionName !== undefined &&
      current.owner === "Self" &&
      (await fleet.documents.versions(name)).some((v) => v.versionName === versionName)
    )
      throw new FleetError(
        "DuplicateDocumentVersionName",
        `Document ${name} already has a version named ${versionName}.`,
      );
    const view = await fleet.documents.update(
      {
        name,
        content: required(request, "Content", str),
        documentType: current.documentType,
        ...(format !== undefined && { format }),
        ...(versionName !== undefined && { versionName }),
        ...(documentVersion !== undefined && { documentVersion }),
      },
      principal.user,
    );
    return { DocumentDescription: documentDescriptionShape(view, account) };
  },

  async UpdateDocumentDefaultVersion(request, { fleet }) {
    const view = await fleet.documents.setDefault(
      required(request, "Name", str),
      required(request, "DocumentVersion", str),
    );
    return {
      Description: {
        Name: view.name,
        DefaultVersion: String(view.defaultVersion),
        ...(view.versionName !== undefined && { DefaultVersionName: view.versionName }),
      },
    };
  },

  async DeleteDocument(request, { fleet }) {
    const name = required(request, "Name", str);
    // Force only matters for documents shared with other accounts, which opsflow has not.
    optional(request, "Force", bool);
    const version = await versionOf(fleet, name, request);
    await fleet.documents.delete(name, version);
    return {};
  },
};
