/**
 * Teams (business units) and their quotas. A user belongs to at most one team; an execution
 * is charged to the team of the user who starts it, or, when no user starts it (an event rule,
 * a schedule) or the user has no team, to the team its state machine is tagged with
 * (`opsflow:team=<team>`). The units it consumes come from the state machine's tags
 * (`opsflow:units:<unit>=<n>`), never from the request, so a caller cannot declare itself
 * cheap. The check itself runs in the store, inside the transaction that inserts the
 * execution (store/sqlite/teams.ts).
 *
 * The start path stays cheap for users without a team: memberships are cached in memory
 * (reloaded after any membership change made here, and at most a second old, so a change
 * made on another node applies within a second), so a start of a caller without a team, on
 * an untagged machine, makes at most one extra query a second.
 */
import { ServiceError } from "../runtime/durable/errors.js";
import type { IdentityStore } from "../store/identity-port.js";
import {
  type TeamCharge,
  type TeamQuotas,
  type TeamRecord,
  type TeamStore,
  utcDay,
} from "../store/teams-port.js";
import { AuthError, inserting } from "./errors.js";
import { NAME } from "./identity.js";

/** The state machine tag naming the team charged when the starter has none. */
export const TEAM_TAG = "opsflow:team";
/** The prefix of the state machine tags declaring the units one execution consumes. */
export const UNITS_TAG = "opsflow:units:";

const UNIT = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX = 1_000_000_000;

/** A quota change: a number sets a limit, `null` removes it, a missing member keeps it. */
export interface QuotaPatch {
  concurrentExecutions?: number | null;
  executionsPerDay?: number | null;
  units?: Record<string, number | null>;
}

const invalid = (message: string) => new AuthError("ValidationException", message);
const notFound = (what: string) => new AuthError("ResourceNotFound", `${what} does not exist.`);

function limit(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX)
    throw invalid(`${where} must be a whole number from 0 to ${MAX}.`);
  return value;
}

/** The quotas after applying `patch` (validated: whole numbers, unit names). */
function applyQuotaPatch(current: TeamQuotas, patch: QuotaPatch): TeamQuotas {
  const next: TeamQuotas = { ...current, units: { ...current.units } };
  for (const key of ["concurrentExecutions", "executionsPerDay"] as const) {
    const value = patch[key];
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = limit(value, `/${key}`);
  }
  for (const [unit, value] of Object.entries(patch.units ?? {})) {
    if (!UNIT.test(unit)) throw invalid(`/units/${unit}: a unit name is 1-64 of A-Z a-z 0-9 _.-`);
    if (value === null) delete next.units?.[unit];
    else (next.units as Record<string, number>)[unit] = limit(value, `/units/${unit}`);
  }
  if (Object.keys(next.units ?? {}).length === 0) delete next.units;
  return next;
}

/** The units one execution of a machine with these tags consumes. */
export function unitsOf(tags: Record<string, string> | undefined): Record<string, number> {
  const units: Record<string, number> = {};
  for (const [key, value] of Object.entries(tags ?? {})) {
    if (!key.startsWith(UNITS_TAG)) continue;
    const unit = key.slice(UNITS_TAG.length);
    const amount = Number(value);
    if (!UNIT.test(unit) || !/^\d{1,9}$/.test(value) || amount > MAX)
      throw new ServiceError(
        "ValidationException",
        `The state machine's tag ${key}=${value} is not a unit amount: the tag is ${UNITS_TAG}<unit>=<whole number>.`,
      );
    units[unit] = amount;
  }
  return units;
}

/** How old cached memberships may be: changes made by another node apply this late at most. */
const MEMBERSHIP_CACHE_MS = 1000;

/** Teams, members, quotas and usage. */
export class TeamService {
  private members: Map<string, string> | undefined;
  private membersLoadedAt = 0;

  constructor(
    private readonly store: IdentityStore & TeamStore,
    private readonly now: () => number,
  ) {}

  /**
   * What a start by `caller` of a machine with `tags` is charged: undefined (no team, the fast
   * path) or the team and units.
   */
  async chargeFor(
    caller: string | undefined,
    tags: Record<string, string> | undefined,
  ): Promise<TeamCharge | undefined> {
    const now = this.now();
    if (!this.members || now - this.membersLoadedAt >= MEMBERSHIP_CACHE_MS) {
      this.members = await this.store.teamMemberships();
      this.membersLoadedAt = now;
    }
    const team = (caller !== undefined && this.members.get(caller)) || tags?.[TEAM_TAG];
    if (!team) return undefined;
    return { team, units: unitsOf(tags) };
  }

  /** Drops the cached memberships (after a change made outside this service). */
  changed() {
    this.members = undefined;
  }

  private async need(name: string): Promise<TeamRecord> {
    const team = await this.store.getTeam(name);
    if (!team) throw notFound(`Team ${name}`);
    return team;
  }

  /** Creates a team, with quotas when given. */
  async create(name: string, description?: string, quotas: QuotaPatch = {}) {
    if (!NAME.test(name)) throw invalid("The team name must be 1-64 of A-Z a-z 0-9 _+=,.@-");
    const now = this.now();
    await inserting(() =>
      this.store.createTeam({
        name,
        ...(description !== undefined && { description }),
        quotas: applyQuotaPatch({}, quotas),
        createdAt: now,
        updatedAt: now,
      }),
    );
    return this.describe(name);
  }

  /** A team with its quotas and members. */
  async describe(name: string) {
    return this.withMembers(await this.need(name));
  }

  /** Every team. */
  async list() {
    return Promise.all((await this.store.listTeams()).map((team) => this.withMembers(team)));
  }

  private async withMembers(team: TeamRecord) {
    return { ...team, members: await this.store.teamMembers(team.name) };
  }

  /** Changes quotas (see {@link QuotaPatch}); answers the team. */
  async setQuotas(name: string, patch: QuotaPatch) {
    const team = await this.need(name);
    await this.store.setTeamQuotas(name, applyQuotaPatch(team.quotas, patch), this.now());
    return this.describe(name);
  }

  /** Deletes a team; its members have no team afterwards. */
  async delete(name: string) {
    if (!(await this.store.deleteTeam(name))) throw notFound(`Team ${name}`);
    this.changed();
  }

  /** Puts a user in a team (out of its previous team: one team per user). */
  async addMember(name: string, user: string) {
    await this.need(name);
    if (!(await this.store.getUser(user))) throw notFound(`User ${user}`);
    await this.store.addTeamMember(name, user, this.now());
    this.changed();
  }

  /** Takes a user out of a team. */
  async removeMember(name: string, user: string) {
    await this.need(name);
    if (!(await this.store.removeTeamMember(name, user)))
      throw notFound(`Member ${user} of team ${name}`);
    this.changed();
  }

  /** Usage now and on today's UTC day (by the injected clock), beside the quotas. */
  async usage(name: string) {
    const team = await this.need(name);
    const usage = await this.store.teamUsage(name, utcDay(this.now()));
    return { ...usage, quotas: team.quotas };
  }
}
