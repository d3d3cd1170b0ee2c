/**
 * LookupCloudTrailEvents of seed 001, against opsflow's audit log instead of CloudTrail.
 * Input: DeleteAccessKeyPair's output. It reads the deleted key's audit events of the last
 * 24 hours (GET /v1/audit/events?accessKeyId=...&startTime=...&endTime=..., every page, at
 * most MAX_EVENTS) and counts them per action, per resource and per resource type, keeping
 * the top 10 of each as `[name, count]` pairs (count descending, then name), as upstream.
 * Unlike upstream (one page of 50, by user name) it reads every page and filters by the key:
 * the question is what the exposed key did, not everything its user did.
 */
import { api } from "./opsflow-client.mjs";

const DAY_MS = 24 * 60 * 60 * 1000;
const PAGE = 1000;
/** A bound on the work of one call; the summary says when it was reached. */
const MAX_EVENTS = 10_000;
const TOP = 10;

/** `arn:aws:states:r:a:stateMachine:x` → `states:stateMachine`; `*` and non-ARNs → none. */
export function resourceType(arn) {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const resource = parts.slice(5).join(":");
  return `${parts[2]}:${resource.split(/[:/]/)[0]}`;
}

/** The `top` most frequent names as [name, count], count descending then name ascending. */
function ranked(counts, top = TOP) {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, top);
}

function add(counts, name) {
  counts.set(name, (counts.get(name) ?? 0) + 1);
}

export async function handler(event) {
  const end = Date.now();
  const query = new URLSearchParams({
    accessKeyId: event.deleted_key,
    startTime: new Date(end - DAY_MS).toISOString(),
    endTime: new Date(end).toISOString(),
    limit: String(PAGE),
  });
  const actions = new Map();
  const resources = new Map();
  const types = new Map();
  let examined = 0;
  let nextToken;
  do {
    if (nextToken) query.set("nextToken", nextToken);
    const page = await api("GET", `/v1/audit/events?${query}`);
    for (const item of page.items) {
      examined++;
      add(actions, item.action);
      for (const resource of item.resources ?? []) {
        const type = resourceType(resource);
        if (type === undefined) continue;
        add(resources, resource);
        add(types, type);
      }
    }
    nextToken = page.nextToken;
  } while (nextToken && examined < MAX_EVENTS);
  return {
    ...event,
    events_examined: examined,
    events_truncated: Boolean(nextToken),
    window_start: query.get("startTime"),
    window_end: query.get("endTime"),
    event_names: ranked(actions),
    resource_names: ranked(resources),
    resource_types: ranked(types),
  };
}
