/**
 * Teams in SQLite: records, members, daily usage, and the quota check that runs inside the
 * transaction inserting an execution. SQLite runs one write transaction at a time, so the
 * count read here cannot be raced by a concurrent start: a start over quota throws, the
 * transaction (a savepoint of the group commit) rolls back, and nothing of it remains.
 */
import type Database from "better-sqlite3";
import { StoreConflictError } from "../errors.js";
import { teamFromRow } from "../rows/teams.js";
import {
  type TeamCharge,
  TeamQuotaExceededError,
  type TeamQuotas,
  type TeamRecord,
  type TeamUsage,
  utcDay,
} from "../teams-port.js";

type Row = Record<string, unknown>;

const UNITS = "units:";

/** A team's quotas and the check of its concurrency quota, shared by starts and redrives. */
function teamLimits(db: Database.Database) {
  const quotas = db.prepare("SELECT quotas FROM teams WHERE name = ?");
  // Served by the partial index executions_team_running.
  const running = db.prepare(
    "SELECT COUNT(*) AS n FROM executions WHERE team = ? AND status = 'RUNNING'",
  );
  const runningOf = (team: string) => (running.get(team) as { n: number }).n;
  return {
    runningOf,
    /** Undefined when the team does not exist (deleted since it was charged or cached). */
    quotasOf(team: string): TeamQuotas | undefined {
      const row = quotas.get(team) as { quotas: string } | undefined;
      return row && (JSON.parse(row.quotas) as TeamQuotas);
    },
    /**
     * Throws when one more running execution would exceed the team's limit; `counted` says
     * whether the execution is already RUNNING (and so in the count).
     */
    checkConcurrency(team: string, limits: TeamQuotas, counted: boolean): void {
      const limit = limits.concurrentExecutions;
      if (limit === undefined) return;
      const others = runningOf(team) - (counted ? 1 : 0);
      if (others + 1 > limit)
        throw new TeamQuotaExceededError(team, "concurrentExecutions", limit, others, 1);
    },
  };
}

/**
 * The check-and-charge of one start, for `executions.ts`: called after the execution row is
 * inserted (so the running count includes it), inside the same transaction.
 */
export function teamAdmission(db: Database.Database) {
  const limits = teamLimits(db);
  const tag = db.prepare("UPDATE executions SET team = ? WHERE arn = ?");
  const used = db.prepare(
    "SELECT used FROM team_usage WHERE team_name = ? AND day = ? AND metric = ?",
  );
  const charge = db.prepare(
    `INSERT INTO team_usage (team_name, day, metric, used) VALUES (?, ?, ?, ?)
     ON CONFLICT (team_name, day, metric) DO UPDATE SET used = used + excluded.used`,
  );
  return (request: TeamCharge, arn: string, startedAt: number): void => {
    const quotas = limits.quotasOf(request.team);
    // A team deleted since its membership was cached charges nothing.
    if (!quotas) return;
    tag.run(request.team, arn);
    limits.checkConcurrency(request.team, quotas, true);
    const day = utcDay(startedAt);
    const usedOf = (metric: string) =>
      (used.get(request.team, day, metric) as { used: number } | undefined)?.used ?? 0;
    const perDay = quotas.executionsPerDay;
    if (perDay !== undefined) {
      const n = usedOf("executions");
      if (n + 1 > perDay)
        throw new TeamQuotaExceededError(request.team, "executionsPerDay", perDay, n, 1, day);
    }
    for (const [unit, amount] of Object.entries(request.units)) {
      const cap = quotas.units?.[unit];
      if (cap === undefined) continue;
      const n = usedOf(`${UNITS}${unit}`);
      if (n + amount > cap)
        throw new TeamQuotaExceededError(request.team, `units:${unit}`, cap, n, amount, day);
    }
    charge.run(request.team, day, "executions", 1);
    for (const [unit, amount] of Object.entries(request.units))
      if (amount > 0) charge.run(request.team, day, `${UNITS}${unit}`, amount);
  };
}

/**
 * The check of one redrive, for `claims.ts`: inside the commit that sets the (stopped)
 * execution RUNNING again, so two redrives cannot both take the last concurrency slot.
 * Throws TeamQuotaExceededError when its team has no room for one more running execution.
 */
export function redriveAdmission(db: Database.Database) {
  const limits = teamLimits(db);
  const teamOf = db.prepare("SELECT team FROM executions WHERE arn = ?");
  return (executionArn: string): void => {
    const team = (teamOf.get(executionArn) as { team: string | null } | undefined)?.team;
    const quotas = team ? limits.quotasOf(team) : undefined;
    if (team && quotas) limits.checkConcurrency(team, quotas, false);
  };
}

/** The team operations of the SQLite store. */
export function teamQueries(db: Database.Database) {
  const q = {
    insert: db.prepare(
      "INSERT INTO teams (name, description, quotas, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
    ),
    get: db.prepare("SELECT * FROM teams WHERE name = ?"),
    list: db.prepare("SELECT * FROM teams ORDER BY name"),
    setQuotas: db.prepare("UPDATE teams SET quotas = ?, updated_at = ? WHERE name = ?"),
    delete: db.prepare("DELETE FROM teams WHERE name = ?"),
    deleteUsage: db.prepare("DELETE FROM team_usage WHERE team_name = ?"),
    addMember: db.prepare(
      `INSERT INTO team_members (user_name, team_name, added_at) VALUES (?, ?, ?)
       ON CONFLICT (user_name) DO UPDATE SET team_name = excluded.team_name, added_at = excluded.added_at`,
    ),
    removeMember: db.prepare("DELETE FROM team_members WHERE team_name = ? AND user_name = ?"),
    members: db.prepare(
      "SELECT user_name FROM team_members WHERE team_name = ? ORDER BY user_name",
    ),
    memberships: db.prepare("SELECT user_name, team_name FROM team_members"),
    usage: db.prepare("SELECT metric, used FROM team_usage WHERE team_name = ? AND day = ?"),
  };
  const { runningOf } = teamLimits(db);
  const deleteTeam = db.transaction((name: string) => {
    q.deleteUsage.run(name);
    // Memberships go by ON DELETE CASCADE.
    return q.delete.run(name).changes > 0;
  });

  return {
    createTeam: (record: TeamRecord) => {
      try {
        q.insert.run(
          record.name,
          record.description ?? null,
          JSON.stringify(record.quotas),
          record.createdAt,
          record.updatedAt,
        );
      } catch (error) {
        if (error instanceof Error && /UNIQUE|PRIMARY KEY/.test(error.message))
          throw new StoreConflictError("exists", `Team ${record.name} already exists.`);
        throw error;
      }
    },
    getTeam: (name: string) => {
      const row = q.get.get(name) as Row | undefined;
      return row && teamFromRow(row);
    },
    listTeams: () => (q.list.all() as Row[]).map(teamFromRow),
    setTeamQuotas: (name: string, quotas: TeamQuotas, now: number) =>
      q.setQuotas.run(JSON.stringify(quotas), now, name).changes > 0,
    deleteTeam: (name: string) => deleteTeam(name),
    addTeamMember: (team: string, user: string, now: number) => {
      q.addMember.run(user, team, now);
    },
    removeTeamMember: (team: string, user: string) => q.removeMember.run(team, user).changes > 0,
    teamMembers: (team: string) => (q.members.all(team) as Row[]).map((r) => r.user_name as string),
    teamMemberships: () =>
      new Map(
        (q.memberships.all() as Row[]).map((r) => [r.user_name as string, r.team_name as string]),
      ),
    teamUsage: (team: string, day: string): TeamUsage => {
      const unitsToday: Record<string, number> = {};
      let executionsToday = 0;
      for (const row of q.usage.all(team, day) as { metric: string; used: number }[]) {
        if (row.metric === "executions") executionsToday = row.used;
        else if (row.metric.startsWith(UNITS))
          unitsToday[row.metric.slice(UNITS.length)] = row.used;
      }
      return { team, day, runningExecutions: runningOf(team), executionsToday, unitsToday };
    },
  };
}
