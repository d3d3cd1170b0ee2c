/** `opsflow teams ...`: business units, their members, quotas and usage. */
import { UsageError } from "../command.js";
import { apiVerb, seg, table } from "./identity-verbs.js";
import { nounCommand } from "./verbs.js";

type Quotas = {
  concurrentExecutions?: number;
  executionsPerDay?: number;
  units?: Record<string, number>;
};
type Team = { name: string; members: string[]; quotas: Quotas };
type Usage = {
  team: string;
  day: string;
  runningExecutions: number;
  executionsToday: number;
  unitsToday: Record<string, number>;
  quotas: Quotas;
};

const v = (name: string, spec: Parameters<typeof apiVerb>[2]) => apiVerb("teams", name, spec);
const of = (limit: number | undefined) => (limit === undefined ? "-" : String(limit));

/** `N` or `none` (removes the limit). */
function limitOf(option: string, value: string): number | null {
  if (value === "none") return null;
  if (!/^\d{1,10}$/.test(value)) throw new UsageError(`--${option}: a whole number or 'none'`);
  return Number(value);
}

/** `--units a=5,b=none` → `{ a: 5, b: null }`. */
function unitsOf(value: string): Record<string, number | null> {
  const units: Record<string, number | null> = {};
  for (const pair of value.split(",")) {
    const [name, limit] = pair.split("=");
    if (!name || limit === undefined) throw new UsageError("--units: NAME=N[,NAME=N...]");
    units[name] = limitOf("units", limit);
  }
  return units;
}

const QUOTA_OPTIONS = {
  "concurrent-executions": "executions running at once (N or none)",
  "executions-per-day": "executions started per UTC day (N or none)",
  units: "named units per UTC day: NAME=N[,NAME=N...] (N or none)",
};

function quotasOf(o: Record<string, string | undefined>) {
  return {
    ...(o["concurrent-executions"] !== undefined && {
      concurrentExecutions: limitOf("concurrent-executions", o["concurrent-executions"]),
    }),
    ...(o["executions-per-day"] !== undefined && {
      executionsPerDay: limitOf("executions-per-day", o["executions-per-day"]),
    }),
    ...(o.units !== undefined && { units: unitsOf(o.units) }),
  };
}

const quotaText = (q: Quotas) =>
  [
    `concurrent=${of(q.concurrentExecutions)}`,
    `per-day=${of(q.executionsPerDay)}`,
    ...Object.entries(q.units ?? {}).map(([unit, n]) => `${unit}=${n}`),
  ].join(" ");

/** `opsflow teams ...` */
export const teamsCommand = nounCommand("teams", "Teams (business units): quotas and usage", {
  create: v("create", {
    summary: "Create a team, optionally with quotas",
    args: ["NAME"],
    options: { description: "what the team is", ...QUOTA_OPTIONS },
    request: ([name], o) => {
      const quotas = quotasOf(o);
      return {
        method: "POST",
        path: "/v1/teams",
        body: {
          name,
          ...(o.description !== undefined && { description: o.description }),
          ...(Object.keys(quotas).length > 0 && { quotas }),
        },
      };
    },
    human: (r) => `created team ${(r as Team).name}`,
  }),
  list: v("list", {
    summary: "List teams (name, quotas, members)",
    args: [],
    request: () => ({ method: "GET", path: "/v1/teams" }),
    human: (r) =>
      table(
        (r as { items: Team[] }).items.map((t) => [
          t.name,
          quotaText(t.quotas),
          t.members.join(",") || "-",
        ]),
      ),
  }),
  describe: v("describe", {
    summary: "Show a team",
    args: ["NAME"],
    request: ([name]) => ({ method: "GET", path: `/v1/teams/${seg(name)}` }),
    human: (r) => JSON.stringify(r, null, 2),
  }),
  "set-quota": v("set-quota", {
    summary: "Set or remove quotas (others are kept)",
    args: ["NAME"],
    options: QUOTA_OPTIONS,
    request: ([name], o) => {
      const quotas = quotasOf(o);
      if (Object.keys(quotas).length === 0)
        throw new UsageError(`give at least one of --${Object.keys(QUOTA_OPTIONS).join(", --")}`);
      return { method: "PUT", path: `/v1/teams/${seg(name)}/quotas`, body: quotas };
    },
    human: (r) => `quotas of ${(r as Team).name}: ${quotaText((r as Team).quotas)}`,
  }),
  "add-member": v("add-member", {
    summary: "Put a user in the team (a user is in one team: this moves it)",
    args: ["NAME", "USER"],
    request: ([name, user]) => ({
      method: "PUT",
      path: `/v1/teams/${seg(name)}/members/${seg(user)}`,
    }),
    human: (_, [name, user]) => `${user} is in team ${name}`,
  }),
  "remove-member": v("remove-member", {
    summary: "Take a user out of the team",
    args: ["NAME", "USER"],
    request: ([name, user]) => ({
      method: "DELETE",
      path: `/v1/teams/${seg(name)}/members/${seg(user)}`,
    }),
    human: (_, [name, user]) => `${user} left team ${name}`,
  }),
  usage: v("usage", {
    summary: "Running executions, and executions and units used today (UTC), against quotas",
    args: ["NAME"],
    request: ([name]) => ({ method: "GET", path: `/v1/teams/${seg(name)}/usage` }),
    human: (r) => {
      const u = r as Usage;
      const rows = [
        ["running executions", u.runningExecutions, of(u.quotas.concurrentExecutions)],
        [`executions on ${u.day}`, u.executionsToday, of(u.quotas.executionsPerDay)],
        ...[...new Set([...Object.keys(u.unitsToday), ...Object.keys(u.quotas.units ?? {})])].map(
          (unit) => [`${unit} on ${u.day}`, u.unitsToday[unit] ?? 0, of(u.quotas.units?.[unit])],
        ),
      ];
      return `used\tlimit\tquota\n${table(rows.map(([what, used, limit]) => [used, limit, what]))}`;
    },
  }),
  delete: v("delete", {
    summary: "Delete a team (its members are then in no team)",
    args: ["NAME"],
    request: ([name]) => ({ method: "DELETE", path: `/v1/teams/${seg(name)}` }),
    human: (_, [name]) => `deleted team ${name}`,
  }),
});
