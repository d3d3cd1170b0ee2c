/**
 * Login throttling: failed sign-ins (wrong password, wrong or replayed TOTP code) are counted
 * per claimed user and per source address. Past a few free failures each further one locks
 * that user (or address) out for twice as long as the last, from a base up to a cap; a
 * success clears the user's count. The address allows more failures than a user, since many
 * people may share one (a NAT, a proxy). Counts fade after a quiet period. Kept in the store,
 * on the injected clock: a lockout holds on every node that shares the database.
 *
 * A lock on a user also stops its owner for a while: that is the price of stopping password
 * guessing, bounded by the cap; the audit log shows who caused it.
 */
import type { SignInFailureRecord, SignInThrottleStore } from "../store/sign-in-port.js";

/** The thresholds. */
export interface LoginThrottleSettings {
  /** Failures of one user before the first lockout. */
  userFailures: number;
  /** Failures from one address before the first lockout. */
  addressFailures: number;
  /** The first lockout; each next failure doubles it. */
  baseLockMs: number;
  maxLockMs: number;
  /** A count with no failure for this long starts again at zero. */
  forgetAfterMs: number;
}

/** The defaults. */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleSettings = {
  userFailures: 5,
  addressFailures: 20,
  baseLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

/** Whether a sign-in may be tried now. */
export type LoginVerdict =
  | { ok: true }
  | { ok: false; by: "user" | "address"; retryAfterMs: number; firstRefusal: boolean };

/** How often records past `forgetAfterMs` are deleted (at the next failure after this). */
const PRUNE_EVERY_MS = 60_000;

/** Failure counts and lockouts by user and by address. */
export class LoginThrottle {
  private prunedAt = 0;

  constructor(
    private readonly store: SignInThrottleStore,
    private readonly now: () => number,
    private readonly settings: LoginThrottleSettings = DEFAULT_LOGIN_THROTTLE,
  ) {}

  /** The record under `key`, unless it faded. */
  private async get(key: string): Promise<SignInFailureRecord | undefined> {
    const record = await this.store.getSignInFailures(key);
    if (record && this.now() - record.lastAt > this.settings.forgetAfterMs) return undefined;
    return record;
  }

  /** May `user` from `address` try to sign in now? */
  async check(user: string, address: string | undefined): Promise<LoginVerdict> {
    const now = this.now();
    for (const [by, key] of [
      ["user", `u:${user}`],
      ["address", `a:${address}`],
    ] as const) {
      if (by === "address" && address === undefined) continue;
      const record = await this.get(key);
      if (record && record.lockedUntil > now) {
        const firstRefusal =
          !record.reported && (await this.store.reportSignInLockout(key, record.lockedUntil));
        return { ok: false, by, retryAfterMs: record.lockedUntil - now, firstRefusal };
      }
    }
    return { ok: true };
  }

  /** Counts a failed attempt; answers the lockout it starts, if any (ms). */
  async failed(user: string, address: string | undefined): Promise<number> {
    const lockUser = await this.count(`u:${user}`, this.settings.userFailures);
    const lockAddress =
      address === undefined ? 0 : await this.count(`a:${address}`, this.settings.addressFailures);
    const now = this.now();
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      // Unknown names and addresses must not grow the table without bound.
      this.prunedAt = now;
      await this.store.pruneSignInFailures(now - this.settings.forgetAfterMs);
    }
    return Math.max(lockUser, lockAddress);
  }

  /** A successful sign-in clears the user's count (not the address's). */
  async succeeded(user: string): Promise<void> {
    await this.store.deleteSignInFailures(`u:${user}`);
  }

  private async count(key: string, free: number): Promise<number> {
    const now = this.now();
    const { baseLockMs, maxLockMs, forgetAfterMs } = this.settings;
    const record = await this.store.countSignInFailure(key, (current) => {
      const faded = !current || now - current.lastAt > forgetAfterMs;
      const failures = (faded ? 0 : current.failures) + 1;
      if (failures < free)
        return {
          key,
          failures,
          lastAt: now,
          lockedUntil: faded ? 0 : current.lockedUntil,
          reported: faded ? false : current.reported,
        };
      const lock = Math.min(maxLockMs, baseLockMs * 2 ** (failures - free));
      return { key, failures, lastAt: now, lockedUntil: now + lock, reported: false };
    });
    return record.failures < free ? 0 : record.lockedUntil - now;
  }
}
