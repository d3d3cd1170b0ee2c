/**
 * ListDocuments: the older `DocumentFilterList` (`key`/`value`: Name, Owner, PlatformTypes,
 * DocumentType) and `Filters` (`Key`/`Values`: the same keys, SearchKeyword, `tag:KEY` and
 * TagKeys). Name is a prefix; Owner is Self (or Private), Amazon or All; TagKeys requires
 * every key given. PlatformTypes and SearchKeyword are applied to each page, so a page may
 * hold fewer documents than MaxResults while NextToken still leads to the rest.
 */

import type { DocumentView } from "../../../fleet/document-views.js";
import { FleetError } from "../../../fleet/errors.js";
import type { DocumentFilter, DocumentType } from "../../../store/fleet-port.js";
import { type Members, optional, required, str, structures } from "../sfn/members.js";
import { documentIdentifierShape } from "./fleet-document-shapes.js";
import { type FleetOperation, nextToken, pageOf, strings } from "./fleet-members.js";

type Owner = "Self" | "Amazon" | "All";
const OWNERS: Record<string, Owner> = {
  Self: "Self",
  Private: "Self",
  Amazon: "Amazon",
  All: "All",
};

interface Query {
  filter: DocumentFilter & { owner?: Owner };
  platforms?: string[];
  keyword?: string;
  /** Only types opsflow does not keep were asked for: nothing matches. */
  nothing?: boolean;
}

function one(key: string, values: string[]): string {
  if (values.length !== 1)
    throw new FleetError("ValidationException", `Filter ${key} takes one value.`);
  return values[0] as string;
}

function apply(query: Query, key: string, values: string[]): void {
  if (values.some((v) => v === ""))
    throw new FleetError("ValidationException", `Filter ${key} values must not be empty.`);
  const { filter } = query;
  if (key === "Name") filter.namePrefix = one(key, values);
  else if (key === "Owner") {
    const owner = OWNERS[one(key, values)];
    if (!owner)
      throw new FleetError(
        "ValidationException",
        `Owner ${values[0]} is not supported: use Self, Amazon or All.`,
      );
    filter.owner = owner;
  } else if (key === "DocumentType") {
    // A type opsflow does not keep (Policy, Session...) matches nothing rather than failing.
    const kept = values.filter((v): v is DocumentType => v === "Command" || v === "Automation");
    filter.documentTypes = [...(filter.documentTypes ?? []), ...kept];
    if (filter.documentTypes.length === 0) query.nothing = true;
  } else if (key === "PlatformTypes") query.platforms = values;
  else if (key === "SearchKeyword") query.keyword = one(key, values).toLowerCase();
  else if (key === "TagKeys")
    filter.tags = [...(filter.tags ?? []), ...values.map((k) => ({ key: k }))];
  else if (key.startsWith("tag:") && key.length > 4)
    filter.tags = [...(filter.tags ?? []), { key: key.slice(4), values }];
  else throw new FleetError("InvalidFilterKey", `${key} is not a filter key of ListDocuments.`);
}

function parse(request: Members): Query {
  const query: Query = { filter: {} };
  for (const f of optional(request, "DocumentFilterList", structures) ?? []) {
    const key = required(f, "key", str);
    if (!["Name", "Owner", "PlatformTypes", "DocumentType"].includes(key))
      throw new FleetError("InvalidFilterKey", `${key} is not a key of DocumentFilterList.`);
    apply(query, key, [required(f, "value", str)]);
  }
  const filters = optional(request, "Filters", structures) ?? [];
  if (filters.length > 6)
    throw new FleetError("ValidationException", "Filters takes at most 6 filters.");
  for (const f of filters)
    apply(
      query,
      required(f, "Key", (m, n) => str(m, n, { max: 128 })),
      strings(f, "Values") ?? [],
    );
  return query;
}

const matches = (query: Query, view: DocumentView) =>
  (!query.platforms || view.platformTypes.some((p) => query.platforms?.includes(p))) &&
  (!query.keyword || view.name.toLowerCase().includes(query.keyword));

export const listDocuments: FleetOperation = async (request, { fleet, account }) => {
  const query = parse(request);
  if (query.nothing) return { DocumentIdentifiers: [] };
  const found = await fleet.documents.list(query.filter, pageOf(request, 50));
  return {
    DocumentIdentifiers: found.items
      .filter((v) => matches(query, v))
      .map((v) => documentIdentifierShape(v, account)),
    ...nextToken(found.nextToken),
  };
};
