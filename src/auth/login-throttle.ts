/**
 * Login throttling: failed sign-ins (wrong password, wrong or replayed TOTP code) are counted
 * per claimed user and per source address. Past a few free failures each further one locks
 * that user (or address) out for twice as long as the last, from a base up to a cap; a
 * success clears the user's count. The address allows more failures than a user, since many
 * people may share one (a NAT, a proxy). Counts fade after a quiet period. In memory, on the
 * injected clock: a restart forgives.
 *
 * A lock on a user also stops its owner for a while: that is the price of stopping password
 * guessing, bounded by the cap; the audit log shows who caused it.
 */

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

interface Tally {
  failures: number;
  lastAt: number;
  lockedUntil: number;
  /** A refusal of this lockout was already reported (audited). */
  reported: boolean;
}

/** Whether a sign-in may be tried now. */
export type LoginVerdict =
  | { ok: true }
  | { ok: false; by: "user" | "address"; retryAfterMs: number; firstRefusal: boolean };

const MAX_RECORDS = 50_000;

/** Failure counts and lockouts by user and by address. */
export class LoginThrottle {
  private readonly records = new Map<string, Tally>();

  constructor(
    private readonly now: () => number,
    private readonly settings: LoginThrottleSettings = DEFAULT_LOGIN_THROTTLE,
  ) {}

  private get(key: string): Tally | undefined {
    const record = this.records.get(key);
    if (record && this.now() - record.lastAt > this.settings.forgetAfterMs) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }

  /** May `user` from `address` try to sign in now? */
  check(user: string, address: string | undefined): LoginVerdict {
    const now = this.now();
    for (const [by, key] of [
      ["user", `u:${user}`],
      ["address", `a:${address}`],
    ] as const) {
      if (by === "address" && address === undefined) continue;
      const record = this.get(key);
      if (record && record.lockedUntil > now) {
        const firstRefusal = !record.reported;
        record.reported = true;
        return { ok: false, by, retryAfterMs: record.lockedUntil - now, firstRefusal };
      }
    }
    return { ok: true };
  }

  /** Counts a failed attempt; answers the lockout it starts, if any (ms). */
  failed(user: string, address: string | undefined): number {
    const lockUser = this.count(`u:${user}`, this.settings.userFailures);
    const lockAddress =
      address === undefined ? 0 : this.count(`a:${address}`, this.settings.addressFailures);
    return Math.max(lockUser, lockAddress);
  }

  /** A successful sign-in clears the user's count (not the address's). */
  succeeded(user: string): void {
    this.records.delete(`u:${user}`);
  }

  private count(key: string, free: number): number {
    const now = this.now();
    let record = this.get(key);
    if (!record) {
      if (this.records.size >= MAX_RECORDS) {
        // Oldest first (insertion order): unknown names cannot grow this without bound.
        const oldest = this.records.keys().next().value;
        if (oldest !== undefined) this.records.delete(oldest);
      }
      record = { failures: 0, lastAt: now, lockedUntil: 0, reported: false };
      this.records.set(key, record);
    }
    record.failures += 1;
    record.lastAt = now;
    if (record.failures < free) return 0;
    const { baseLockMs, maxLockMs } = this.settings;
    const lock = Math.min(maxLockMs, baseLockMs * 2 ** (record.failures - free));
    record.lockedUntil = now + lock;
    record.reported = false;
    return lock;
  }
}
