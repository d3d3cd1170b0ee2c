/**
 * Teams on PostgreSQL: records, members, daily usage, and the quota checks made inside the
 * transactions that start and redrive executions. Nodes start executions at the same time,
 * so a check locks its team's row (SELECT ... FOR UPDATE) before it counts: the starts of one
 * team are checked one after the other, each seeing the executions the previous ones added.
 */
import { StoreConflictError } from "../errors.js";
import { teamFromRow } from "../rows/teams.js";
import {
  type TeamCharge,
  TeamQuotaExceededError,
  type TeamQuotas,
  type TeamStore,
  type TeamUsage,
  utcDay,
} from "../teams-port.js";
import type { PostgresDatabase, Sql } from "./database.js";
import { isUniqueViolation } from "./workflows/rows.js";

const UNITS = "units:";

async function runningOf(sql: Sql, team: string): Promise<number> {
  const row = await sql.row<{ n: number }>(
    "SELECT COUNT(*)::bigint AS n FROM executions WHERE team = $1 AND status = 'RUNNING'",
    [team],
  );
  return row?.n ?? 0;
}

/**
 * Locks the team's row until the transaction ends (starts and redrives of the team, on every
 * node, wait here for each other) and returns its quotas; undefined when the team does not
 * exist (a team deleted since its membership was cached charges nothing and refuses nothing).
 */
export async function lockTeam(tx: Sql, team: string): Promise<TeamQuotas | undefined> {
  const row = await tx.row<{ quotas: string }>(
    "SELECT quotas FROM teams WHERE name = $1 FOR UPDATE",
    [team],
  );
  return row && (JSON.parse(row.quotas) as TeamQuotas);
}

/**
 * Throws when one more running execution (one not RUNNING yet, so not in the count) would
 * exceed the team's limit.
 */
async function checkConcurrency(tx: Sql, team: string, quotas: TeamQuotas): Promise<void> {
  const limit = quotas.concurrentExecutions;
  if (limit === undefined) return;
  const others = await runningOf(tx, team);
  if (others + 1 > limit)
    throw new TeamQuotaExceededError(team, "concurrentExecutions", limit, others, 1);
}

/**
 * The check of one start, before its execution is written, the team locked (`lockTeam`):
 * throws TeamQuotaExceededError when one more execution would exceed a quota.
 */
export async function checkTeamQuotas(
  tx: Sql,
  request: TeamCharge,
  quotas: TeamQuotas,
  startedAt: number,
): Promise<void> {
  await checkConcurrency(tx, request.team, quotas);
  const day = utcDay(startedAt);
  const used = new Map(
    (
      await tx.rows<{ metric: string; used: number }>(
        "SELECT metric, used FROM team_usage WHERE team_name = $1 AND day = $2",
        [request.team, day],
      )
    ).map((row) => [row.metric, row.used]),
  );
  const perDay = quotas.executionsPerDay;
  if (perDay !== undefined) {
    const n = used.get("executions") ?? 0;
    if (n + 1 > perDay)
      throw new TeamQuotaExceededError(request.team, "executionsPerDay", perDay, n, 1, day);
  }
  for (const [unit, amount] of Object.entries(request.units)) {
    const cap = quotas.units?.[unit];
    if (cap === undefined) continue;
    const n = used.get(`${UNITS}${unit}`) ?? 0;
    if (n + amount > cap)
      throw new TeamQuotaExceededError(request.team, `units:${unit}`, cap, n, amount, day);
  }
}

/**
 * Charges an admitted start to its team's usage of its UTC day, once its execution is
 * written (in the same transaction, the team's row still locked).
 */
export async function chargeTeam(tx: Sql, request: TeamCharge, startedAt: number): Promise<void> {
  const metrics = ["executions"];
  const amounts = [1];
  for (const [unit, amount] of Object.entries(request.units)) {
    if (amount <= 0) continue;
    metrics.push(`${UNITS}${unit}`);
    amounts.push(amount);
  }
  await tx.run(
    `INSERT INTO team_usage (team_name, day, metric, used)
     SELECT $1, $2, * FROM unnest($3::text[], $4::bigint[])
     ON CONFLICT (team_name, day, metric) DO UPDATE SET used = team_usage.used + excluded.used`,
    [request.team, utcDay(startedAt), metrics, amounts],
  );
}

/**
 * The check of one redrive, inside the commit that sets the (stopped) execution RUNNING
 * again: two redrives on two nodes cannot both take the last concurrency slot. Throws
 * TeamQuotaExceededError when its team has no room for one more running execution.
 */
export async function admitRedrive(tx: Sql, executionArn: string): Promise<void> {
  const team = (
    await tx.row<{ team: string | null }>("SELECT team FROM executions WHERE arn = $1", [
      executionArn,
    ])
  )?.team;
  if (!team) return;
  const quotas = await lockTeam(tx, team);
  if (quotas) await checkConcurrency(tx, team, quotas);
}

/** The team store on `db`. */
export function postgresTeamStore(db: PostgresDatabase): TeamStore {
  return {
    async createTeam(record) {
      try {
        await db.run(
          "INSERT INTO teams (name, description, quotas, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)",
          [
            record.name,
            record.description ?? null,
            JSON.stringify(record.quotas),
            record.createdAt,
            record.updatedAt,
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw new StoreConflictError("exists", `Team ${record.name} already exists.`);
        throw error;
      }
    },
    async getTeam(name) {
      const row = await db.row("SELECT * FROM teams WHERE name = $1", [name]);
      return row && teamFromRow(row);
    },
    async listTeams() {
      return (await db.rows("SELECT * FROM teams ORDER BY name")).map(teamFromRow);
    },
    async setTeamQuotas(name, quotas, now) {
      return (
        (await db.run("UPDATE teams SET quotas = $1, updated_at = $2 WHERE name = $3", [
          JSON.stringify(quotas),
          now,
          name,
        ])) > 0
      );
    },
    deleteTeam: (name) =>
      db.transaction(async (tx) => {
        await tx.run("DELETE FROM team_usage WHERE team_name = $1", [name]);
        // Memberships go by ON DELETE CASCADE.
        return (await tx.run("DELETE FROM teams WHERE name = $1", [name])) > 0;
      }),
    async addTeamMember(team, user, now) {
      await db.run(
        `INSERT INTO team_members (user_name, team_name, added_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_name) DO UPDATE SET team_name = excluded.team_name, added_at = excluded.added_at`,
        [user, team, now],
      );
    },
    async removeTeamMember(team, user) {
      return (
        (await db.run("DELETE FROM team_members WHERE team_name = $1 AND user_name = $2", [
          team,
          user,
        ])) > 0
      );
    },
    async teamMembers(team) {
      return (
        await db.rows<{ user_name: string }>(
          "SELECT user_name FROM team_members WHERE team_name = $1 ORDER BY user_name",
          [team],
        )
      ).map((row) => row.user_name);
    },
    async teamMemberships() {
      return new Map(
        (
          await db.rows<{ user_name: string; team_name: string }>(
            "SELECT user_name, team_name FROM team_members",
          )
        ).map((row) => [row.user_name, row.team_name]),
      );
    },
    async teamUsage(team, day): Promise<TeamUsage> {
      const unitsToday: Record<string, number> = {};
      let executionsToday = 0;
      const rows = await db.rows<{ metric: string; used: number }>(
        "SELECT metric, used FROM team_usage WHERE team_name = $1 AND day = $2",
        [team, day],
      );
      for (const row of rows) {
        if (row.metric === "executions") executionsToday = row.used;
        else if (row.metric.startsWith(UNITS))
          unitsToday[row.metric.slice(UNITS.length)] = row.used;
      }
      return {
        team,
        day,
        runningExecutions: await runningOf(db, team),
        executionsToday,
        unitsToday,
      };
    },
  };
}
