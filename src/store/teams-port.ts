/**
 * The teams part of the store port: business units, their quotas and members, the usage they
 * are charged, and the quota check made inside the transaction that starts an execution.
 * `Store` extends it.
 */

/** A team's limits; a missing member means no limit. */
export interface TeamQuotas {
  /** Executions of the team RUNNING at once. */
  concurrentExecutions?: number;
  /** Executions started per UTC day. */
  executionsPerDay?: number;
  /** Named units consumed per UTC day (e.g. `provisioning-cost`). */
  units?: Record<string, number>;
}

/** A team (business unit). */
export interface TeamRecord {
  name: string;
  description?: string;
  quotas: TeamQuotas;
  createdAt: number;
  updatedAt: number;
}

/** What one execution is charged to: its team and the units it consumes. */
export interface TeamCharge {
  team: string;
  /** Unit name → amount (from the state machine's `opsflow:units:<name>` tags). */
  units: Record<string, number>;
}

/** What a team used: running now, and on one UTC day. */
export interface TeamUsage {
  team: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  runningExecutions: number;
  executionsToday: number;
  unitsToday: Record<string, number>;
}

/** Which quota an over-quota start hit. */
export type QuotaName = "concurrentExecutions" | "executionsPerDay" | `units:${string}`;

/** A start refused because the team would exceed a quota; nothing was written. */
export class TeamQuotaExceededError extends Error {
  constructor(
    readonly team: string,
    readonly quota: QuotaName,
    readonly limit: number,
    readonly used: number,
    readonly requested: number,
    /** The UTC day of a per-day quota. */
    readonly day?: string,
  ) {
    const what =
      quota === "concurrentExecutions"
        ? `${used} of ${limit} concurrent executions are running`
        : quota === "executionsPerDay"
          ? `${used} of ${limit} executions were started on ${day} (UTC)`
          : `${used} of ${limit} ${quota.slice(6)} units were used on ${day} (UTC), ${requested} more requested`;
    super(`Team ${team} is over its ${quota} quota: ${what}.`);
    this.name = "TeamQuotaExceededError";
  }
}

/** The UTC day (`YYYY-MM-DD`) of a time in ms. */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Teams persistence. */
export interface TeamStore {
  /** @throws StoreConflictError `exists` */
  createTeam(record: TeamRecord): Promise<void>;
  getTeam(name: string): Promise<TeamRecord | undefined>;
  listTeams(): Promise<TeamRecord[]>;
  setTeamQuotas(name: string, quotas: TeamQuotas, now: number): Promise<boolean>;
  /** Deletes the team, its memberships and its usage. */
  deleteTeam(name: string): Promise<boolean>;
  /** Puts the user in the team (moving it out of any other: a user has one team). */
  addTeamMember(team: string, user: string, now: number): Promise<void>;
  removeTeamMember(team: string, user: string): Promise<boolean>;
  teamMembers(team: string): Promise<string[]>;
  /** Every membership, user → team (for the in-memory cache of the start path). */
  teamMemberships(): Promise<Map<string, string>>;
  teamUsage(team: string, day: string): Promise<TeamUsage>;
}
