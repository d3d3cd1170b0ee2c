/** Keyset paging of small in-memory lists sorted by name (connections, API destinations). */

import type { Page, PageRequest } from "../../store/paging.js";
import { decodePageToken, isStringKey, pageOf } from "../../store/paging.js";

/** The page after `page.nextToken` of `items` (sorted by name). */
export function pageInMemory<T extends { name: string }>(items: T[], page: PageRequest): Page<T> {
  const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : undefined;
  const rest = after === undefined ? items : items.filter((item) => item.name > after);
  return pageOf(rest.slice(0, page.limit + 1), page.limit, (last) => last.name);
}
